//! permessage-deflate (RFC 7692): negotiating it in the handshake, and compressing and
//! inflating each message's payload. Pure: headers and payloads in, values out.

pub mod codec;
pub mod negotiate;
pub mod params;

pub use codec::{DeflateError, Deflater, InflateError, Inflater, TRAILER};
pub use negotiate::{
    Agreed, Choice, NegotiationError, Params, WindowBits, check_answer, choose, offer, offers,
};
