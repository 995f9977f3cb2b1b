//! RFC 6455 §1.3: the sample key gives the sample Accept, and for many random keys the
//! Accept agrees with tungstenite's.

use crate::common::Lcg;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use wslab::proto::Derivation;

#[test]
fn section_1_3_sample_key_gives_the_sample_accept() {
    let key = "dGhlIHNhbXBsZSBub25jZQ==";
    let d = Derivation::new(key);
    assert_eq!(d.key_bytes, Ok(*b"the sample nonce"));
    assert_eq!(d.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert_eq!(
        tungstenite::handshake::derive_accept_key(key.as_bytes()),
        d.accept
    );
    assert!(d.compare("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").matches);
}

#[test]
fn accept_agrees_with_tungstenite_for_many_keys() {
    let mut rng = Lcg(0x5eed);
    for _ in 0..400 {
        let nonce: [u8; 16] = std::array::from_fn(|_| rng.byte());
        let key = BASE64.encode(nonce);
        let d = Derivation::new(&key);
        assert_eq!(d.key_bytes, Ok(nonce), "{key}");
        assert_eq!(
            d.accept,
            tungstenite::handshake::derive_accept_key(key.as_bytes()),
            "{key}"
        );
    }
}
