//! Helpers shared by the test crates: a seeded generator, so a failure names its seed, and
//! streams shaped like frames, since pure noise would rarely finish one.

// Each test crate uses a different subset of these.
#![allow(dead_code)]

pub mod exchange;
pub mod lab;
pub mod pcap_reader;
pub mod proxy;
pub mod python;
pub mod tls;
pub mod tshark;

/// A deterministic pseudo-random generator (Knuth's MMIX LCG), so that runs repeat.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn byte(&mut self) -> u8 {
        (self.next() >> 23) as u8
    }
}

/// Bytes that are often nearly frames: random first bytes, mostly small lengths, random
/// masks. Pure noise would rarely finish a frame.
pub fn plausible_stream(rng: &mut Lcg) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(6) {
        out.push(rng.byte());
        let mask_bit = rng.byte() & 0x80;
        let len = match rng.below(10) {
            0 => {
                out.push(mask_bit | 0x7e);
                let len = rng.below(300) as u16;
                out.extend_from_slice(&len.to_be_bytes());
                usize::from(len)
            }
            1 => {
                out.push(mask_bit | 0x7f);
                let len = if rng.below(2) == 0 {
                    rng.below(300) as u64
                } else {
                    rng.next() << 31 | rng.next()
                };
                out.extend_from_slice(&len.to_be_bytes());
                usize::try_from(len).unwrap_or(usize::MAX).min(300)
            }
            _ => {
                let len = rng.below(126);
                out.push(mask_bit | len as u8);
                len
            }
        };
        if mask_bit != 0 {
            out.extend((0..4).map(|_| rng.byte()));
        }
        out.extend((0..len).map(|_| rng.byte()));
    }
    out
}
