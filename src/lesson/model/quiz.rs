//! Checks: the questions a step asks, and where a computed answer is found in the capture.

use serde::Deserialize;

/// A question about the step.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Choice, typed or computed.
    pub kind: CheckKind,
    /// The question.
    pub question: String,
    /// For `choice`: the options.
    #[serde(default)]
    pub options: Vec<String>,
    /// For `choice`: the right option's number, from 1. For `typed`: the answer.
    #[serde(default)]
    pub answer: Option<Answer>,
    /// For `typed`, and optionally `computed`: how answers are compared.
    #[serde(default)]
    pub format: Option<Format>,
    /// For `computed`: where in the capture the answer is.
    #[serde(default)]
    pub compute: Option<Probe>,
    /// Shown once answered: why the answer is what it is.
    pub feedback: String,
    /// Shown one at a time on request.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Ask it before the step's actions run, so the learner predicts and the capture proves.
    #[serde(default)]
    pub predict: bool,
}

/// The three kinds of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    /// Pick one of `options`.
    Choice,
    /// Type an answer written in the file.
    Typed,
    /// Type an answer read from the bytes just captured.
    Computed,
}

/// An answer written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// A number: an option, or a numeric answer.
    Number(i64),
    /// Text, hex or a number written as text.
    Text(String),
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Number(n) => write!(f, "{n}"),
            Answer::Text(t) => f.write_str(t),
        }
    }
}

/// How a typed answer is compared with the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A whole number; decimal, or hex with 0x.
    Number,
    /// Bytes as hex; case, spaces and 0x do not matter.
    Hex,
    /// Text, compared exactly after trimming.
    Text,
}

impl Format {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Format::Number => "number",
            Format::Hex => "hex",
            Format::Text => "text",
        }
    }
}

/// Which side sent a frame or a head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum From {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl From {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            From::Client => "client",
            From::Server => "server",
        }
    }
}

/// A frame field a check can ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// FIN, 0 or 1.
    Fin,
    /// RSV1, 0 or 1.
    Rsv1,
    /// The opcode as a number.
    Opcode,
    /// MASK, 0 or 1.
    Mask,
    /// The payload length.
    Length,
    /// The header's length in bytes.
    HeaderLength,
    /// The masking key, as hex.
    MaskingKey,
    /// The unmasked payload, as text.
    Payload,
    /// A close frame's status code.
    CloseCode,
}

impl Field {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Field::Fin => "fin",
            Field::Rsv1 => "rsv1",
            Field::Opcode => "opcode",
            Field::Mask => "mask",
            Field::Length => "length",
            Field::HeaderLength => "header-length",
            Field::MaskingKey => "masking-key",
            Field::Payload => "payload",
            Field::CloseCode => "close-code",
        }
    }
}

/// Where a computed answer is found in the capture. `action` is the step's action, from 1
/// (default: the last one that opened a connection); `frame` counts the frames `from` one
/// side, from 1.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "of", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Probe {
    /// Bytes of a frame as it crossed the wire, as hex.
    FrameBytes {
        /// Which side sent it.
        from: From,
        /// Which frame.
        frame: usize,
        /// The first byte, from 0.
        start: usize,
        /// How many bytes.
        #[serde(default = "one_usize")]
        len: usize,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// One field of a frame.
    FrameField {
        /// Which side sent it.
        from: From,
        /// Which frame.
        frame: usize,
        /// Which field.
        field: Field,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// How many frames one side sent.
    FrameCount {
        /// Which side.
        from: From,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The Sec-WebSocket-Accept for the key the client sent, derived here.
    Accept {
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// SHA-1 of the key the client sent plus the GUID, as hex.
    Sha1 {
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// A header's value as sent.
    Header {
        /// Which side sent it.
        from: From,
        /// The header's name, any case.
        name: String,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The response's status code.
    Status {
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The size of a head in bytes, blank line included.
    HeadBytes {
        /// Which side sent it.
        from: From,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// How many TLS records one side sent, as an eavesdropper counts them (`tls = true`).
    TlsRecords {
        /// Which side.
        from: From,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
    /// The bytes TLS added to one frame: the size of the record that carried it alone,
    /// header included, minus the frame's own bytes (`tls = true`).
    TlsOverhead {
        /// Which side sent it.
        from: From,
        /// Which frame.
        frame: usize,
        /// Which action.
        #[serde(default)]
        action: Option<usize>,
    },
}

fn one_usize() -> usize {
    1
}

impl Probe {
    /// The action it reads, if the file names one.
    pub fn action(&self) -> Option<usize> {
        match self {
            Probe::FrameBytes { action, .. }
            | Probe::FrameField { action, .. }
            | Probe::FrameCount { action, .. }
            | Probe::Accept { action }
            | Probe::Sha1 { action }
            | Probe::Header { action, .. }
            | Probe::Status { action }
            | Probe::HeadBytes { action, .. }
            | Probe::TlsRecords { action, .. }
            | Probe::TlsOverhead { action, .. } => *action,
        }
    }

    /// How answers to it are compared.
    pub fn format(&self) -> Format {
        match self {
            Probe::FrameBytes { .. } | Probe::Sha1 { .. } => Format::Hex,
            Probe::FrameField { field, .. } => match field {
                Field::MaskingKey => Format::Hex,
                Field::Payload => Format::Text,
                _ => Format::Number,
            },
            Probe::FrameCount { .. }
            | Probe::Status { .. }
            | Probe::HeadBytes { .. }
            | Probe::TlsRecords { .. }
            | Probe::TlsOverhead { .. } => Format::Number,
            Probe::Accept { .. } | Probe::Header { .. } => Format::Text,
        }
    }
}
