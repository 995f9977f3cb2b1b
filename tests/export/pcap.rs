//! The pcap export read back: a real loopback exchange written as a pcap file, parsed by a
//! reader written apart from the writer (headers, checksums, sequence numbers), each direction
//! reassembled and compared with the capture, then dissected again into the RFC 6455 §5.7
//! frames. tshark, when installed, must agree.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::common::exchange::{NEVER, connect_with, finish, lab, pinned, round_trip};
use crate::common::pcap_reader::{FIN, connections, read, stream};
use bytes::Bytes;
use tokio_tungstenite::tungstenite::Message;
use wslab::capture::{Direction, Limits, Transcript};
use wslab::export::pcap::{MAX_SEGMENT, pcap};
use wslab::net::{Outgoing, Recorder};
use wslab::proto::{Config, Dissector, Event, Side};

const BASE: u64 = 1_700_000_000_000_000;

/// The §5.7 examples a pinned mask of 37 fa 21 3d reproduces against the echo server.
const CLIENT_FRAMES: [&[u8]; 2] = [
    &[
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ],
    &[
        0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ],
];
const SERVER_FRAMES: [&[u8]; 2] = [
    &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
    &[0x8a, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f],
];

async fn hello_exchange() -> Recorder {
    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let opts = pinned();
    let mut client = connect_with(&lab, "/echo", &recorder, &opts)
        .await
        .expect("the handshake succeeds");
    round_trip(
        &mut client,
        Outgoing::Text("Hello".into()),
        Message::text("Hello"),
    )
    .await;
    round_trip(
        &mut client,
        Outgoing::Ping(Bytes::from_static(b"Hello")),
        Message::Pong(Bytes::from_static(b"Hello")),
    )
    .await;
    finish(&mut client).await;
    recorder
}

/// The frames in a reassembled direction, after its HTTP head, each as its wire bytes.
fn frames_after_head(bytes: &[u8], side: Side) -> Vec<Vec<u8>> {
    let head_end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head")
        + 4;
    let config = Config::new(side);
    let mut dissector = Dissector::starting_at(config, head_end as u64);
    dissector
        .feed(&bytes[head_end..])
        .into_iter()
        .filter_map(|e| match e {
            Event::Frame(f) => {
                let start = usize::try_from(f.offset).expect("fits");
                let end = usize::try_from(f.span().end).expect("fits");
                Some(bytes[start..end].to_vec())
            }
            Event::Message(_) => None,
        })
        .collect()
}

#[tokio::test]
async fn a_loopback_exchange_reads_back_byte_for_byte() {
    let recorder = hello_exchange().await;
    let (file, conn, client, server, raw) = recorder.read(|t| {
        let c = t.connections().next().expect("one connection");
        let raw = [
            t.raw(c.id, Direction::ClientToServer),
            t.raw(c.id, Direction::ServerToClient),
        ];
        (pcap(t, BASE), c.id, c.client, c.server, raw)
    });
    let _ = conn;
    let packets = read(&file);
    let (client, server) = (client.expect("client known"), server.expect("server known"));
    assert_eq!(connections(&packets), vec![(client, server)]);
    assert!(packets.iter().all(|p| p.ts_us >= BASE), "times are based");
    assert!(
        packets.windows(2).all(|w| w[0].ts_us <= w[1].ts_us),
        "in time order"
    );
    assert_eq!(packets.iter().filter(|p| p.flags & FIN != 0).count(), 2);
    for (from, to) in [(client, server), (server, client)] {
        // ACKs only move forward, so Wireshark sees no keep-alives or duplicate ACKs.
        let acks: Vec<u32> = packets
            .iter()
            .filter(|p| p.src == from && p.dst == to && p.flags & 0x10 != 0)
            .map(|p| p.ack)
            .collect();
        assert!(
            acks.windows(2).all(|w| w[1].wrapping_sub(w[0]) < 1 << 31),
            "{acks:?}"
        );
    }
    let up = stream(&packets, client, server);
    let down = stream(&packets, server, client);
    assert_eq!(up, raw[0]);
    assert_eq!(down, raw[1]);
    let ups = frames_after_head(&up, Side::Client);
    let downs = frames_after_head(&down, Side::Server);
    assert_eq!(&ups[..2], CLIENT_FRAMES.map(<[u8]>::to_vec));
    assert_eq!(&downs[..2], SERVER_FRAMES.map(<[u8]>::to_vec));
    // Then each side's close frame, 1000 "done" from the client, and the server's answer.
    assert_eq!(ups.len(), 3);
    assert_eq!(ups[2][0], 0x88);
    assert_eq!(downs.len(), 3);
    assert_eq!(downs[2][0], 0x88);
    tshark_agrees(&file, "1,1,9,10,8,8");
}

/// tshark, when installed, dissects the file as WebSocket; its opcodes in packet order.
fn tshark_agrees(file: &[u8], expected: &str) {
    let Some(text) = crate::common::tshark::read(
        file,
        &["-Y", "websocket", "-T", "fields", "-e", "websocket.opcode"],
    ) else {
        return;
    };
    let opcodes: Vec<&str> = text.split_whitespace().flat_map(|l| l.split(',')).collect();
    assert_eq!(opcodes.join(","), expected, "tshark's opcodes");
}

#[test]
fn a_large_chunk_is_split_and_unknown_ends_are_made_up() {
    let mut t = Transcript::new(Limits::default());
    let (a, _) = t.open("made", None, None, 10).expect("opened");
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    t.record(a, Direction::ClientToServer, 20, &big);
    t.record(a, Direction::ServerToClient, 30, b"odd");
    t.close(a, 40, None);
    let v6 = |p| SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), p);
    let (b, _) = t
        .open("v6", Some(v6(5000)), Some(v6(80)), 50)
        .expect("opened");
    t.record(b, Direction::ClientToServer, 60, b"GET / HTTP/1.1\r\n\r\n");
    let v4 = |p| SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), p);
    let (c, _) = t
        .open("mixed", Some(v4(7)), Some(v6(8)), 70)
        .expect("opened");
    t.record(c, Direction::ServerToClient, 80, b"x");

    let packets = read(&pcap(&t, BASE));
    let ends = connections(&packets);
    assert_eq!(ends.len(), 3);
    let (client, server) = ends[0];
    assert_eq!(client.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_ne!(client.port(), server.port());
    let up = stream(&packets, client, server);
    assert_eq!(up, big);
    let sizes: Vec<usize> = packets
        .iter()
        .filter(|p| p.src == client && !p.payload.is_empty())
        .map(|p| p.payload.len())
        .collect();
    assert_eq!(
        sizes,
        [
            MAX_SEGMENT,
            MAX_SEGMENT,
            MAX_SEGMENT,
            200_000 - 3 * MAX_SEGMENT
        ]
    );
    assert_eq!(stream(&packets, server, client), b"odd");
    assert_eq!(ends[1], (v6(5000), v6(80)));
    assert_eq!(
        stream(&packets, v6(5000), v6(80)),
        b"GET / HTTP/1.1\r\n\r\n"
    );
    let loopback = |p| SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), p);
    assert_eq!(ends[2], (loopback(7), loopback(8)));
    assert_eq!(stream(&packets, loopback(8), loopback(7)), b"x");
}

#[test]
fn bytes_past_the_raw_budget_are_written_as_headers_with_their_true_length() {
    let limits = Limits {
        max_raw_bytes: 4,
        ..Limits::default()
    };
    let mut t = Transcript::new(limits);
    let (a, _) = t.open("c", None, None, 0).expect("opened");
    t.record(a, Direction::ClientToServer, 1, b"abcd");
    t.record(a, Direction::ClientToServer, 2, b"efgh");
    let file = pcap(&t, BASE);
    let packets = read(&file);
    let data: Vec<_> = packets.iter().filter(|p| p.flags & 0x08 != 0).collect();
    assert_eq!(data.len(), 2);
    assert_eq!(data[0].payload, b"abcd");
    assert!(data[1].payload.is_empty(), "not kept, not invented");
    assert_eq!(
        data[1].seq.wrapping_sub(data[0].seq),
        4,
        "sequence still counts it"
    );
}
