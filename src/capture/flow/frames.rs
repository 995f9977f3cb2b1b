//! A flow's WebSocket side: frames and messages from the dissector, stored within the
//! transcript's limits, and let go once a live view has shown them.

use bytes::Bytes;

use super::super::Limits;
use super::super::deflate::Inflater;
use super::super::parts::{Learned, Timed};
use super::{Flow, Mode, Used};
use crate::proto::{Config, Dissector, Event, Inflated, OWN_BUFFER_FROM};

impl Flow {
    pub(super) fn feed_frames(
        &mut self,
        input: &[u8],
        at_us: u64,
        limits: &Limits,
        used: &mut Used,
        learned: &mut Vec<Learned>,
    ) {
        let Mode::Frames(slot) = &mut self.mode else {
            return;
        };
        let offset = self.upgraded_offset.unwrap_or(self.bytes);
        let dissector = slot.get_or_insert_with(|| {
            let config = Config {
                side: self.direction.sender(),
                preview_cap: limits.preview_cap,
                allowed_rsv: self.allowed_rsv,
            };
            Box::new(Dissector::starting_at(config, offset))
        });
        self.frame_bytes += input.len() as u64;
        for event in dissector.feed(input) {
            match event {
                Event::Frame(mut frame) => {
                    learned.push(Learned::Frame(frame.index));
                    if used.frames >= limits.max_frames {
                        self.frames_dropped += 1;
                        continue;
                    }
                    used.frames += 1;
                    // The dissector's buffer, before `keep`: its one-frame message shares it.
                    let original = frame.payload.as_ptr().addr();
                    frame.payload = self.keep_payload(&frame.payload, limits, used);
                    self.last_payload = Some((frame.index, original, frame.payload.clone()));
                    self.frames.push(Timed { at_us, item: frame });
                }
                Event::Message(mut message) => {
                    learned.push(Learned::Message(message.index));
                    // Inflated before the limit is checked: under context takeover a message
                    // not kept still fills the window the next ones refer to.
                    if message.compressed
                        && let Some(params) = self.deflate
                    {
                        let direction = self.direction;
                        let inflater = self
                            .inflater
                            .0
                            .get_or_insert_with(|| Inflater::new(params, direction));
                        message.inflated = Some(inflater.inflate(
                            &message.preview,
                            !message.is_truncated(),
                            limits.preview_cap,
                        ));
                    }
                    if used.messages >= limits.max_frames {
                        self.messages_dropped += 1;
                        continue;
                    }
                    used.messages += 1;
                    message.preview = match &self.last_payload {
                        // A one-frame message's preview is its frame's payload, the same
                        // buffer (the dissector shares it): share the stored one too. Known by
                        // its address, not by comparing the bytes again.
                        Some((index, original, payload))
                            if message.frame_count == 1
                                && *index == message.first_frame
                                && message.preview.as_ptr().addr() == *original
                                && payload.len() <= message.preview.len() =>
                        {
                            payload.clone()
                        }
                        _ => self.keep(&message.preview, limits, used),
                    };
                    if let Some(Inflated::Done { preview, .. }) = &mut message.inflated {
                        *preview = self.keep(preview, limits, used);
                    }
                    self.messages.push(Timed {
                        at_us,
                        item: message,
                    });
                }
            }
        }
    }

    /// Lets go of stored frames up to and including `through`, returning what they cost.
    /// Messages stay: a one-frame message shares its frame's preview, so that preview's cost
    /// stays charged while the message holds it.
    pub(in crate::capture) fn release_frames(&mut self, through: u64, used: &mut Used) {
        let keep_from = self.frames.partition_point(|f| f.item.index <= through);
        for released in self.frames.drain(..keep_from) {
            let frame = &released.item;
            let shared = self
                .messages
                .binary_search_by_key(&frame.index, |m| m.item.last_frame)
                .is_ok_and(|i| self.messages[i].item.frame_count == 1);
            if !shared {
                used.preview_bytes = used.preview_bytes.saturating_sub(frame.payload.len());
                self.preview_bytes = self.preview_bytes.saturating_sub(frame.payload.len());
            }
            used.frames = used.frames.saturating_sub(1);
        }
        self.frames_released += keep_from as u64;
    }

    // An owned copy of a preview, cut to what is left of the transcript's preview budget.
    fn keep(&mut self, preview: &[u8], limits: &Limits, used: &mut Used) -> Bytes {
        let kept = self.budget(preview.len(), limits, used);
        Bytes::copy_from_slice(&preview[..kept])
    }

    // A frame's payload, cut to the budget as `keep` cuts a preview. A small one is copied,
    // since it may share one read's buffer with its neighbours and a stored payload must
    // never pin a large read; a large one already owns a buffer of exactly its size (the
    // dissector's promise, `OWN_BUFFER_FROM`), so it is kept as it is, without a copy.
    fn keep_payload(&mut self, payload: &Bytes, limits: &Limits, used: &mut Used) -> Bytes {
        let kept = self.budget(payload.len(), limits, used);
        if kept == payload.len() && kept >= OWN_BUFFER_FROM {
            payload.clone()
        } else {
            Bytes::copy_from_slice(&payload[..kept])
        }
    }

    // How much of `len` bytes the preview budget still takes, charged.
    fn budget(&mut self, len: usize, limits: &Limits, used: &mut Used) -> usize {
        let room = limits.max_preview_bytes.saturating_sub(used.preview_bytes);
        let kept = len.min(room);
        if kept < len {
            self.previews_trimmed += 1;
        }
        used.preview_bytes += kept;
        self.preview_bytes += kept;
        kept
    }
}
