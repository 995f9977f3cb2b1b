//! Pure knowledge of RFC 6455, HTTP/1.1 and the TLS record layer: dissectors, derivations and
//! rules. No I/O here; bytes come in as slices, explanations go out as data.

pub mod accept;
mod chunk;
pub mod coding;
pub mod control;
pub mod craft;
pub mod deflate;
pub mod dissector;
pub mod encode;
pub mod fields;
pub mod frame;
pub mod handshake;
pub mod headers;
pub mod http;
pub mod limits;
pub mod mask;
pub mod message;
mod reassembly;
pub mod send;
pub mod session;
pub mod shown;
pub mod sse;
pub mod tls;
pub mod url;
pub mod utf8;
pub mod violation;

pub use accept::{AcceptComparison, Derivation, GUID, KeyError};
pub use coding::{CloseCodeInfo, OpCode, close_code};
pub use dissector::{
    Config, DEFAULT_PREVIEW_CAP, Dissector, Event, Incomplete, OWN_BUFFER_FROM, Side, Stopped,
};
pub use fields::{Field, FieldKind, fields};
pub use frame::{Frame, FrameHeader, HeaderCut, LengthEncoding};
pub use message::{Close, Inflated, Message};
pub use violation::{RsvBits, Violation};
