//! Every bound of the class channel, in one place.

/// The protocol's version: every message carries it as `"v"`.
pub const VERSION: u64 = 1;

/// The longest text message either side accepts, in bytes: a step change is a few hundred.
pub const MAX_MESSAGE: usize = 4096;

/// The longest name a student may send in the join URL, in bytes, before neutralising.
pub const MAX_NAME_BYTES: usize = 64;

/// The longest name kept and shown, in characters, after neutralising.
pub const MAX_NAME_CHARS: usize = 24;

/// The longest answer, in bytes: a typed answer is a word or a number.
pub const MAX_ANSWER: usize = 64;

/// The longest lesson id in a message.
pub const MAX_LESSON_ID: usize = 64;

/// Answers a student may give to one check: the first is the one counted.
pub const ANSWERS_PER_CHECK: usize = 1;

/// Checks a student's record remembers answers for: a lesson has a few dozen.
pub const MAX_REMEMBERED: usize = 256;

/// Students per class unless `--max-students` says otherwise.
pub const DEFAULT_MAX_STUDENTS: usize = 200;

/// Messages a student may send in a burst, and per second after it.
pub const BURST: u32 = 10;
/// See [`BURST`].
pub const PER_SECOND: u32 = 5;

/// Messages queued for one student before they count as too slow and are dropped.
pub const QUEUE: usize = 32;

/// The join code's length.
pub const CODE_LEN: usize = 6;

/// Bars in the answer chart before the rest are summed as "other".
pub const CHART_BARS: usize = 8;

/// Addresses whose wrong codes the hub remembers.
pub const REMEMBERED_ADDRESSES: usize = 4096;

/// The longest message the hub sends: the notes terminal's room lists every name, so it is
/// larger than a student's (200 names of 24 characters, 4 bytes each at most, and quotes).
pub const MAX_FROM_HUB: usize = 64 * 1024;
