//! `wslab join URL --code CODE [--name NAME]`: a student's screen, following the presenter's
//! class hub; every step runs on the student's own machine.

use std::process::ExitCode;

use super::BadInput;
use crate::cli::{ColorChoice, JoinArgs, LearnArgs};
use crate::net::class::StudentOptions;
use crate::tui::class::ClassSetup;

/// Checks the URL, code and name, then opens the lessons with the class beside them.
///
/// # Errors
/// [`BadInput`] for a URL that is not ws://, an empty code or a name too long; else as
/// `learn::open`.
pub fn run(args: &JoinArgs, learn: &LearnArgs, color: ColorChoice) -> anyhow::Result<ExitCode> {
    let url = crate::net::url::parse(&args.url)
        .map_err(|e| BadInput(format!("{e}; the projector shows the URL to join")))?;
    if url.secure {
        return Err(BadInput(
            "the class channel over wss:// is not yet available; join with the ws:// URL the projector shows".to_owned(),
        )
        .into());
    }
    if args.code.trim().is_empty() {
        return Err(
            BadInput("--code is empty; the projector shows the join code".to_owned()).into(),
        );
    }
    if args.name.len() > crate::class::limits::MAX_NAME_BYTES {
        return Err(BadInput(format!(
            "--name is {} bytes; a name may have at most {}",
            args.name.len(),
            crate::class::limits::MAX_NAME_BYTES
        ))
        .into());
    }
    let options = StudentOptions {
        url,
        code: args.code.trim().to_owned(),
        name: args.name.clone(),
        notes: false,
    };
    super::learn::open_with(
        learn,
        false,
        (None, None),
        args.lessons.as_deref(),
        color,
        Some(ClassSetup::Student(options)),
    )
}
