//! permessage-deflate (RFC 7692): negotiating it in the handshake, and compressing and
//! inflating each message's payload. Pure: headers and payloads in, values out.

pub mod negotiate;
pub mod params;

pub use negotiate::{
    Agreed, Choice, NegotiationError, Params, WindowBits, check_answer, choose, offers,
};
