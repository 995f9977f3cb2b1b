//! RFC 6455 §5.1 and §5.3, masking: a client must mask, a server must not, and with the
//! side unknown neither is judged.

use wslab::proto::{Config, Side, Violation};

use crate::support::{expect, masked, server, unmasked};

#[test]
fn unmasked_client_frame() {
    assert_eq!(Violation::UnmaskedClientFrame.section(), "5.1");
    let run = expect(
        Config::new(Side::Client),
        &unmasked(0x81, b"hi"),
        &[&[Violation::UnmaskedClientFrame]],
    );
    assert_eq!(&run.messages[0].preview[..], b"hi");
}

#[test]
fn masked_server_frame() {
    assert_eq!(Violation::MaskedServerFrame.section(), "5.1");
    let run = expect(
        server(),
        &masked(0x81, b"hi"),
        &[&[Violation::MaskedServerFrame]],
    );
    // Still unmasked for the reader.
    assert_eq!(&run.messages[0].preview[..], b"hi");
}

#[test]
fn unknown_side_judges_neither_masking() {
    let bytes = [masked(0x81, b"hi"), unmasked(0x81, b"hi")].concat();
    let run = expect(Config::new(Side::Unknown), &bytes, &[&[], &[]]);
    assert_eq!(run.messages.len(), 2);
    assert!(run.messages.iter().all(|m| m.preview == b"hi"[..]));
}
