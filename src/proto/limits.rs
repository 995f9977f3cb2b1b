//! The protocol's size limits and wslab's display bounds, named once. Every layer that checks
//! or shows a size uses these, so a rule and its sentence cannot drift apart.

/// The most payload a control frame (close, ping, pong) may carry (RFC 6455 §5.5).
pub const CONTROL_PAYLOAD_MAX: usize = 125;

/// The most bytes of reason a close frame holds after its 2-byte code (RFC 6455 §5.5:
/// 125 − 2).
pub const CLOSE_REASON_MAX: usize = CONTROL_PAYLOAD_MAX - 2;

/// Payload bytes a printed view (decode, connect, JSON Lines) shows of each frame unless
/// `--max-payload` says otherwise; the true length is always given beside it.
pub const SHOWN_PAYLOAD: usize = 256;

/// Payload bytes a terminal pane shows of the selected frame: a few hex rows that fit.
pub const PANE_PAYLOAD: usize = 64;

/// The most bytes one message wslab sends may carry, however it was asked for (a `connect`
/// option, the inspector, a lesson), so that a typo cannot exhaust memory.
pub const MESSAGE_MAX: usize = 16 * 1024 * 1024;

/// The buffer the lab reads each WebSocket connection into, unless `serve --read-buffer` says
/// otherwise. tungstenite allocates it whole when a connection opens, so it is most of what an
/// idle connection costs: its own default, 128 KiB, made an idle connection cost ~147 KiB.
/// A larger message still arrives whole: the buffer is refilled as often as it takes.
pub const LAB_READ_BUFFER: usize = 4 * 1024;

/// tungstenite's own read buffer per connection (`WebSocketConfig::read_buffer_size`'s
/// default), which the idle-memory experiment measures beside the lab's.
pub const TUNGSTENITE_READ_BUFFER: usize = 128 * 1024;

/// The range `serve --read-buffer` takes: below 256 bytes each read is mostly overhead, and
/// above 1 MiB it only costs memory.
pub const LAB_READ_BUFFER_RANGE: std::ops::RangeInclusive<usize> = 256..=1024 * 1024;

/// The largest payload length a frame can declare: the 64-bit form's most significant bit must
/// be 0 (RFC 6455 §5.2). A hand-crafted frame may declare a length its payload does not have,
/// but not one past this; the bytes of such a header can still be typed as hex.
pub const DECLARED_LENGTH_MAX: u64 = u64::MAX >> 1;

/// The most frames one hand-crafted line (`connect --send-raw`, the inspector's raw composer)
/// describes as fields; hex holds any number, bounded by [`MESSAGE_MAX`] bytes.
pub const CRAFTED_FRAMES_MAX: usize = 16;

/// The longest line wslab's Server-Sent Events parser accepts (`proto::sse`): the lab's own
/// events are one short JSON line each, so a longer line is a stream gone wrong.
pub const SSE_LINE_MAX: usize = 64 * 1024;

/// The most data one Server-Sent Event may gather across its `data:` lines in wslab's parser.
pub const SSE_DATA_MAX: usize = 1024 * 1024;
