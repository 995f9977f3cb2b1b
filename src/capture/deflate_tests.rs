use super::*;
use crate::proto::deflate::{Deflater, WindowBits};

// A compressor for one direction, as a permessage-deflate sender keeps one (RFC 7692 §7.2.1):
// proto's own, the one the lab speaks with.
struct Sender(Deflater);

impl Sender {
    fn new() -> Self {
        Self(Deflater::new(WindowBits::MAX, false).expect("a 15-bit window"))
    }

    // One message: compressed with a sync flush, and the 00 00 ff ff tail taken off.
    fn send(&mut self, data: &[u8]) -> Vec<u8> {
        self.0.compress(data).expect("compresses")
    }
}

fn done(inflated: &Inflated) -> (&[u8], u64, bool) {
    match inflated {
        Inflated::Done {
            preview,
            length,
            beyond_bound,
        } => (preview, *length, *beyond_bound),
        Inflated::Failed(why) => panic!("did not inflate: {why}"),
    }
}

const TAKEOVER: DeflateParams = DeflateParams {
    server_no_context_takeover: false,
    client_no_context_takeover: false,
};

#[test]
fn one_message_inflates() {
    let text = b"Hello, Hello, Hello, Hello, permessage-deflate!";
    let wire = Sender::new().send(text);
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    let got = inflater.inflate(&wire, true, 1024);
    assert_eq!(done(&got), (&text[..], text.len() as u64, false));
    assert_eq!(got.note(), None);
}

#[test]
fn the_rfc_7692_example_inflates() {
    // RFC 7692 §7.2.3.1: "Hello" compressed, tail removed.
    let wire = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    assert_eq!(done(&inflater.inflate(&wire, true, 64)).0, b"Hello");
}

#[test]
fn context_takeover_carries_the_window_to_the_next_message() {
    let text = b"the same sentence, twice over, the same sentence";
    let mut sender = Sender::new();
    let first = sender.send(text);
    let second = sender.send(text);
    // The second refers back into the first's window, so it is shorter.
    assert!(second.len() < first.len(), "{second:?} vs {first:?}");
    let mut inflater = Inflater::new(TAKEOVER, Direction::ClientToServer);
    assert_eq!(done(&inflater.inflate(&first, true, 1024)).0, text);
    assert_eq!(done(&inflater.inflate(&second, true, 1024)).0, text);
    // A fresh inflater without the first message's window cannot read the second.
    let mut fresh = Inflater::new(TAKEOVER, Direction::ClientToServer);
    assert_ne!(
        fresh
            .inflate(&second, true, 1024)
            .preview()
            .map(|p| p.to_vec()),
        Some(text.to_vec())
    );
}

#[test]
fn no_context_takeover_resets_the_window_after_each_message() {
    let text = b"every message on its own, every message on its own";
    let params = DeflateParams {
        server_no_context_takeover: true,
        client_no_context_takeover: false,
    };
    let mut inflater = Inflater::new(params, Direction::ServerToClient);
    // The sender resets too: each message is compressed by a fresh compressor.
    for _ in 0..3 {
        let wire = Sender::new().send(text);
        assert_eq!(done(&inflater.inflate(&wire, true, 1024)).0, text);
    }
    // The client's direction keeps its window.
    assert!(!params.resets(Direction::ClientToServer));
    assert!(params.resets(Direction::ServerToClient));
}

#[test]
fn the_preview_is_capped_and_the_length_is_whole() {
    let data = vec![b'a'; 100_000];
    let wire = Sender::new().send(&data);
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    let got = inflater.inflate(&wire, true, 100);
    let (preview, length, beyond) = done(&got);
    assert_eq!((preview.len(), length, beyond), (100, 100_000, false));
}

#[test]
fn a_bomb_is_bounded() {
    let zeros = vec![0u8; 10 * 1024 * 1024];
    let wire = Sender::new().send(&zeros);
    assert!(wire.len() < 64 * 1024, "{} compressed bytes", wire.len());
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    let got = inflater.inflate_bounded(&wire, true, 64, 1024 * 1024);
    let (preview, length, beyond) = done(&got);
    assert_eq!((preview.len(), length, beyond), (64, 1024 * 1024, true));
    assert_eq!(
        got.note().as_deref(),
        Some("inflates to more than 1 MiB; inflating stopped there")
    );
    // Under the real bound, the whole 10 MiB is counted, and only the cap is kept.
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    let whole = inflater.inflate(&wire, true, 64);
    let (preview, length, beyond) = done(&whole);
    assert_eq!(
        (preview.len(), length, beyond),
        (64, 10 * 1024 * 1024, false)
    );
}

#[test]
fn corrupt_data_gives_a_note() {
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    // Block type 3 is reserved (RFC 1951 §3.2.3).
    let got = inflater.inflate(&[0xff, 0xff, 0xff, 0xff], true, 64);
    let Inflated::Failed(why) = &got else {
        panic!("{got:?}")
    };
    assert!(
        why.starts_with("the compressed payload does not inflate: "),
        "{why}"
    );
    // The window is lost under context takeover: later messages say so rather than guess.
    let wire = Sender::new().send(b"hi");
    assert!(
        matches!(inflater.inflate(&wire, true, 64), Inflated::Failed(why) if why.contains("earlier message"))
    );
}

#[test]
fn a_cut_payload_is_too_long_to_inflate() {
    let mut inflater = Inflater::new(TAKEOVER, Direction::ServerToClient);
    let got = inflater.inflate(&[0xf2, 0x48], false, 64);
    assert!(
        matches!(&got, Inflated::Failed(why) if why.starts_with("too long to inflate for display"))
    );
}

#[test]
fn parameters_come_from_the_101() {
    let head = crate::proto::http::parse_response(
        b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Extensions: permessage-deflate; \
          client_no_context_takeover; server_max_window_bits=10\r\n\r\n",
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        DeflateParams::from_response(&head),
        Some(DeflateParams {
            server_no_context_takeover: false,
            client_no_context_takeover: true,
        })
    );
    let none = crate::proto::http::parse_response(b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
        .unwrap()
        .unwrap();
    assert_eq!(DeflateParams::from_response(&none), None);
}
