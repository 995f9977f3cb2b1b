//! Every view renders whatever the dissector finds in random bytes: text with and without
//! colour, and JSON. A view that panics on odd input would take the terminal down with it.

use crate::common::{Lcg, plausible_stream};
use wslab::proto::{Config, Dissector, Event, RsvBits, Side};
use wslab::render::frame::{self, Options};
use wslab::render::json::{FrameJson, MessageJson, Stamp};
use wslab::render::style::Palette;

#[test]
fn views_render_anything_the_dissector_finds() {
    let mut rng = Lcg(0x5eed);
    for seed in 0..2000u64 {
        let bytes = plausible_stream(&mut rng);
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
                    more: None,
                };
                match &event {
                    Event::Frame(f) => {
                        assert!(!frame::frame(f, &opts).is_empty(), "seed {seed}");
                        // A proxy's --max-payload cuts previews anywhere, a character included.
                        let max = opts.max_payload;
                        let json = FrameJson::new(f, side, Stamp::default(), max);
                        serde_json::to_string(&json).expect("JSON");
                    }
                    Event::Message(m) => {
                        assert!(
                            !frame::message(m, m.index + 1, palette).is_empty(),
                            "seed {seed}"
                        );
                        let json = MessageJson::new(m, side, Stamp::default(), opts.max_payload);
                        serde_json::to_string(&json).expect("JSON");
                    }
                }
            }
        }
        if let Some(pending) = dissector.pending_frame() {
            let opts = Options {
                palette: Palette::plain(),
                side,
                max_payload: 16,
                more: Some("--max-payload"),
            };
            assert!(!frame::frame(&pending, &opts).is_empty(), "seed {seed}");
        }
    }
}
