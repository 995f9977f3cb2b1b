//! RFC 6455 §1.3: the sample key gives the sample Accept, and for many random keys the
//! Accept agrees with tungstenite's.

use data_encoding::BASE64;
use wslab::proto::Derivation;

/// A deterministic pseudo-random generator (Knuth's MMIX LCG), so that runs repeat.
struct Lcg(u64);

impl Lcg {
    fn byte(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }
}

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
        let key = BASE64.encode(&nonce);
        let d = Derivation::new(&key);
        assert_eq!(d.key_bytes, Ok(nonce), "{key}");
        assert_eq!(
            d.accept,
            tungstenite::handshake::derive_accept_key(key.as_bytes()),
            "{key}"
        );
    }
}
