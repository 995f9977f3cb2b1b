//! TLS as an eavesdropper sees it: the record layer of one direction of a wss:// connection,
//! dissected from the bytes on the wire, with no keys. No I/O here.
//!
//! # The record header
//!
//! Everything TLS sends travels in records. Each starts with a 5-byte header that is never
//! encrypted, because the receiver must read it before it can decrypt anything:
//!
//! ```text
//!   17        03 03          00 2d
//!   type      version        length
//!   23 =      0x0303,        45 bytes of body follow
//!   application_data  "TLS 1.2"
//! ```
//!
//! - The **type** says what the body is: a handshake message, an alert, a key-change signal,
//!   or application data. In TLS 1.3, once the hellos are done, every record says
//!   `application_data` and the real type is hidden inside the encryption.
//! - The **version** is a relic: TLS 1.3 writes 0x0303 (TLS 1.2) so that old middleboxes let
//!   it through. The real version is agreed inside the hellos.
//! - The **length** is the body's size, so the receiver knows where the next record starts.
//!
//! # What an eavesdropper learns
//!
//! Encryption hides the content of each record, but not the header and not the moment the
//! record crossed the wire. So an observer sees how many records each side sends, how large
//! each is (for TLS 1.3 with a 16-byte tag, the plaintext is the length less 17), and when
//! each was sent. A WebSocket "ping" and its "pong" show up as two small records a round-trip
//! apart; a chat message as one record whose size gives away the message's length.
//! Before encryption starts, the hellos are in clear too: the `ClientHello` names the site
//! (SNI) and the protocols it wants (ALPN) to anyone on the path.

mod dissector;
mod handshake;
mod hello;
mod names;
mod problem;
mod record;
mod spanned;
#[cfg(test)]
mod tests;

pub use dissector::TlsDissector;
pub use handshake::{HANDSHAKE_CAP, HandshakeMessage, Hello};
pub use hello::{ClientHello, ServerHello};
pub use names::{
    ContentType, HandshakeType, alert_description_name, alert_level_name, cipher_suite_name,
    is_grease, version_name,
};
pub use problem::{MAX_CIPHERTEXT_LEN, MAX_PLAINTEXT_LEN, TlsProblem};
pub use record::{
    Alert, IncompleteRecord, RECORD_HEADER_LEN, TLS13_TAG_LEN, Tls13Overhead, TlsRecord,
};
pub use spanned::Spanned;
