//! The rules an outgoing control frame must keep, checked before it is sent: the same rules
//! the dissector judges received frames by, so that a refusal and a ✗ read alike.

use super::coding::OpCode;
use super::limits::CONTROL_PAYLOAD_MAX;
use super::message::parse_close;
use super::violation::Violation;

/// The first rule a control frame with `opcode` and `payload` would break: its length
/// (§5.5) first, then for a close its code and reason (§5.5.1, §7.4). Data frames pass.
///
/// # Errors
/// The broken rule, as the dissector would report it on the wire.
pub fn check_control(opcode: OpCode, payload: &[u8]) -> Result<(), Violation> {
    if !opcode.is_control() {
        return Ok(());
    }
    if let Some(broken) = too_long(payload.len() as u64) {
        return Err(broken);
    }
    if opcode == OpCode::Close
        && let Some(broken) = parse_close(payload, true).1.into_iter().next()
    {
        return Err(broken);
    }
    Ok(())
}

/// The §5.5 length rule alone, for a control frame's declared length: a header read from the
/// wire declares one before its payload has arrived.
pub fn too_long(length: u64) -> Option<Violation> {
    (length > CONTROL_PAYLOAD_MAX as u64).then_some(Violation::ControlFrameTooLong { length })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::encode::close_payload;
    use crate::proto::limits::CLOSE_REASON_MAX;

    #[test]
    fn a_ping_carries_125_bytes_not_126() {
        for opcode in [OpCode::Ping, OpCode::Pong] {
            assert_eq!(check_control(opcode, &[b'p'; 125]), Ok(()));
            assert_eq!(
                check_control(opcode, &[b'p'; 126]),
                Err(Violation::ControlFrameTooLong { length: 126 })
            );
        }
        // Data frames have no such limit.
        assert_eq!(check_control(OpCode::Text, &[b't'; 126]), Ok(()));
    }

    #[test]
    fn a_close_reason_fits_in_123_bytes_beside_its_code() {
        let ok = close_payload(1000, &"r".repeat(CLOSE_REASON_MAX));
        assert_eq!(check_control(OpCode::Close, &ok), Ok(()));
        let long = close_payload(1000, &"r".repeat(CLOSE_REASON_MAX + 1));
        assert_eq!(
            check_control(OpCode::Close, &long),
            Err(Violation::ControlFrameTooLong { length: 126 })
        );
    }

    #[test]
    fn a_close_code_no_endpoint_may_send_is_refused() {
        assert_eq!(
            check_control(OpCode::Close, &close_payload(1006, "")),
            Err(Violation::CloseCodeNotAllowed {
                code: 1006,
                name: "Abnormal Closure"
            })
        );
        assert_eq!(
            check_control(OpCode::Close, &[0x03]),
            Err(Violation::ClosePayloadOneByte)
        );
        assert_eq!(check_control(OpCode::Close, &[]), Ok(()));
    }
}
