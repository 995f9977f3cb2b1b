//! The Transcript, fed by hand: the same bytes reassemble the same way however they are split
//! into chunks, and every limit holds.

use std::fmt::Write as _;

use crate::common::{Lcg, plausible_stream};
use wslab::capture::{Direction, Limits, Transcript};
use wslab::proto::OpCode;
use wslab::proto::encode::{FrameSpec, encode};

const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const RESPONSE: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

fn client_bytes(rng: &mut Lcg) -> Vec<u8> {
    let mut bytes = REQUEST.to_vec();
    bytes.extend(encode(
        FrameSpec::new(OpCode::Text, Some([0x37, 0xfa, 0x21, 0x3d])),
        b"Hello",
    ));
    bytes.extend(encode(
        FrameSpec::new(OpCode::Binary, Some([1, 2, 3, 4])).fin(false),
        &[9u8; 300],
    ));
    bytes.extend(encode(
        FrameSpec::new(OpCode::Ping, Some([5, 6, 7, 8])),
        b"between",
    ));
    bytes.extend(encode(
        FrameSpec::new(OpCode::Continuation, Some([1, 1, 1, 1])),
        &vec![8u8; 70_000],
    ));
    bytes.extend(plausible_stream(rng));
    bytes
}

// Everything observable about a transcript's one connection, as text.
fn summary(t: &Transcript) -> String {
    let c = t.connections().next().expect("a connection");
    let mut out = String::new();
    for d in Direction::BOTH {
        let f = c.flow(d);
        let _ = writeln!(
            out,
            "{d:?} bytes={} heads={} problem={:?} incomplete={:?}",
            f.bytes,
            f.http.len(),
            f.problem,
            f.incomplete()
        );
        for m in &f.http {
            let _ = writeln!(
                out,
                "  head at {} len {} body {}",
                m.offset,
                m.raw.len(),
                m.body_len
            );
        }
        for fr in &f.frames {
            let head: Vec<u8> = fr.item.payload.iter().take(8).copied().collect();
            let _ = writeln!(
                out,
                "  frame {} at {} {:?} {} {head:?} {:?}",
                fr.item.index,
                fr.item.offset,
                fr.item.header.opcode(),
                fr.item.payload.len(),
                fr.item.violations
            );
        }
        for m in &f.messages {
            let _ = writeln!(
                out,
                "  message {} {:?} {} {:?}",
                m.item.index,
                m.item.opcode,
                m.item.length,
                m.item.preview.len()
            );
        }
    }
    out
}

fn feed(chunks_c: &[&[u8]], chunks_s: &[&[u8]], limits: Limits) -> Transcript {
    let mut t = Transcript::new(limits);
    let (id, _) = t.open("test", None, None, 0).expect("room");
    for chunk in chunks_s {
        t.record(id, Direction::ServerToClient, 1, chunk);
    }
    for chunk in chunks_c {
        t.record(id, Direction::ClientToServer, 2, chunk);
    }
    t
}

fn split<'a>(bytes: &'a [u8], rng: &mut Lcg) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let bound = if rng.below(4) == 0 { 3 } else { 2000 };
        let n = (1 + rng.below(bound)).min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}

#[test]
fn chunking_never_changes_what_is_reassembled() {
    for seed in 0..200 {
        let mut rng = Lcg(seed);
        let client = client_bytes(&mut rng);
        let whole = summary(&feed(&[&client], &[RESPONSE], Limits::default()));
        let c = split(&client, &mut rng);
        let s = split(RESPONSE, &mut rng);
        let chunked = summary(&feed(&c, &s, Limits::default()));
        let first_difference = chunked.lines().zip(whole.lines()).find(|(a, b)| a != b);
        assert_eq!(first_difference, None, "seed {seed}");
        assert_eq!(
            chunked.lines().count(),
            whole.lines().count(),
            "seed {seed}"
        );
    }
}

#[test]
fn the_head_and_frames_are_where_the_rfc_puts_them() {
    let mut rng = Lcg(7);
    let t = feed(&[&client_bytes(&mut rng)], &[RESPONSE], Limits::default());
    let c = t.connections().next().expect("a connection");
    let requests = c.requests();
    assert_eq!(requests.http.len(), 1);
    assert_eq!(requests.upgraded_offset(), Some(REQUEST.len() as u64));
    let first = &requests.frames[0].item;
    assert_eq!(first.offset, REQUEST.len() as u64);
    assert_eq!(&first.payload[..], b"Hello");
    // The ping between fragments is lawful, and the fragmented message arrives whole after it.
    let kinds: Vec<OpCode> = requests.messages.iter().map(|m| m.item.opcode).collect();
    assert_eq!(&kinds[..3], [OpCode::Text, OpCode::Ping, OpCode::Binary]);
    assert_eq!(requests.messages[2].item.length, 70_300);
    assert!(c.responses().is_upgraded());
}

#[test]
fn limits_bound_memory_and_count_what_they_drop() {
    let frame = encode(
        FrameSpec::new(OpCode::Binary, Some([1, 2, 3, 4])),
        &[0u8; 1000],
    );
    let mut client = REQUEST.to_vec();
    for _ in 0..50 {
        client.extend_from_slice(&frame);
    }
    let limits = Limits {
        preview_cap: 100,
        max_frames: 10,
        max_raw_bytes: 4096,
        max_connections: 1,
        // Heads cost twice their length; 550 bytes are left for payload previews.
        max_preview_bytes: 550 + 2 * (REQUEST.len() + RESPONSE.len()),
        max_chunks: 100,
    };
    let mut t = feed(&[&client], &[RESPONSE], limits);
    let c = t.connections().next().expect("a connection");
    let id = c.id;
    let requests = c.requests();
    assert_eq!(requests.frames.len(), 10);
    assert_eq!(requests.frames_dropped, 40);
    // 100 bytes per frame until the 550-byte preview budget runs out; then nothing is kept,
    // but every length is still true.
    let kept: Vec<usize> = requests
        .frames
        .iter()
        .map(|f| f.item.payload.len())
        .collect();
    assert_eq!(kept, [100, 100, 100, 100, 100, 50, 0, 0, 0, 0]);
    assert!(requests.frames.iter().all(|f| f.item.payload_len() == 1000));
    assert_eq!(requests.previews_trimmed, 5);
    // One-frame messages share their frame's preview instead of costing it twice.
    assert_eq!(requests.messages[0].item.preview.len(), 100);
    assert_eq!(
        requests.bytes,
        client.len() as u64,
        "true sizes are always counted"
    );
    let kept: usize = t.chunks().iter().map(|c| c.bytes.len()).sum();
    assert!(kept <= 4096);
    assert_eq!(t.raw_dropped, (client.len() + RESPONSE.len() - kept) as u64);
    assert!(t.open("second", None, None, 3).is_none());
    assert_eq!(t.connections_dropped, 1);
    t.forget(id);
    assert!(t.chunks().is_empty());
    assert!(
        t.open("third", None, None, 4).is_some(),
        "forgetting returns the budget"
    );
}

#[test]
fn plain_http_bodies_are_measured_on_a_kept_alive_connection() {
    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("http", None, None, 0).expect("room");
    let requests = b"POST /message HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    let responses = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    for b in requests.chunks(3) {
        t.record(id, Direction::ClientToServer, 1, b);
    }
    for b in responses.chunks(4) {
        t.record(id, Direction::ServerToClient, 2, b);
    }
    let c = t.connection(id).expect("connection");
    let sizes: Vec<(u64, bool)> = c
        .responses()
        .http
        .iter()
        .map(|m| (m.body_len, m.body_complete))
        .collect();
    assert_eq!(sizes, [(15, true), (2, true)]);
    assert_eq!(c.responses().http[0].body_preview, b"hello");
    let total: u64 = c
        .requests()
        .http
        .iter()
        .map(wslab::capture::HttpMessage::wire_len)
        .sum();
    assert_eq!(total, requests.len() as u64);
    assert!(!c.requests().is_upgraded());
}

#[test]
fn garbage_instead_of_http_is_named_once() {
    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("garbage", None, None, 0).expect("room");
    t.record(id, Direction::ServerToClient, 1, b"SSH-2.0-OpenSSH_9.6\r\n");
    t.record(id, Direction::ServerToClient, 2, b"more");
    let flow = t.connection(id).expect("connection").responses();
    assert!(
        flow.problem.as_ref().is_some_and(|p| p
            .to_string()
            .starts_with("the server's bytes are not an HTTP response")),
        "{:?}",
        flow.problem
    );
    assert_eq!(flow.bytes, 25);
}

#[test]
fn an_answer_to_head_has_no_body_whatever_its_length_says() {
    let mut t = Transcript::new(Limits::default());
    let (id, _) = t.open("http", None, None, 0).expect("room");
    let requests = b"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST /message HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhiGET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    let responses = b"HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    t.record(id, Direction::ClientToServer, 1, requests);
    for b in responses.chunks(7) {
        t.record(id, Direction::ServerToClient, 2, b);
    }
    let c = t.connection(id).expect("connection");
    let bodies: Vec<(u64, bool)> = c
        .responses()
        .http
        .iter()
        .map(|m| (m.body_len, m.body_complete))
        .collect();
    // HEAD's answer, the interim 100, then the two bodies: the 100 does not shift the pairing.
    assert_eq!(bodies, [(0, true), (0, true), (2, true), (5, true)]);
    // Each final answer pairs with its request; the interim 100 pairs with none.
    let method = |i: usize| {
        c.request_for(i)
            .map(|r| wslab::render::http::start_line(&r.head))
    };
    assert_eq!(method(0).as_deref(), Some("HEAD /hello HTTP/1.1"));
    assert_eq!(method(1), None);
    assert_eq!(method(2).as_deref(), Some("POST /message HTTP/1.1"));
    assert_eq!(method(3).as_deref(), Some("GET /hello HTTP/1.1"));
    assert_eq!(c.responses().problem, None);
}

#[test]
fn past_the_chunk_limit_bytes_are_still_reassembled_and_counted() {
    let limits = Limits {
        max_chunks: 10,
        ..Limits::default()
    };
    let mut t = Transcript::new(limits);
    let (id, _) = t.open("tiny reads", None, None, 0).expect("room");
    let mut client = REQUEST.to_vec();
    client.extend(encode(
        FrameSpec::new(OpCode::Text, Some([1, 2, 3, 4])),
        b"one byte at a time",
    ));
    for (i, byte) in client.iter().enumerate() {
        t.record(
            id,
            Direction::ClientToServer,
            i as u64,
            std::slice::from_ref(byte),
        );
    }
    assert_eq!(t.chunks().len(), 10);
    assert_eq!(t.chunks_dropped, client.len() as u64 - 10);
    let flow = t.connection(id).expect("connection").requests();
    assert_eq!(flow.bytes, client.len() as u64);
    assert_eq!(flow.messages[0].item.text_lossy(), "one byte at a time");
}

#[test]
fn http_messages_past_the_limit_are_measured_not_stored() {
    let one = b"POST /message HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    let head = one.len() - 5;
    let limits = Limits {
        max_frames: 2,
        // Two stored heads at twice their length, and 7 bytes of body preview.
        max_preview_bytes: 2 * 2 * head + 7,
        ..Limits::default()
    };
    let mut t = Transcript::new(limits);
    let (id, _) = t.open("polling", None, None, 0).expect("room");
    for i in 0..5 {
        t.record(id, Direction::ClientToServer, i, one);
    }
    let flow = t.connection(id).expect("connection").requests();
    assert_eq!((flow.http.len(), flow.http_dropped), (2, 3));
    assert_eq!(flow.bytes, 5 * one.len() as u64);
    assert_eq!(
        flow.problem, None,
        "every head after the limit was still found"
    );
    // The preview budget is shared by heads and bodies: 7 body bytes in all, not per body.
    assert_eq!(flow.http[0].body_preview, b"hello");
    assert_eq!(flow.http[1].body_preview, b"he");
    assert_eq!(flow.http[1].body_len, 5);
}

#[test]
fn permessage_deflate_in_the_101_gives_rsv1_its_meaning_both_ways() {
    let response = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n";
    let mut compressed = FrameSpec::new(OpCode::Text, None);
    compressed.rsv = wslab::proto::RsvBits(0b001);
    // The 101 and a compressed frame in one read: the frame must be judged by the 101's offer.
    let mut server = response.to_vec();
    server.extend(encode(compressed, b"\xf2\x48\xcd\xc9\xc9\x07\x00"));
    let mut client = REQUEST.to_vec();
    compressed.mask = Some([1, 2, 3, 4]);
    client.extend(encode(compressed, b"\xf2\x48\xcd\xc9\xc9\x07\x00"));
    let t = feed(&[&client], &[&server], Limits::default());
    let c = t.connections().next().expect("a connection");
    for d in Direction::BOTH {
        let frame = &c.flow(d).frames[0].item;
        assert!(frame.violations.is_empty(), "{d:?}: {:?}", frame.violations);
        assert!(c.flow(d).messages[0].item.compressed, "{d:?}");
    }
    // Without the offer, the same bit is a broken rule (§5.2).
    let t = feed(&[&client], &[RESPONSE], Limits::default());
    let frame = &t
        .connections()
        .next()
        .expect("a connection")
        .requests()
        .frames[0]
        .item;
    assert!(!frame.violations.is_empty());
}

#[test]
fn released_frames_return_their_place_under_the_limit() {
    let limits = Limits {
        max_frames: 3,
        ..Limits::default()
    };
    let mut t = Transcript::new(limits);
    let (id, _) = t.open("ticker", None, None, 0).expect("room");
    t.record(id, Direction::ServerToClient, 0, RESPONSE);
    let tick = encode(FrameSpec::new(OpCode::Text, None), b"tick");
    for i in 0..3 {
        t.record(id, Direction::ServerToClient, i + 1, &tick);
    }
    // A live view showed frames 0 and 1: they make room for two more.
    t.release_frames(id, Direction::ServerToClient, 1);
    for i in 3..6 {
        t.record(id, Direction::ServerToClient, i + 1, &tick);
    }
    let flow = t.connection(id).expect("connection").responses();
    let kept: Vec<u64> = flow.frames.iter().map(|f| f.item.index).collect();
    assert_eq!(kept, [2, 3, 4]);
    assert_eq!((flow.frames_released, flow.frames_dropped), (2, 1));
    // The messages stay, with their previews, for the self-check.
    assert!(flow.messages.iter().all(|m| &m.item.preview[..] == b"tick"));
}

#[test]
fn a_range_is_read_across_chunks_and_layers_stay_apart() {
    use wslab::capture::{Layer, Limits as L};
    let mut t = Transcript::new(L::default());
    let (conn, _) = t.open("c", None, None, 0).expect("room");
    let d = Direction::ClientToServer;
    t.record_tls(Layer::Tls, conn, d, 1, &[0x16, 0x03, 0x01]);
    t.record_tls(Layer::Tls, conn, d, 2, &[0x00, 0x02, 0xaa, 0xbb]);
    t.record(conn, d, 3, b"GET");
    assert_eq!(
        t.bytes_at(Layer::Tls, conn, d, 1..5),
        [0x03, 0x01, 0x00, 0x02]
    );
    assert_eq!(
        t.bytes_at(Layer::Tls, conn, d, 5..99),
        [0xaa, 0xbb],
        "cut at what was kept"
    );
    assert_eq!(t.bytes_at(Layer::App, conn, d, 0..2), b"GE");
    assert!(
        t.bytes_at(Layer::Tls, conn, Direction::ServerToClient, 0..5)
            .is_empty()
    );
    assert_eq!(
        t.bytes_at(Layer::Tls, conn, d, 0..7),
        t.raw_at(Layer::Tls, conn, d),
        "the whole range is the whole stream"
    );
}
