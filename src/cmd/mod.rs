//! The commands' edges: read input, call the pure core, print. Errors a user can cause are
//! [`BadInput`], which exits 2.

pub mod accept;
pub mod connect;
pub mod decode;
pub mod grade;
pub mod handout;
pub mod inspect;
pub mod join;
pub mod learn;
pub mod lesson;
pub mod lessons;
pub mod notes;
pub mod proxy;
pub mod serve;
pub mod shell;

use std::io::IsTerminal as _;

use crate::cli::ColorChoice;
use crate::net::tls::{TlsOptions, Trust};
use crate::render::style::Palette;

/// Input the user gave that cannot be used; the message says what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

impl From<crate::files::save::SaveError> for BadInput {
    fn from(e: crate::files::save::SaveError) -> Self {
        Self(e.0)
    }
}

/// The TLS options `--ca`, `--insecure` and `--keylog` describe. `--insecure` adds a warning
/// to `notes`, printed on every run: skipping the check must never become invisible.
///
/// # Errors
/// [`BadInput`] for a CA file or key log that cannot be used, found before any socket opens.
pub fn tls_options(
    args: &crate::cli::TlsArgs,
    secure: bool,
    notes: &mut Vec<String>,
) -> Result<TlsOptions, BadInput> {
    if !secure && (args.ca.is_some() || args.insecure || args.keylog.is_some()) {
        notes.push("--ca, --insecure and --keylog apply to wss:// URLs; this ws:// URL is plain TCP, so they are ignored".into());
    }
    let trust = match (&args.ca, args.insecure) {
        (Some(path), _) => Trust::Ca(path.clone()),
        (None, true) if secure => {
            notes.push("--insecure: the server's certificate is not checked. The traffic is encrypted, but anyone on the path could pose as the server".into());
            Trust::Insecure
        }
        (None, _) => Trust::System,
    };
    let options = TlsOptions::new(trust, args.keylog.clone());
    if secure {
        options
            .client_config()
            .map_err(|e| BadInput(e.to_string()))?;
    }
    Ok(options)
}

/// The palette for standard output, honouring `--color` and `NO_COLOR`.
pub fn palette(choice: ColorChoice) -> Palette {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Palette::new(match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
    })
}

/// The offer `--deflate[=PARAMS]` asks for (`connect`, `inspect`), checked by RFC 7692's rules
/// before anything is sent.
///
/// # Errors
/// [`BadInput`] naming the rule the offer would break.
fn deflate_offer(params: &str) -> Result<String, BadInput> {
    crate::proto::deflate::offer(params)
        .map(|(text, _)| text)
        .map_err(|broken| BadInput(format!("--deflate: {broken}")))
}

/// Notes for extensions offered by `--header` that wslab does not speak (`connect`,
/// `inspect`): said before connecting, since a server that accepts one may set reserved bits
/// (RFC 6455 §5.2, §9) that wslab cannot read. permessage-deflate by `--header` is honoured as
/// `--deflate` is, so it gets no note.
fn unspoken_extensions(headers: &[(String, String)]) -> Vec<String> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("sec-websocket-extensions"))
        .flat_map(|(_, value)| crate::proto::http::extension_names(value))
        .filter(|name| !name.eq_ignore_ascii_case("permessage-deflate"))
        .map(|name| {
            format!(
                "--header offers the extension {name}, which wslab does not speak: if the server accepts it, frames that use it (their reserved bits, RFC 6455 §5.2, §9) cannot be read, and wslab will say so rather than blame the server"
            )
        })
        .collect()
}

/// After a signal ended a screen: says so, and keeps what it captured in files here, as the
/// screen's S key would have, since the user had no chance to press it (issue 23: an
/// interrupted run keeps what it captured). An empty capture writes nothing. `closed` says
/// what became of the open connections.
pub(crate) fn kept_after(
    caught: crate::signals::Caught,
    recorder: &crate::net::Recorder,
    name: &str,
    closed: &str,
) {
    let connections = recorder.read(|t| t.connections().count());
    if connections == 0 {
        eprintln!("wslab: stopped by {}; nothing was captured", caught.name);
        return;
    }
    let said = crate::files::save::save_here(recorder, name);
    eprintln!("wslab: stopped by {}; {closed}. {said}", caught.name);
}
