//! Classic libpcap (microsecond timestamps, little-endian, `LINKTYPE_RAW`): every captured chunk
//! becomes TCP segments between the connection's real addresses, so Wireshark and tshark
//! reassemble the stream and dissect the HTTP upgrade and the WebSocket frames.
//!
//! The tap sees bytes, not packets: the segments are synthetic. Their payloads and times are
//! the captured ones; the handshake (SYN, SYN-ACK, ACK), the FINs, the ACK numbers and the IP
//! identification are made up to be consistent. A chunk past the raw-bytes budget was counted
//! but not kept: it is written as headers only, with its true length as the original length,
//! which Wireshark shows as "packet size limited during capture".
//!
//! A proxied connection to a wss:// upstream is two TCP connections on the wire: the client's
//! to the proxy, and the proxy's to the upstream, whose TLS records the capture keeps too.
//! Both are written, each between its own addresses.

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::collections::HashMap;

use crate::capture::{ConnId, Connection, Direction, Layer, Transcript};

/// `LINKTYPE_RAW`: each record starts with an IPv4 or IPv6 header, no link layer to invent.
const LINKTYPE_RAW: u32 = 101;
/// The most payload one segment carries: an IPv4 packet's 65,535 bytes less 40 of headers.
pub const MAX_SEGMENT: usize = 65_535 - 40;
// Wireshark's own default: above the largest record, an IPv6 packet of 65,555 bytes.
const SNAPLEN: u32 = 262_144;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// The transcript as a pcap file. `base_unix_us` is the wall-clock time of the transcript's
/// zero (see the module `export`).
pub fn pcap(t: &Transcript, base_unix_us: u64) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4_u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&SNAPLEN.to_le_bytes());
    out.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    let mut writer = Writer {
        out,
        base_unix_us,
        ip_id: 0,
        sent: HashMap::new(),
    };
    for event in events(t) {
        writer.event(t, &event);
    }
    writer.out
}

// One TCP connection on the wire: a recorded connection's own, or (`true`) the one its proxy
// opened to a wss:// upstream.
type Key = (ConnId, bool);

// What happened, in the order it happened; packets are made from these in one walk so that
// each ACK acknowledges what the other side had sent by then.
enum Event {
    Open(Key, u64),
    Chunk(usize),
    Fin(Key, Direction, u64),
}

fn events(t: &Transcript) -> Vec<Event> {
    let mut timed: Vec<(u64, u8, Event)> = Vec::new();
    for c in t.connections() {
        timed.push((c.opened_us, 0, Event::Open((c.id, false), c.opened_us)));
        for d in Direction::BOTH {
            // A TLS connection's wire is its TLS layer, which ends when TCP does.
            let ended = c
                .tls
                .as_ref()
                .map_or(c.flow(d).ended_us, |l| l.flow(d).ended_us);
            if let Some(at) = ended.or(c.closed_us) {
                timed.push((at, 2, Event::Fin((c.id, false), d, at)));
            }
        }
        if let (Some(up), Some(tls)) = (&c.upstream, &c.upstream_tls) {
            timed.push((up.opened_us, 0, Event::Open((c.id, true), up.opened_us)));
            for d in Direction::BOTH {
                if let Some(at) = tls.flow(d).ended_us.or(c.closed_us) {
                    timed.push((at, 2, Event::Fin((c.id, true), d, at)));
                }
            }
        }
    }
    for (i, chunk) in t.chunks().iter().enumerate() {
        // What crossed the wire: ciphertext for a TLS connection, never both layers.
        if !t.on_wire(chunk) {
            continue;
        }
        timed.push((chunk.at_us, 1, Event::Chunk(i)));
    }
    // Stable: chunks keep the order they were recorded in; at one instant an open comes
    // before its bytes, and bytes before a FIN.
    timed.sort_by_key(|(at, rank, _)| (*at, *rank));
    timed.into_iter().map(|(_, _, e)| e).collect()
}

/// One end's addresses and initial sequence numbers.
struct Ends {
    client: SocketAddr,
    server: SocketAddr,
    isn: [u32; 2],
}

impl Ends {
    fn of((conn, upstream): Key, connection: Option<&Connection>) -> Self {
        if upstream && let Some(up) = connection.and_then(|c| c.upstream) {
            let mut ends = Self::of((conn, false), connection);
            // Its own ISNs, so that the two connections' numbers are never mistaken.
            ends.isn = ends.isn.map(|isn| isn ^ 0x0800_0000);
            (ends.client, ends.server) = (up.proxy, up.server);
            if ends.client.is_ipv4() != ends.server.is_ipv4() {
                ends.client.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
                ends.server.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
            }
            return ends;
        }
        // Made-up ports for unknown ends: distinct per connection so Wireshark keeps streams apart.
        let made_up_client = SocketAddr::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            49_152 + (conn.0 % 16_384) as u16,
        );
        let made_up_server = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 80);
        let mut client = connection.and_then(|c| c.client).unwrap_or(made_up_client);
        let mut server = connection.and_then(|c| c.server).unwrap_or(made_up_server);
        // One packet has one IP version: if the ends differ, both become IPv4 loopback.
        if client.is_ipv4() != server.is_ipv4() {
            client.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
            server.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        // Fixed, different ISNs make files reproducible and relative numbering obvious.
        let salt = (conn.0 as u32).wrapping_mul(0x0101_0000);
        Self {
            client,
            server,
            isn: [0x1000_0000 ^ salt, 0x2000_0000 ^ salt],
        }
    }

    fn ends_for(&self, d: Direction) -> (SocketAddr, SocketAddr) {
        match d {
            Direction::ClientToServer => (self.client, self.server),
            Direction::ServerToClient => (self.server, self.client),
        }
    }
}

struct Writer {
    out: Vec<u8>,
    base_unix_us: u64,
    ip_id: u16,
    // Sequence space each direction of each connection has used so far in the walk (its bytes,
    // and one for its FIN), for ACK numbers.
    sent: HashMap<Key, [u64; 2]>,
}

/// One TCP segment to write.
struct Segment<'a> {
    at_us: u64,
    d: Direction,
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &'a [u8],
    // The payload's true length; longer than `payload` when the bytes were not kept.
    len: usize,
}

impl Writer {
    fn event(&mut self, t: &Transcript, event: &Event) {
        match *event {
            Event::Open(key, at_us) => {
                let ends = Ends::of(key, t.connection(key.0));
                let [c, s] = ends.isn;
                let c2s = Direction::ClientToServer;
                let s2c = Direction::ServerToClient;
                self.segment(&ends, &plain(at_us, c2s, c, 0, SYN));
                self.segment(&ends, &plain(at_us, s2c, s, c.wrapping_add(1), SYN | ACK));
                self.segment(
                    &ends,
                    &plain(at_us, c2s, c.wrapping_add(1), s.wrapping_add(1), ACK),
                );
            }
            Event::Chunk(i) => {
                let Some(chunk) = t.chunks().get(i) else {
                    return;
                };
                let key = (chunk.conn, chunk.layer == Layer::UpstreamTls);
                let ends = Ends::of(key, t.connection(chunk.conn));
                let d = chunk.direction;
                let ack = seq_at(&ends, d.reverse(), self.sent(key, d.reverse()));
                let len = usize::try_from(chunk.len).unwrap_or(usize::MAX);
                let mut done = 0usize;
                while done < len {
                    let n = (len - done).min(MAX_SEGMENT);
                    let kept = chunk.bytes.get(done..done + n).unwrap_or(&[]);
                    let seq = seq_at(&ends, d, chunk.offset + done as u64);
                    self.segment(
                        &ends,
                        &Segment {
                            at_us: chunk.at_us,
                            d,
                            seq,
                            ack,
                            flags: PSH | ACK,
                            payload: kept,
                            len: n,
                        },
                    );
                    done += n;
                }
                let sent = self.sent.entry(key).or_default();
                let slot = &mut sent[usize::from(d == Direction::ServerToClient)];
                *slot = (*slot).max(chunk.offset + chunk.len);
            }
            Event::Fin(key, d, at_us) => {
                let (conn, upstream) = key;
                let ends = Ends::of(key, t.connection(conn));
                // Chunks past the chunk limit are not listed, but the flow counted their bytes.
                let counted = |d| {
                    t.connection(conn)
                        .map_or(0, |c| match (upstream, &c.upstream_tls) {
                            (true, Some(tls)) => tls.flow(d).bytes,
                            _ => c.flow(d).bytes,
                        })
                };
                let sent = self.sent(key, d).max(counted(d));
                let seq = seq_at(&ends, d, sent);
                let ack = seq_at(&ends, d.reverse(), self.sent(key, d.reverse()));
                self.segment(&ends, &plain(at_us, d, seq, ack, FIN | ACK));
                // A FIN takes one sequence number, which every later ACK acknowledges.
                self.sent.entry(key).or_default()[usize::from(d == Direction::ServerToClient)] =
                    sent + 1;
                // The other end acknowledges the FIN at once.
                self.segment(
                    &ends,
                    &plain(at_us, d.reverse(), ack, seq.wrapping_add(1), ACK),
                );
            }
        }
    }

    fn sent(&self, key: Key, d: Direction) -> u64 {
        self.sent
            .get(&key)
            .map_or(0, |s| s[usize::from(d == Direction::ServerToClient)])
    }

    fn segment(&mut self, ends: &Ends, s: &Segment<'_>) {
        let (src, dst) = ends.ends_for(s.d);
        let mut tcp = Vec::with_capacity(20 + s.payload.len());
        tcp.extend_from_slice(&src.port().to_be_bytes());
        tcp.extend_from_slice(&dst.port().to_be_bytes());
        tcp.extend_from_slice(&s.seq.to_be_bytes());
        tcp.extend_from_slice(&s.ack.to_be_bytes());
        tcp.push(5 << 4);
        tcp.push(s.flags);
        tcp.extend_from_slice(&u16::MAX.to_be_bytes());
        tcp.extend_from_slice(&[0, 0, 0, 0]);
        tcp.extend_from_slice(s.payload);
        let complete = s.payload.len() == s.len;
        // A checksum over bytes not kept cannot be computed; 0 there says "not computed".
        if complete {
            let sum = tcp_checksum(src.ip(), dst.ip(), &tcp);
            tcp[16..18].copy_from_slice(&sum.to_be_bytes());
        }
        let tcp_len = 20 + s.len;
        let mut packet = match (src.ip(), dst.ip()) {
            (IpAddr::V4(a), IpAddr::V4(b)) => self.ipv4_header(a, b, tcp_len),
            (a, b) => ipv6_header(to_v6(a), to_v6(b), tcp_len),
        };
        let orig_len = packet.len() + tcp_len;
        packet.extend_from_slice(&tcp);
        let at = self.base_unix_us.saturating_add(s.at_us);
        self.out
            .extend_from_slice(&((at / 1_000_000) as u32).to_le_bytes());
        self.out
            .extend_from_slice(&((at % 1_000_000) as u32).to_le_bytes());
        self.out
            .extend_from_slice(&(packet.len() as u32).to_le_bytes());
        self.out.extend_from_slice(&(orig_len as u32).to_le_bytes());
        self.out.extend_from_slice(&packet);
    }

    fn ipv4_header(&mut self, src: Ipv4Addr, dst: Ipv4Addr, tcp_len: usize) -> Vec<u8> {
        self.ip_id = self.ip_id.wrapping_add(1);
        let mut h = Vec::with_capacity(20);
        h.extend_from_slice(&[0x45, 0]);
        h.extend_from_slice(&((20 + tcp_len) as u16).to_be_bytes());
        h.extend_from_slice(&self.ip_id.to_be_bytes());
        // Don't Fragment, as a loopback stack sets it.
        h.extend_from_slice(&[0x40, 0, 64, 6, 0, 0]);
        h.extend_from_slice(&src.octets());
        h.extend_from_slice(&dst.octets());
        let sum = checksum(&[&h]);
        h[10..12].copy_from_slice(&sum.to_be_bytes());
        h
    }
}

fn plain(at_us: u64, d: Direction, seq: u32, ack: u32, flags: u8) -> Segment<'static> {
    Segment {
        at_us,
        d,
        seq,
        ack,
        flags,
        payload: &[],
        len: 0,
    }
}

fn ipv6_header(src: [u8; 16], dst: [u8; 16], tcp_len: usize) -> Vec<u8> {
    let mut h = Vec::with_capacity(40);
    h.extend_from_slice(&[0x60, 0, 0, 0]);
    h.extend_from_slice(&(tcp_len as u16).to_be_bytes());
    h.extend_from_slice(&[6, 64]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h
}

fn to_v6(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

/// The sequence number of stream byte `offset` in direction `d` (the SYN takes one).
fn seq_at(ends: &Ends, d: Direction, offset: u64) -> u32 {
    let isn = match d {
        Direction::ClientToServer => ends.isn[0],
        Direction::ServerToClient => ends.isn[1],
    };
    // TCP sequence numbers wrap at 2^32 by design.
    isn.wrapping_add(1).wrapping_add(offset as u32)
}

/// The Internet checksum (RFC 1071) over the concatenation of `parts`.
fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u64 = 0;
    let mut odd: Option<u8> = None;
    for part in parts {
        for &b in *part {
            match odd.take() {
                Some(hi) => sum += u64::from(u16::from_be_bytes([hi, b])),
                None => odd = Some(b),
            }
        }
    }
    if let Some(hi) = odd {
        sum += u64::from(u16::from_be_bytes([hi, 0]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn tcp_checksum(src: IpAddr, dst: IpAddr, tcp: &[u8]) -> u16 {
    let len = tcp.len() as u32;
    match (src, dst) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mut pseudo = Vec::with_capacity(12);
            pseudo.extend_from_slice(&a.octets());
            pseudo.extend_from_slice(&b.octets());
            pseudo.extend_from_slice(&[0, 6]);
            pseudo.extend_from_slice(&(len as u16).to_be_bytes());
            checksum(&[&pseudo, tcp])
        }
        (a, b) => {
            let mut pseudo = Vec::with_capacity(40);
            pseudo.extend_from_slice(&to_v6(a));
            pseudo.extend_from_slice(&to_v6(b));
            pseudo.extend_from_slice(&len.to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, 6]);
            checksum(&[&pseudo, tcp])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3's worked example sums to 0xddf2; the checksum is its complement.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&[&data]), !0xddf2);
        assert_eq!(checksum(&[&data[..3], &data[3..]]), !0xddf2);
    }
}
