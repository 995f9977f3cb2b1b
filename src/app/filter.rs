//! Which frames a view shows: the proxy view's direction and opcode filters. The list counts
//! and the frames panes read the same filter, so that the counts say what the panes show.

use crate::capture::Direction;
use crate::proto::OpCode;

/// Which directions are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirFilter {
    /// Both ways.
    #[default]
    Both,
    /// Client to server only.
    Up,
    /// Server to client only.
    Down,
}

impl DirFilter {
    /// Its name on screen.
    pub fn name(self) -> &'static str {
        match self {
            DirFilter::Both => "both",
            DirFilter::Up => "client→server",
            DirFilter::Down => "server→client",
        }
    }

    /// Whether frames going `direction` pass.
    pub fn passes(self, direction: Direction) -> bool {
        match self {
            DirFilter::Both => true,
            DirFilter::Up => direction == Direction::ClientToServer,
            DirFilter::Down => direction == Direction::ServerToClient,
        }
    }
}

/// Which frames are shown, by opcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KindFilter {
    /// Every frame.
    #[default]
    All,
    /// Text, binary and continuation (and reserved data opcodes).
    Data,
    /// Ping and pong (and reserved control opcodes).
    Control,
    /// Close.
    Close,
}

impl KindFilter {
    /// Its name on screen.
    pub fn name(self) -> &'static str {
        match self {
            KindFilter::All => "all",
            KindFilter::Data => "data",
            KindFilter::Control => "control",
            KindFilter::Close => "close",
        }
    }

    /// Whether a frame with `opcode` passes.
    pub fn passes(self, opcode: OpCode) -> bool {
        match self {
            KindFilter::All => true,
            KindFilter::Data => class(opcode) == 0,
            KindFilter::Control => class(opcode) == 1,
            KindFilter::Close => class(opcode) == 2,
        }
    }
}

/// The kind of a frame as the counts keep it: 0 data, 1 control, 2 close.
pub fn class(opcode: OpCode) -> usize {
    match opcode {
        OpCode::Close => 2,
        o if o.is_control() => 1,
        _ => 0,
    }
}

/// Which of a connection's frames the frames panes show. The default shows them all, as the
/// lessons and the inspector do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrameFilter {
    /// The directions shown.
    pub dir: DirFilter,
    /// The opcodes shown.
    pub kind: KindFilter,
    /// While a view is paused: each way (client→server first), the frames that had come
    /// when it paused. Later frames, those with an index from this on, are not shown yet.
    pub upto: Option<[u64; 2]>,
}

impl FrameFilter {
    /// Whether every frame's direction and opcode pass, so that a view can skip looking at
    /// each (the pause's `upto` cuts the tail off, and needs no look at each).
    pub fn is_all(&self) -> bool {
        self.dir == DirFilter::Both && self.kind == KindFilter::All
    }

    /// Whether a frame going `direction` with `opcode` is shown.
    pub fn passes(&self, direction: Direction, opcode: OpCode) -> bool {
        self.dir.passes(direction) && self.kind.passes(opcode)
    }

    /// Whether a frame going `direction` with index `index` had come by the pause.
    pub fn had_come(&self, direction: Direction, index: u64) -> bool {
        self.upto
            .is_none_or(|upto| index < upto[usize::from(direction != Direction::ClientToServer)])
    }

    /// What the filter keeps, for a title; `None` when it keeps everything.
    pub fn describe(&self) -> Option<String> {
        match (self.dir, self.kind) {
            (DirFilter::Both, KindFilter::All) => None,
            (DirFilter::Both, kind) => Some(format!("{} only", kind.name())),
            (dir, KindFilter::All) => Some(format!("{} only", dir.name())),
            (dir, kind) => Some(format!("{} {} only", dir.name(), kind.name())),
        }
    }
}
