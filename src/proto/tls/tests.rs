//! The TLS dissector against RFC 8448's trace, hand-built records, every way of splitting a
//! stream into chunks, and garbage.

use proptest::prelude::*;

use super::*;

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

fn record(kind: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    out.extend_from_slice(body);
    out
}

fn u16_prefixed(body: &[u8]) -> Vec<u8> {
    let mut out = u16::try_from(body.len()).unwrap().to_be_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

fn feed_all(bytes: &[u8]) -> (Vec<TlsRecord>, TlsDissector) {
    let mut tls = TlsDissector::new();
    let records = tls.feed(bytes);
    (records, tls)
}

fn only_hello(record: &TlsRecord) -> &Hello {
    assert_eq!(record.handshakes.len(), 1, "{record:?}");
    record.handshakes[0]
        .hello
        .as_ref()
        .expect("a hello that parsed")
}

// RFC 8448 §3, "Simple 1-RTT Handshake": the client's ClientHello, as its record.
const RFC8448_CLIENT_HELLO: &str = "16 03 01 00 c4
    01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2
    1a 8d 99 12 ec 18 a2 ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01
    00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00
    0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00
    23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e
    43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00
    03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06
    04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c
    00 02 40 01";

// RFC 8448 §3: the server's ServerHello, as its record.
const RFC8448_SERVER_HELLO: &str = "16 03 03 00 5a
    02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c
    8a c5 cb 14 34 da c1 55 77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24
    00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25
    3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04";

// A minimal ClientHello message (handshake header included) for "localhost" with ALPN
// "http/1.1", offering TLS 1.3 and two suites.
fn localhost_hello() -> Vec<u8> {
    let ext = |kind: u16, data: &[u8]| {
        let mut out = kind.to_be_bytes().to_vec();
        out.extend(u16_prefixed(data));
        out
    };
    let mut sni = vec![0];
    sni.extend(u16_prefixed(b"localhost"));
    let mut alpn = vec![8];
    alpn.extend_from_slice(b"http/1.1");
    let mut extensions = ext(0, &u16_prefixed(&sni));
    extensions.extend(ext(16, &u16_prefixed(&alpn)));
    extensions.extend(ext(43, &[2, 3, 4]));
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0; 32]);
    body.push(0);
    body.extend(u16_prefixed(&[0x13, 0x01, 0x13, 0x02]));
    body.extend_from_slice(&[1, 0]);
    body.extend(u16_prefixed(&extensions));
    let mut message = vec![1, 0];
    message.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    message.extend(body);
    message
}

fn stream_bytes(stream: &[u8], span: &std::ops::Range<u64>) -> Vec<u8> {
    stream[span.start as usize..span.end as usize].to_vec()
}

#[test]
fn the_rfc_8448_client_hello_shows_its_server_name_and_versions() {
    let bytes = hex(RFC8448_CLIENT_HELLO);
    let (records, tls) = feed_all(&bytes);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r.content_type, ContentType::Handshake);
    assert_eq!((r.version, r.version_name()), (0x0301, "TLS 1.0"));
    assert_eq!(r.length, 196);
    assert!(!r.encrypted && r.problems.is_empty(), "{r:?}");
    let message = &r.handshakes[0];
    assert_eq!(
        (message.kind.name(), message.length, message.offset),
        ("ClientHello", 192, 5)
    );
    let Hello::Client(hello) = only_hello(r) else {
        panic!("a ClientHello");
    };
    assert_eq!(hello.legacy_version.value, 0x0303);
    assert_eq!(hello.cipher_suites.value, 3);
    let name = hello.server_name.as_ref().expect("SNI");
    assert_eq!(name.value, "server");
    assert_eq!(stream_bytes(&bytes, &name.span), b"server");
    assert!(hello.alpn.is_empty());
    let versions: Vec<u16> = hello.supported_versions.iter().map(|v| v.value).collect();
    assert_eq!(versions, [0x0304]);
    let kinds: Vec<u16> = hello.extensions.iter().map(|e| e.value).collect();
    assert_eq!(kinds, [0, 0xff01, 10, 35, 51, 43, 13, 45, 28]);
    assert!(tls.incomplete().is_none() && tls.problem().is_none());
}

#[test]
fn the_rfc_8448_server_hello_chooses_tls_1_3() {
    let bytes = hex(RFC8448_SERVER_HELLO);
    let (records, _) = feed_all(&bytes);
    let r = &records[0];
    assert_eq!(r.version_name(), "TLS 1.2", "TLS 1.3 records say 1.2");
    let Hello::Server(hello) = only_hello(r) else {
        panic!("a ServerHello");
    };
    assert!(!hello.hello_retry_request);
    assert_eq!(hello.cipher_suite.value, 0x1301);
    assert_eq!(hello.cipher_suite_name(), "TLS_AES_128_GCM_SHA256");
    assert_eq!(stream_bytes(&bytes, &hello.cipher_suite.span), [0x13, 0x01]);
    let selected = hello.selected_version.as_ref().expect("supported_versions");
    assert_eq!(selected.value, 0x0304);
    assert_eq!(hello.version_name(), "TLS 1.3");
}

#[test]
fn a_hand_built_hello_split_over_two_records_is_reassembled() {
    let message = localhost_hello();
    let (first, second) = message.split_at(50);
    let mut bytes = record(22, 0x0301, first);
    bytes.extend(record(22, 0x0301, second));
    let (records, _) = feed_all(&bytes);
    assert_eq!(records.len(), 2);
    assert!(records[0].handshakes.is_empty());
    assert_eq!(records[1].handshakes[0].records, 2);
    assert_eq!(records[1].handshakes[0].offset, 5);
    let Hello::Client(hello) = only_hello(&records[1]) else {
        panic!("a ClientHello");
    };
    let name = hello.server_name.as_ref().expect("SNI");
    assert_eq!(name.value, "localhost");
    // The name is in the second record, after its 5-byte header.
    assert_eq!(stream_bytes(&bytes, &name.span), b"localhost");
    let alpn: Vec<&str> = hello.alpn.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(alpn, ["http/1.1"]);
    assert_eq!(stream_bytes(&bytes, &hello.alpn[0].span), b"http/1.1");
    assert_eq!(hello.cipher_suites.value, 2);
}

#[test]
fn a_field_split_by_a_record_header_spans_the_header() {
    let message = localhost_hello();
    // Split inside the legacy version, bytes 4 and 5 of the message: its span runs from the
    // first record's last byte over the second record's header.
    let mut bytes = record(22, 0x0301, &message[..5]);
    bytes.extend(record(22, 0x0301, &message[5..]));
    let (records, _) = feed_all(&bytes);
    let Hello::Client(hello) = only_hello(&records[1]) else {
        panic!("a ClientHello");
    };
    assert_eq!(hello.legacy_version.span, 9..16);
}

#[test]
fn several_messages_in_one_record_are_all_listed() {
    let mut body = hex("02 00 00 00");
    body.extend(hex("0e 00 00 00"));
    let (records, _) = feed_all(&record(22, 0x0303, &body));
    let kinds: Vec<&str> = records[0]
        .handshakes
        .iter()
        .map(|m| m.kind.name())
        .collect();
    assert_eq!(kinds, ["ServerHello", "ServerHelloDone"]);
    assert_eq!(records[0].handshakes[1].offset, 9);
    assert_eq!(
        records[0].problems,
        [TlsProblem::MalformedHello {
            message: "ServerHello",
            field: "legacy_version"
        }]
    );
}

#[test]
fn a_plain_http_stream_is_not_tls() {
    let mut tls = TlsDissector::new();
    assert!(tls.feed(b"GET / HTTP/1.1\r\n").is_empty());
    assert!(tls.feed(b"Host: x\r\n").is_empty());
    assert_eq!(tls.offset(), 25);
    let problem = tls.problem().expect("not TLS");
    assert_eq!(
        problem.to_string(),
        "this stream does not start with a TLS record: the first byte 0x47 ('G') is not a TLS content type; is it plain ws://?"
    );
    assert_eq!(
        TlsProblem::NotTls { first: 0 }.to_string(),
        "this stream does not start with a TLS record: the first byte 0x00 is not a TLS content type; is it plain ws://?"
    );
}

#[test]
fn an_oversize_length_is_flagged_and_the_limit_is_not() {
    let mut bytes = hex("17 03 03 41 00");
    bytes.resize(5 + 16640, 0);
    bytes.extend(hex("17 03 03 41 01"));
    bytes.resize(bytes.len() + 16641, 0);
    let (records, _) = feed_all(&bytes);
    assert!(records[0].problems.is_empty());
    assert_eq!(
        records[1].problems,
        [TlsProblem::RecordTooLong { length: 16641 }]
    );
    assert_eq!(records[1].problems[0].section(), Some("5.2"));
}

#[test]
fn a_handshake_record_in_clear_may_not_pass_2_to_the_14() {
    let (records, _) = feed_all(&record(22, 0x0303, &vec![0; 16385]));
    assert_eq!(records[0].problems[0].id(), "plaintext-too-long");
}

#[test]
fn an_alert_in_clear_is_named() {
    let (records, _) = feed_all(&record(21, 0x0303, &[2, 40]));
    let alert = records[0].alert.expect("an alert");
    assert_eq!(alert.level_name(), "fatal");
    assert_eq!(alert.description_name(), "handshake_failure");
    assert_eq!(alert.offset, 5);
}

#[test]
fn after_change_cipher_spec_records_are_encrypted() {
    let mut bytes = record(20, 0x0303, &[1]);
    bytes.extend(record(22, 0x0303, &hex("14 00 00 0c 01 02 03")));
    bytes.extend(record(21, 0x0303, &[1, 0]));
    let (records, _) = feed_all(&bytes);
    assert!(!records[0].encrypted);
    assert!(records[1].encrypted && records[1].handshakes.is_empty());
    assert!(records[2].encrypted && records[2].alert.is_none());
}

#[test]
fn application_data_gives_away_its_plaintext_size() {
    let (records, _) = feed_all(&record(23, 0x0303, &[0; 45]));
    let overhead = records[0].tls13_overhead().expect("application_data");
    assert_eq!(overhead.plaintext_max, 28);
    assert_eq!(overhead.total(), 22);
    assert!(records[0].encrypted);
    let (records, _) = feed_all(&record(23, 0x0303, &[0; 16]));
    assert!(records[0].tls13_overhead().is_none(), "too short for a tag");
    let (records, _) = feed_all(&record(21, 0x0303, &[1, 0]));
    assert!(records[0].tls13_overhead().is_none());
}

#[test]
fn a_huge_handshake_message_is_counted_not_read() {
    let mut message = hex("01 01 11 70");
    message.resize(4 + 0x0001_1170, 0xaa);
    let mut bytes = Vec::new();
    for part in message.chunks(16384) {
        bytes.extend(record(22, 0x0303, part));
    }
    let (records, _) = feed_all(&bytes);
    assert_eq!(
        records[0].problems,
        [TlsProblem::HandshakeTooLarge {
            message: "ClientHello",
            length: 0x0001_1170,
            cap: HANDSHAKE_CAP
        }]
    );
    let last = records.last().unwrap();
    assert_eq!(last.handshakes[0].length, 0x0001_1170);
    assert_eq!(last.handshakes[0].records, records.len());
    assert!(last.handshakes[0].hello.is_none());
}

#[test]
fn another_record_inside_a_split_message_is_flagged() {
    let message = localhost_hello();
    let mut bytes = record(22, 0x0301, &message[..10]);
    bytes.extend(record(21, 0x0303, &[1, 0]));
    let (records, _) = feed_all(&bytes);
    assert_eq!(
        records[1].problems,
        [TlsProblem::InterleavedHandshake {
            content: "alert",
            message: "ClientHello"
        }]
    );
}

#[test]
fn empty_and_unknown_records_are_flagged() {
    let mut bytes = record(22, 0x0303, &[]);
    bytes.extend(record(99, 0x0303, &[1, 2]));
    let (records, _) = feed_all(&bytes);
    assert_eq!(records[0].problems[0].id(), "empty-record");
    assert_eq!(records[1].content_type, ContentType::Unknown(99));
    assert_eq!(records[1].problems[0].id(), "unknown-content-type");
}

#[test]
fn a_partial_record_is_reported() {
    let bytes = hex(RFC8448_SERVER_HELLO);
    let mut tls = TlsDissector::new();
    assert!(tls.feed(&bytes[..20]).is_empty());
    let incomplete = tls.incomplete().expect("inside a record");
    assert_eq!(incomplete.to_string(), "record incomplete: 20 of 95 bytes");
    assert_eq!(tls.feed(&bytes[20..]).len(), 1);
    assert!(tls.incomplete().is_none());
}

#[test]
fn names_cover_grease_and_the_unknown() {
    assert!(is_grease(0x0a0a) && is_grease(0xfafa) && !is_grease(0x0a0b));
    assert_eq!(cipher_suite_name(0x2a2a), "GREASE");
    assert_eq!(version_name(0x0304), "TLS 1.3");
    assert_eq!(HandshakeType::from_byte(8).name(), "EncryptedExtensions");
    assert_eq!(ContentType::from_byte(23).name(), "application_data");
    for byte in 0..=255 {
        assert_eq!(ContentType::from_byte(byte).byte(), byte);
        assert_eq!(HandshakeType::from_byte(byte).byte(), byte);
    }
}

// A full client direction: a hello over two records, the middlebox change_cipher_spec, and
// encrypted data.
fn client_stream() -> Vec<u8> {
    let message = localhost_hello();
    let mut bytes = record(22, 0x0301, &message[..70]);
    bytes.extend(record(22, 0x0301, &message[70..]));
    bytes.extend(record(20, 0x0303, &[1]));
    bytes.extend(record(23, 0x0303, &[7; 40]));
    bytes.extend(record(21, 0x0303, &[1, 0]));
    bytes.extend(&hex(RFC8448_CLIENT_HELLO)[..9]);
    bytes
}

fn feed_in_pieces(bytes: &[u8], cuts: &[usize]) -> (Vec<TlsRecord>, Option<IncompleteRecord>) {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    cuts.sort_unstable();
    let mut tls = TlsDissector::new();
    let mut records = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain([bytes.len()]) {
        records.extend(tls.feed(&bytes[start..cut]));
        start = cut;
    }
    (records, tls.incomplete())
}

#[test]
fn every_two_piece_split_gives_the_same_records() {
    let bytes = client_stream();
    let whole = feed_in_pieces(&bytes, &[]);
    assert_eq!(whole.0.len(), 5);
    for cut in 0..=bytes.len() {
        assert_eq!(feed_in_pieces(&bytes, &[cut]), whole, "cut at {cut}");
    }
    let byte_by_byte: Vec<usize> = (0..bytes.len()).collect();
    assert_eq!(feed_in_pieces(&bytes, &byte_by_byte), whole);
}

proptest! {
    #[test]
    fn any_split_gives_the_same_records(cuts in proptest::collection::vec(0usize..1000, 0..12)) {
        let bytes = client_stream();
        prop_assert_eq!(feed_in_pieces(&bytes, &cuts), feed_in_pieces(&bytes, &[]));
    }

    #[test]
    fn garbage_never_panics(
        tls_like in proptest::bool::ANY,
        garbage in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        cuts in proptest::collection::vec(0usize..700, 0..8),
    ) {
        // Half the cases start with a handshake header, so that they get past the first byte.
        let mut bytes = if tls_like { hex("16 03 01 01 00 01 00 00") } else { Vec::new() };
        bytes.extend(garbage);
        prop_assert_eq!(feed_in_pieces(&bytes, &cuts), feed_in_pieces(&bytes, &[]));
    }

    #[test]
    fn a_hello_with_garbled_lengths_never_panics(at in 4usize..120, byte in proptest::num::u8::ANY) {
        let mut message = localhost_hello();
        let at = at % message.len();
        message[at] = byte;
        let _ = feed_all(&record(22, 0x0301, &message));
    }
}
