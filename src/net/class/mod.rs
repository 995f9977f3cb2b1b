//! The class channel's sockets: the hub beside the presenter (`hub`), one task per student
//! connection (`conn`), and a student's own connection to it (`student`), tapped like every
//! other connection wslab opens so the student can inspect it. The messages, bounds and
//! guards are `crate::class`'s, pure.

mod conn;
pub mod hub;
mod shared;
pub mod student;

pub use hub::{Hub, HubOptions, RoomView};
pub use student::{StudentEvent, StudentOptions};
