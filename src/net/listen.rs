//! The address a server of wslab listens on, as a person types it: `9002`, `:9002`,
//! `localhost:9002`, `127.0.0.1:9002` or `[::1]:9002`; and the address alone, for a `--bind`
//! beside a `--port`: `0.0.0.0`, `[::1]` or `localhost`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs as _};

/// Reads a listen address. A bare port (or `:PORT`) means loopback, 127.0.0.1: listening on
/// every interface is a choice a person should make by typing it. A host name is resolved,
/// and its first IPv4 address taken when it has one, since `localhost` often resolves to
/// `::1` first while clients typed `127.0.0.1`.
///
/// # Errors
/// One sentence that says what was expected.
pub fn parse(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let port_only = text.strip_prefix(':').unwrap_or(text);
    if !port_only.is_empty() && port_only.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            port(port_only)?,
        ));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port_text)) = text.rsplit_once(':') else {
        return Err(format!(
            "'{text}' is not an address to listen on; give PORT, :PORT or HOST:PORT, such as 9002 or 127.0.0.1:9002"
        ));
    };
    let port = port(port_text)?;
    if host.is_empty() || host.contains(':') {
        return Err(format!(
            "'{text}' is not an address to listen on; write an IPv6 address in brackets, such as [::1]:{port}"
        ));
    }
    resolve(host, port)
}

/// `host` resolved, its first IPv4 address taken when it has one.
fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("the host '{host}' could not be resolved: {e}"))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("the host '{host}' resolved to no address"))
}

/// Reads the address a server binds, beside a `--port` of its own: an IP address (`0.0.0.0`,
/// `::1`, `[::1]`) or a host name, resolved as [`parse`] resolves one (IPv4 first).
///
/// # Errors
/// One sentence: a port given here (it belongs in `--port`), or a name that does not resolve.
pub fn parse_host(text: &str) -> Result<IpAddr, String> {
    let text = text.trim();
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(ip);
    }
    if text.parse::<SocketAddr>().is_ok() || text.rsplit_once(':').is_some() {
        return Err(format!(
            "'{text}' has a port; give only the address here (such as 0.0.0.0) and the port with --port"
        ));
    }
    if text.is_empty() {
        return Err("give an address to bind, such as 127.0.0.1 or 0.0.0.0".to_owned());
    }
    resolve(text, 0).map(|a| a.ip())
}

fn port(text: &str) -> Result<u16, String> {
    text.parse::<u16>()
        .map_err(|_| format!("'{text}' is not a port; a port is a number from 0 to 65535"))
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_host};

    #[test]
    fn a_bind_address_is_an_address_or_a_name_without_a_port() {
        assert_eq!(parse_host("0.0.0.0").unwrap().to_string(), "0.0.0.0");
        assert_eq!(parse_host("::1").unwrap().to_string(), "::1");
        assert_eq!(parse_host("[::1]").unwrap().to_string(), "::1");
        assert_eq!(parse_host("localhost").unwrap().to_string(), "127.0.0.1");
        let err = parse_host("127.0.0.1:9002").unwrap_err();
        assert!(err.contains("--port"), "{err}");
        let err = parse_host("localhost:9002").unwrap_err();
        assert!(err.contains("--port"), "{err}");
        let err = parse_host("no-such-host.invalid").unwrap_err();
        assert!(err.contains("could not be resolved"), "{err}");
    }

    #[test]
    fn a_bare_port_means_loopback() {
        assert_eq!(parse("9002").unwrap().to_string(), "127.0.0.1:9002");
        assert_eq!(parse(":9002").unwrap().to_string(), "127.0.0.1:9002");
        assert_eq!(parse("0").unwrap().to_string(), "127.0.0.1:0");
    }

    #[test]
    fn addresses_and_names_are_read() {
        assert_eq!(parse("0.0.0.0:80").unwrap().to_string(), "0.0.0.0:80");
        assert_eq!(parse("[::1]:9002").unwrap().to_string(), "[::1]:9002");
        assert!(parse("localhost:9002").unwrap().ip().is_loopback());
        assert_eq!(parse("localhost:9002").unwrap().port(), 9002);
    }

    #[test]
    fn a_bad_value_is_one_sentence() {
        for bad in [
            "",
            "abc",
            "70000",
            ":x",
            "localhost:",
            "::1:80",
            "host:port",
        ] {
            let e = parse(bad).unwrap_err();
            assert!(!e.contains('\n') && e.len() > 20, "{bad}: {e}");
        }
        assert!(parse("70000").unwrap_err().contains("0 to 65535"));
    }
}
