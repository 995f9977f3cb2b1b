//! `wslab inspect URL`: check the arguments, then hand the terminal to the console.

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::time::Duration;

use super::BadInput;
use crate::capture::Limits;
use crate::cli::{ColorChoice, InspectArgs, LearnArgs};
use crate::net::client::ClientOptions;
use crate::net::tls::Trust;
use crate::net::{Recorder, url};

/// Runs the inspector.
///
/// # Errors
/// [`BadInput`] for a bad URL or header, or without a terminal.
pub fn run(args: &InspectArgs, learn: &LearnArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let target = url::parse(&args.url).map_err(|e| BadInput(e.to_string()))?;
    let headers = args
        .headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                .filter(|(n, _)| !n.is_empty())
                .ok_or_else(|| BadInput(format!("--header {h:?} is not 'Name: value'")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(BadInput(format!(
            "--timeout {} must be between 0 and 3600 seconds",
            args.timeout
        ))
        .into());
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(BadInput(
            "the inspector needs a terminal; without one, `wslab connect URL --send TEXT` runs a scripted exchange".to_owned(),
        )
        .into());
    }
    let mut notes = super::unspoken_extensions(&headers);
    let tls = super::tls_options(&args.tls, target.secure, &mut notes)?;
    for note in &notes {
        eprintln!("wslab: note: {note}");
    }
    // The console's title says it too: the note above is gone once the screen is taken.
    let title = if matches!(tls.trust, Trust::Insecure) {
        format!("{} (certificate NOT checked: --insecure)", args.url)
    } else {
        args.url.clone()
    };
    let deflate = args
        .deflate
        .as_deref()
        .map(super::deflate_offer)
        .transpose()?;
    let options = ClientOptions {
        tls,
        headers,
        deflate,
        protocols: args.protocols.clone(),
        timeout: Duration::from_secs_f64(args.timeout),
        // The console stays open while the server is quiet: only the user ends it.
        reply_timeout: None,
        label: "inspect".to_owned(),
        ..ClientOptions::default()
    };
    let recorder = Recorder::new(Limits::default());
    let theme = super::learn::theme(learn.theme, color);
    let caught = crate::tui::inspect::run(&target, &title, &options, &recorder, &theme)?;
    if let Some(caught) = caught {
        let closed = "an open connection was closed with 1001 (going away, RFC 6455 §7.4.1)";
        super::kept_after(caught, &recorder, "inspect", closed);
    }
    Ok(crate::signals::exit(caught))
}
