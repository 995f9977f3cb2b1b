//! A small pcap reader for the export tests, written apart from the writer so that it checks
//! the format rather than repeats it: the global header, each record, IPv4/IPv6 and TCP
//! headers with their checksums, and each direction's stream reassembled by sequence number.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// One TCP segment as read back.
#[derive(Debug, Clone)]
pub struct Packet {
    pub ts_us: u64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    pub payload: Vec<u8>,
}

pub const SYN: u8 = 0x02;
pub const FIN: u8 = 0x01;

fn u16be(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn u32be(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u32le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The ones-complement sum; a header with its checksum in place sums to 0xffff.
fn sum(parts: &[&[u8]]) -> u16 {
    let bytes: Vec<u8> = parts.concat();
    let mut s: u32 = 0;
    for pair in bytes.chunks(2) {
        let word = if pair.len() == 2 {
            u16::from_be_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], 0])
        };
        s += u32::from(word);
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

/// Reads a whole file, panicking with a reason at the first thing wrong.
pub fn read(file: &[u8]) -> Vec<Packet> {
    assert!(file.len() >= 24, "no global header");
    assert_eq!(u32le(file, 0), 0xa1b2_c3d4, "magic (µs, little-endian)");
    assert_eq!(u16::from_le_bytes([file[4], file[5]]), 2, "major version");
    assert_eq!(u16::from_le_bytes([file[6], file[7]]), 4, "minor version");
    let snaplen = u32le(file, 16);
    assert_eq!(u32le(file, 20), 101, "LINKTYPE_RAW");
    let mut at = 24;
    let mut packets = Vec::new();
    while at < file.len() {
        assert!(at + 16 <= file.len(), "a record header is cut short");
        let ts = u64::from(u32le(file, at)) * 1_000_000 + u64::from(u32le(file, at + 4));
        assert!(u32le(file, at + 4) < 1_000_000, "µs field below a second");
        let caplen = u32le(file, at + 8) as usize;
        let origlen = u32le(file, at + 12) as usize;
        assert!(caplen <= origlen && caplen as u32 <= snaplen);
        let data = &file[at + 16..at + 16 + caplen];
        at += 16 + caplen;
        packets.push(packet(ts, data, caplen == origlen, origlen));
    }
    packets
}

fn packet(ts_us: u64, data: &[u8], complete: bool, origlen: usize) -> Packet {
    let (src_ip, dst_ip, tcp, pseudo): (IpAddr, IpAddr, &[u8], Vec<u8>) = match data[0] >> 4 {
        4 => {
            assert_eq!(data[0], 0x45, "IPv4, 20-byte header");
            assert_eq!(sum(&[&data[..20]]), 0xffff, "IPv4 header checksum");
            assert_eq!(data[9], 6, "TCP");
            assert_eq!(usize::from(u16be(data, 2)), origlen, "IPv4 total length");
            let src = Ipv4Addr::new(data[12], data[13], data[14], data[15]);
            let dst = Ipv4Addr::new(data[16], data[17], data[18], data[19]);
            let tcp_len = (origlen - 20) as u16;
            let mut pseudo = Vec::new();
            pseudo.extend_from_slice(&data[12..20]);
            pseudo.extend_from_slice(&[0, 6]);
            pseudo.extend_from_slice(&tcp_len.to_be_bytes());
            (src.into(), dst.into(), &data[20..], pseudo)
        }
        6 => {
            assert_eq!(data[6], 6, "TCP");
            assert_eq!(
                usize::from(u16be(data, 4)) + 40,
                origlen,
                "IPv6 payload length"
            );
            let src: [u8; 16] = data[8..24].try_into().unwrap();
            let dst: [u8; 16] = data[24..40].try_into().unwrap();
            let mut pseudo = Vec::new();
            pseudo.extend_from_slice(&data[8..40]);
            pseudo.extend_from_slice(&((origlen - 40) as u32).to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, 6]);
            (
                Ipv6Addr::from(src).into(),
                Ipv6Addr::from(dst).into(),
                &data[40..],
                pseudo,
            )
        }
        v => panic!("IP version {v}"),
    };
    let offset = usize::from(tcp[12] >> 4) * 4;
    assert_eq!(offset, 20, "no TCP options");
    if complete {
        assert_eq!(sum(&[&pseudo, tcp]), 0xffff, "TCP checksum");
    }
    Packet {
        ts_us,
        src: SocketAddr::new(src_ip, u16be(tcp, 0)),
        dst: SocketAddr::new(dst_ip, u16be(tcp, 2)),
        seq: u32be(tcp, 4),
        ack: u32be(tcp, 8),
        flags: tcp[13],
        payload: tcp[offset..].to_vec(),
    }
}

/// The bytes `src` sent to `dst`, ordered by sequence number from its SYN, checked contiguous.
pub fn stream(packets: &[Packet], src: SocketAddr, dst: SocketAddr) -> Vec<u8> {
    let ours: Vec<&Packet> = packets
        .iter()
        .filter(|p| p.src == src && p.dst == dst)
        .collect();
    let syn = ours
        .iter()
        .find(|p| p.flags & SYN != 0)
        .expect("a SYN in this direction");
    let isn = syn.seq;
    let mut by_seq = BTreeMap::new();
    for p in ours.iter().filter(|p| !p.payload.is_empty()) {
        by_seq.insert(p.seq.wrapping_sub(isn).wrapping_sub(1), p.payload.clone());
    }
    let mut out = Vec::new();
    for (rel, payload) in by_seq {
        assert_eq!(rel as usize, out.len(), "a gap or overlap in the stream");
        out.extend_from_slice(&payload);
    }
    out
}

/// Each connection's (client, server) pair, from its SYN without ACK.
pub fn connections(packets: &[Packet]) -> Vec<(SocketAddr, SocketAddr)> {
    packets
        .iter()
        .filter(|p| p.flags & SYN != 0 && p.flags & 0x10 == 0)
        .map(|p| (p.src, p.dst))
        .collect()
}
