//! A TLS connection's lower layer: the bytes under TLS, what an eavesdropper on the path
//! sees. The chunks themselves live with the transcript's, marked by layer; this keeps what
//! they add up to per direction.

use super::Direction;

/// One direction of the ciphertext.
#[derive(Debug, Default)]
pub struct TlsFlow {
    /// Bytes seen so far.
    pub bytes: u64,
    /// When this direction ended (EOF or shutdown), in µs.
    pub ended_us: Option<u64>,
}

/// Both directions of a connection's TLS layer.
#[derive(Debug, Default)]
pub struct TlsLayer {
    flows: [TlsFlow; 2],
}

impl TlsLayer {
    /// One direction.
    pub fn flow(&self, direction: Direction) -> &TlsFlow {
        &self.flows[direction.index()]
    }

    pub(super) fn flow_mut(&mut self, direction: Direction) -> &mut TlsFlow {
        &mut self.flows[direction.index()]
    }
}
