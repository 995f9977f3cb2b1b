//! The lab's misbehaving peers: each breaks one rule a real library never would.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _};

/// A misbehaving peer of the lab, served under `/fault/NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// 101, with an Accept hashed without the GUID.
    WrongAccept,
    /// 200 OK instead of 101.
    Status200,
    /// 101 without `Upgrade: websocket`.
    NoUpgrade,
    /// 426 with `Sec-WebSocket-Version: 13`, whatever was asked.
    Version426,
    /// A correct 101, then a masked frame from the server.
    MaskedFrame,
    /// Echoes masked frames; closes with 1002 on an unmasked one.
    StrictMask,
    /// A correct 101, then a text frame that is not UTF-8.
    BadUtf8,
    /// A correct 101, then a ping one byte over the control-frame limit.
    BigPing,
    /// Bytes that are not HTTP.
    Garbage,
    /// Reads the request and never answers.
    Hang,
}

impl Fault {
    /// Every fault, in the order the banner and the errors list them.
    pub const ALL: [Fault; 10] = [
        Fault::WrongAccept,
        Fault::Status200,
        Fault::NoUpgrade,
        Fault::Version426,
        Fault::MaskedFrame,
        Fault::StrictMask,
        Fault::BadUtf8,
        Fault::BigPing,
        Fault::Garbage,
        Fault::Hang,
    ];

    /// Where the faults live: a fault's path is this and its name.
    pub const PREFIX: &'static str = "/fault/";

    /// Its name, as in its path and in lesson files: "wrong-accept".
    pub const fn name(self) -> &'static str {
        match self {
            Fault::WrongAccept => "wrong-accept",
            Fault::Status200 => "status-200",
            Fault::NoUpgrade => "no-upgrade",
            Fault::Version426 => "version-426",
            Fault::MaskedFrame => "masked-frame",
            Fault::StrictMask => "strict-mask",
            Fault::BadUtf8 => "bad-utf8",
            Fault::BigPing => "big-ping",
            Fault::Garbage => "garbage",
            Fault::Hang => "hang",
        }
    }

    /// Its path on the lab: "/fault/wrong-accept".
    pub fn path(self) -> String {
        format!("{}{}", Self::PREFIX, self.name())
    }

    /// What goes wrong, in one line.
    pub const fn description(self) -> &'static str {
        match self {
            Fault::WrongAccept => {
                "101, but Sec-WebSocket-Accept hashes the key without the GUID (§4.2.2)"
            }
            Fault::Status200 => "200 OK instead of 101 Switching Protocols",
            Fault::NoUpgrade => "101 without the Upgrade: websocket header",
            Fault::Version426 => {
                "426 Upgrade Required with Sec-WebSocket-Version: 13, whatever was asked (§4.4)"
            }
            Fault::MaskedFrame => {
                "a correct 101, then a masked text frame; servers must not mask (§5.1)"
            }
            Fault::StrictMask => {
                "echoes masked frames; closes with 1002 on the first unmasked one (§5.1)"
            }
            Fault::BadUtf8 => "a correct 101, then a text frame that is not valid UTF-8 (§8.1)",
            Fault::BigPing => {
                "a correct 101, then a ping with 126 bytes of payload; control frames carry 125 (§5.5)"
            }
            Fault::Garbage => "bytes that are not HTTP at all, then the connection closes",
            Fault::Hang => "reads the request and never answers",
        }
    }

    /// The fault called `name` (the path after `/fault/`).
    pub fn from_name(name: &str) -> Option<Fault> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The fault at `path`: "/fault/hang".
    pub fn from_path(path: &str) -> Option<Fault> {
        Self::from_name(path.strip_prefix(Self::PREFIX)?)
    }

    /// Every name, for sentences that list them.
    pub fn names() -> String {
        super::listed(Self::ALL.into_iter().map(Fault::name))
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// A lesson file names a fault by its name; an unknown one is refused with the list of those
// the lab has, where the file says it.
impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Fault::from_name(&name).ok_or_else(|| {
            D::Error::custom(format!(
                "there is no fault {name:?}; the lab has {}",
                Fault::names()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_parses_agree() {
        for fault in Fault::ALL {
            assert_eq!(Fault::from_name(fault.name()), Some(fault));
            assert_eq!(Fault::from_path(&fault.path()), Some(fault));
            assert!(!fault.description().is_empty());
        }
        assert_eq!(Fault::from_name("nope"), None);
        assert_eq!(Fault::from_path("/echo"), None);
        assert_eq!(Fault::WrongAccept.path(), "/fault/wrong-accept");
    }
}
