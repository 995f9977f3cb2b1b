//! Every view renders whatever the dissector finds in random bytes: text with and without
//! colour, and JSON. A view that panics on odd input would take the terminal down with it.

use wslab::proto::{Config, Dissector, Event, RsvBits, Side};
use wslab::render::frame::{self, Options};
use wslab::render::json::{FrameJson, MessageJson};
use wslab::render::style::Palette;

/// A small deterministic generator, so a failure names its seed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        self.0 >> 33
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Mostly frame-shaped bytes: plausible headers with odd bits, lengths and payloads.
fn stream(rng: &mut Lcg) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.below(6) {
        out.push(rng.byte());
        let masked = rng.below(2) == 0;
        let len = match rng.below(5) {
            0 => rng.below(126),
            1 => 126 + rng.below(300),
            2 => 0,
            3 => 2,
            _ => rng.below(8),
        };
        if len < 126 {
            out.push(u8::from(masked) << 7 | len as u8);
        } else {
            out.push(u8::from(masked) << 7 | 0x7e);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        if masked {
            out.extend((0..4).map(|_| rng.byte()));
        }
        out.extend((0..len).map(|_| rng.byte()));
    }
    // Sometimes a torn tail or pure noise.
    out.extend((0..rng.below(4)).map(|_| rng.byte()));
    out
}

#[test]
fn views_render_anything_the_dissector_finds() {
    let mut rng = Lcg(0x5eed);
    for seed in 0..2000u64 {
        let bytes = stream(&mut rng);
        let side = [Side::Client, Side::Server, Side::Unknown][(seed % 3) as usize];
        let mut config = Config::new(side);
        config.preview_cap = [0, 3, 200, 64 * 1024][(seed % 4) as usize];
        config.allowed_rsv = RsvBits((seed % 8) as u8);
        let mut dissector = Dissector::new(config);
        for event in dissector.feed(&bytes) {
            for palette in [Palette::plain(), Palette::new(true)] {
                let opts = Options {
                    palette,
                    side,
                    max_payload: (seed % 40) as usize,
                };
                match &event {
                    Event::Frame(f) => {
                        assert!(!frame::frame(f, &opts).is_empty(), "seed {seed}");
                        serde_json::to_string(&FrameJson::new(f, side)).expect("JSON");
                    }
                    Event::Message(m) => {
                        assert!(!frame::message(m, palette).is_empty(), "seed {seed}");
                        serde_json::to_string(&MessageJson::from(m)).expect("JSON");
                    }
                }
            }
        }
        if let Some(pending) = dissector.pending_frame() {
            let opts = Options {
                palette: Palette::plain(),
                side,
                max_payload: 16,
            };
            assert!(!frame::frame(&pending, &opts).is_empty(), "seed {seed}");
        }
    }
}
