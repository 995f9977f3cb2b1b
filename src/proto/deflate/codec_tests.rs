use proptest::prelude::*;

use super::*;

fn bits(n: u8) -> WindowBits {
    WindowBits::new(n).expect("8 to 15")
}

const HELLO: [u8; 7] = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];

#[test]
fn rfc_7692_7_2_3_1_hello_compresses_to_the_rfc_bytes() {
    let mut deflater = Deflater::new(WindowBits::MAX, false).unwrap();
    assert_eq!(deflater.compress(b"Hello").unwrap(), HELLO);
}

#[test]
fn an_empty_message_between_two_is_one_zero_byte_and_reads_back() {
    let mut deflater = Deflater::new(WindowBits::MAX, false).unwrap();
    let mut inflater = Inflater::new(WindowBits::MAX, false);
    for message in [&b"Hello"[..], b"", b"Hello"] {
        let wire = deflater.compress(message).unwrap();
        if message.is_empty() {
            assert_eq!(wire, [0x00], "the empty stored block, RFC 7692 §7.2.3.6");
        }
        assert_eq!(inflater.inflate(&wire, 1024).unwrap(), message);
    }
}

#[test]
fn rfc_7692_7_2_3_2_the_second_hello_refers_to_the_first() {
    let mut deflater = Deflater::new(WindowBits::MAX, false).unwrap();
    deflater.compress(b"Hello").unwrap();
    assert_eq!(
        deflater.compress(b"Hello").unwrap(),
        [0xf2, 0x00, 0x11, 0x00, 0x00]
    );
    let mut inflater = Inflater::new(WindowBits::MAX, false);
    assert_eq!(inflater.inflate(&HELLO, 100).unwrap(), b"Hello");
    assert_eq!(
        inflater
            .inflate(&[0xf2, 0x00, 0x11, 0x00, 0x00], 100)
            .unwrap(),
        b"Hello"
    );
}

#[test]
fn without_context_takeover_each_message_stands_alone() {
    let mut deflater = Deflater::new(WindowBits::MAX, true).unwrap();
    assert_eq!(deflater.compress(b"Hello").unwrap(), HELLO);
    assert_eq!(deflater.compress(b"Hello").unwrap(), HELLO);
    let mut inflater = Inflater::new(WindowBits::MAX, true);
    assert_eq!(inflater.inflate(&HELLO, 100).unwrap(), b"Hello");
    assert_eq!(inflater.inflate(&HELLO, 100).unwrap(), b"Hello");
}

#[test]
fn rfc_7692_7_2_3_3_to_5_other_block_forms_inflate() {
    let stored = [
        0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
    ];
    let bfinal = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];
    let two = [
        0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
    ];
    for payload in [&stored[..], &bfinal, &two] {
        let mut inflater = Inflater::new(WindowBits::MAX, false);
        assert_eq!(inflater.inflate(payload, 100).unwrap(), b"Hello");
        // After a final block, the next message is a stream of its own.
        assert_eq!(inflater.inflate(&HELLO, 100).unwrap(), b"Hello");
    }
}

#[test]
fn rfc_7692_7_2_3_6_an_empty_message_is_one_byte() {
    let mut deflater = Deflater::new(WindowBits::MAX, false).unwrap();
    assert_eq!(deflater.compress(b"").unwrap(), [0x00]);
    let mut inflater = Inflater::new(WindowBits::MAX, false);
    assert_eq!(inflater.inflate(&[0x00], 10).unwrap(), b"");
}

#[test]
fn a_window_of_8_cannot_be_written() {
    assert_eq!(
        Deflater::new(WindowBits::MIN, false).unwrap_err(),
        DeflateError::WindowTooSmall
    );
}

#[test]
fn a_zip_bomb_stops_at_the_limit() {
    let mut deflater = Deflater::new(WindowBits::MAX, false).unwrap();
    let bomb = deflater.compress(&vec![0u8; 8 * 1024 * 1024]).unwrap();
    assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
    let mut inflater = Inflater::new(WindowBits::MAX, false);
    let limit = 100_000;
    let Err(InflateError::TooBig { inflated, .. }) = inflater.inflate(&bomb, limit) else {
        panic!("not refused");
    };
    // It stopped at the first piece past the limit, far from 8 MiB.
    assert!(inflated <= limit + PIECE, "{inflated}");
    let mut fresh = Inflater::new(WindowBits::MAX, false);
    assert_eq!(fresh.inflate(&bomb, limit).unwrap_err().close_code(), 1009);
}

#[test]
fn bytes_that_are_not_deflate_are_refused_with_1002() {
    let mut inflater = Inflater::new(WindowBits::MAX, false);
    // BTYPE 11 is reserved (RFC 1951 §3.2.3).
    let error = inflater.inflate(&[0xff, 0xff, 0xff], 100).unwrap_err();
    assert!(matches!(error, InflateError::Corrupt { .. }), "{error:?}");
    assert_eq!(error.close_code(), 1002);
    assert!(error.to_string().contains("RFC 7692 §7.2.2"), "{error}");
}

fn messages() -> impl Strategy<Value = Vec<Vec<u8>>> {
    // Repetitive text, so that matches reach back across the window, and random bytes.
    let message = prop_oneof![
        proptest::collection::vec(prop::sample::select(b"ab {}\":,0123".to_vec()), 0..3000),
        proptest::collection::vec(any::<u8>(), 0..600),
    ];
    proptest::collection::vec(message, 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip_under_every_window_and_takeover(
        window in 9u8..=15,
        reset in any::<bool>(),
        messages in messages(),
    ) {
        let mut deflater = Deflater::new(bits(window), reset).unwrap();
        let mut inflater = Inflater::new(bits(window), reset);
        for message in &messages {
            let wire = deflater.compress(message).unwrap();
            prop_assert!(!wire.ends_with(&TRAILER));
            prop_assert_eq!(&inflater.inflate(&wire, 1 << 20).unwrap(), message);
        }
    }

    // zlib writes no 8-bit window, but a message shorter than 256 bytes, compressed alone,
    // has no distance past 256: it is what a peer limited to 8 bits may send, and an 8-bit
    // inflater reads it.
    #[test]
    fn an_eight_bit_inflater_reads_short_messages(
        messages in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..256), 1..5),
    ) {
        let mut deflater = Deflater::new(bits(9), true).unwrap();
        let mut inflater = Inflater::new(WindowBits::MIN, true);
        for message in &messages {
            let wire = deflater.compress(message).unwrap();
            prop_assert_eq!(&inflater.inflate(&wire, 1024).unwrap(), message);
        }
    }

    // With window 15, the codec speaks plain raw DEFLATE: flate2's own inflater reads it, and
    // it reads flate2's own sync-flushed output.
    #[test]
    fn window_15_interoperates_with_plain_raw_deflate(messages in messages()) {
        let mut ours = Deflater::new(WindowBits::MAX, false).unwrap();
        let mut plain_in = Decompress::new(false);
        let mut plain_out = Compress::new(Compression::fast(), false);
        let mut inflater = Inflater::new(WindowBits::MAX, false);
        for message in &messages {
            let mut wire = ours.compress(message).unwrap();
            wire.extend_from_slice(&TRAILER);
            let mut back = Vec::with_capacity(message.len() + 64);
            plain_in.decompress_vec(&wire, &mut back, FlushDecompress::Sync).unwrap();
            prop_assert_eq!(&back, message);

            // zlib's own sync flush of nothing, right after another, writes nothing at all
            // (no progress is possible), so there is no reference output to read: our side
            // sends a lone 0x00 there (see `Deflater::compress`), checked above.
            if message.is_empty() {
                continue;
            }
            let mut theirs = Vec::with_capacity(message.len() * 2 + 64);
            plain_out.compress_vec(message, &mut theirs, FlushCompress::Sync).unwrap();
            prop_assert!(theirs.ends_with(&TRAILER));
            theirs.truncate(theirs.len() - TRAILER.len());
            prop_assert_eq!(&inflater.inflate(&theirs, 1 << 20).unwrap(), message);
        }
    }
}
