//! The only code that owns sockets. Every stream it opens or accepts goes through a [`Tap`],
//! so that the Transcript holds exactly what crossed the wire.

pub mod class;
pub mod client;
pub mod http_client;
pub mod idle;
pub mod lab;
pub mod listen;
pub mod proxy;
pub mod recorder;
pub mod refuse;
pub mod session_stream;
pub mod tap;
pub mod tcp;
pub mod tls;

// The URL rules are pure (RFC 6455 §3), so they live in `proto`, where the lessons and the
// screens can check a URL a learner types; the sockets keep reaching them here.
pub use crate::proto::url;

pub use client::ClientError;
pub use client::{ClientOptions, Masking, Outgoing, WsClient};
pub use recorder::Recorder;
pub use tap::{End, Tap};
