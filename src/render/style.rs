//! Colours for plain-text output. Layout never depends on colour: a view is laid out first
//! and painted after, so the text reads the same with colour off.

/// What a piece of text is, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Frame byte 0: FIN, RSV1–3, opcode.
    FlagsByte,
    /// Frame byte 1: MASK and the 7-bit length.
    LengthByte,
    /// The extended payload length.
    ExtendedLength,
    /// The masking key.
    MaskingKey,
    /// The payload.
    Payload,
    /// A heading.
    Heading,
    /// Secondary text.
    Dim,
    /// Something that holds.
    Good,
    /// Something broken.
    Bad,
    /// Something allowed but not the usual choice.
    Warn,
}

/// Paints text with ANSI colours, or leaves it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    enabled: bool,
}

impl Palette {
    /// A palette that colours when `enabled`.
    pub const fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    /// A palette that never colours.
    pub fn plain() -> Self {
        Self { enabled: false }
    }

    /// Whether colour is on.
    pub fn enabled(self) -> bool {
        self.enabled
    }

    /// `text` in the colour of `role`.
    pub fn paint(self, role: Role, text: &str) -> String {
        if !self.enabled {
            return text.to_owned();
        }
        let code = match role {
            Role::FlagsByte => "36",
            Role::LengthByte => "34",
            Role::ExtendedLength => "33",
            Role::MaskingKey => "35",
            Role::Payload => "32",
            Role::Heading => "1",
            Role::Dim => "2",
            Role::Good => "1;32",
            Role::Bad => "1;31",
            Role::Warn => "1;33",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}
