//! The commands' edges: read input, call the pure core, print. Errors a user can cause are
//! [`BadInput`], which exits 2.

pub mod accept;
pub mod connect;
pub mod decode;
pub mod inspect;
pub mod learn;
pub mod lesson;
pub mod lessons;
pub mod proxy;
pub mod save;
pub mod serve;

use std::io::IsTerminal as _;

use crate::cli::ColorChoice;
use crate::render::style::Palette;

/// Input the user gave that cannot be used; the message says what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// The palette for standard output, honouring `--color` and `NO_COLOR`.
pub fn palette(choice: ColorChoice) -> Palette {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    Palette::new(match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
    })
}
