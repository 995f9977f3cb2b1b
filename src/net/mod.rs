//! The only code that owns sockets. Every stream it opens or accepts goes through a [`Tap`],
//! so that the Transcript holds exactly what crossed the wire.

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
pub mod url;

pub use client::ClientError;
pub use client::{ClientOptions, Masking, Outgoing, WsClient};
pub use recorder::Recorder;
pub use tap::{End, Tap};
