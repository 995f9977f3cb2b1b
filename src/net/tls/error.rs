//! Why TLS failed, in one sentence each. Certificate errors are the ones a learner meets first,
//! so each names what to do next.

use std::io;

use rustls::{AlertDescription, CertificateError};

/// A TLS problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TlsError {
    /// rcgen could not make the lab's certificate.
    #[error("cannot generate the lab's TLS certificate: {0}")]
    Generate(String),
    /// rustls refused a configuration.
    #[error("cannot configure TLS: {0}")]
    Config(String),
    /// No usable system roots.
    #[error(
        "cannot load this system's trusted CA certificates ({0}); pass --ca FILE to trust a CA yourself"
    )]
    NoSystemRoots(String),
    /// `--ca` names a file that cannot be read.
    #[error("cannot read the CA file {0}: {1}")]
    CaUnreadable(String, String),
    /// `--ca` names a file with no usable certificate.
    #[error("the CA file {0} is not a PEM certificate: {1}")]
    CaNotPem(String, String),
    /// `--keylog` names a file that cannot be written.
    #[error("cannot write the key log {0}: {1}")]
    KeyLog(String, String),
    /// The certificate's issuer is not trusted.
    #[error(
        "the server's certificate was issued by a CA this client does not trust (unknown issuer); pass the server's CA with --ca FILE (the lab prints its path), or --insecure to skip the check"
    )]
    UnknownIssuer,
    /// The certificate names other hosts.
    #[error(
        "the server's certificate is not valid for {host:?}{names}; connect with a name it lists"
    )]
    WrongName {
        /// The host the client asked for.
        host: String,
        /// ", it names …" when rustls said which names it has.
        names: String,
    },
    /// The certificate's validity ended.
    #[error("the server's certificate has expired; the server needs a new one")]
    Expired,
    /// The certificate's validity has not begun.
    #[error("the server's certificate is not valid yet; check this machine's clock")]
    NotYetValid,
    /// Another certificate problem.
    #[error("the server's certificate was rejected: {0}")]
    BadCertificate(String),
    /// The peer answered, but not with TLS.
    #[error("the server did not answer with TLS; is it a plain ws:// server? ({0})")]
    NotTls(String),
    /// The peer refused with an alert.
    #[error("the peer refused the TLS handshake with the alert {0}")]
    Alert(String),
    /// The handshake did not finish in time.
    #[error("the TLS handshake did not finish within {} s", seconds(*.0))]
    Timeout(f64),
    /// The peer hung up during the handshake.
    #[error("the connection closed during the TLS handshake")]
    Closed,
    /// Anything else.
    #[error("the TLS handshake failed: {0}")]
    Handshake(String),
}

/// Seconds to a tenth, without a trailing ".0": a limit met part-way through a budget reads
/// as the budget (0.2, 30), not as 0.199312.
fn seconds(secs: f64) -> String {
    let text = format!("{secs:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

impl TlsError {
    /// Explains a handshake failure that tokio-rustls reported as an `io::Error`, for a client
    /// that asked for `host`.
    pub fn from_handshake(error: &io::Error, host: &str) -> Self {
        let Some(tls) = error
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
        else {
            return if error.kind() == io::ErrorKind::UnexpectedEof {
                Self::Closed
            } else {
                Self::Handshake(error.to_string())
            };
        };
        match tls {
            rustls::Error::InvalidCertificate(cert) => Self::from_certificate(cert, host),
            rustls::Error::InvalidMessage(m) => Self::NotTls(format!("{m:?}")),
            rustls::Error::AlertReceived(alert) => Self::Alert(alert_name(*alert)),
            other => Self::Handshake(other.to_string()),
        }
    }

    fn from_certificate(cert: &CertificateError, host: &str) -> Self {
        match cert {
            CertificateError::UnknownIssuer => Self::UnknownIssuer,
            CertificateError::NotValidForName => Self::WrongName {
                host: host.to_string(),
                names: String::new(),
            },
            CertificateError::NotValidForNameContext { presented, .. } => Self::WrongName {
                host: host.to_string(),
                names: format!(", it names {}", presented.join(", ")),
            },
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Self::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Self::NotYetValid
            }
            CertificateError::BadSignature => Self::BadCertificate(
                "its signature does not verify against the CA given; was the CA file made by another run of the server?".into(),
            ),
            other => Self::BadCertificate(format!("{other:?}")),
        }
    }
}

/// An alert's name as the RFC spells it: `bad_certificate`, `unknown_ca`, …
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut out = String::new();
    let mut after_lower = false;
    // An underscore where a lowercase letter meets an uppercase one: UnknownCA, unknown_ca.
    for c in debug.chars() {
        if c.is_ascii_uppercase() && after_lower {
            out.push('_');
        }
        after_lower = c.is_ascii_lowercase();
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_named_as_the_rfc_spells_them() {
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(
            alert_name(AlertDescription::BadCertificate),
            "bad_certificate"
        );
    }
}
