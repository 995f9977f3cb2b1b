//! The lab's WebSocket endpoints.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error as _};

/// A WebSocket endpoint of the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Endpoint {
    /// Sends every message back.
    #[default]
    Echo,
    /// Broadcasts every message to every client of the room.
    Chat,
    /// Pushes the feed's updates.
    Ticker,
    /// Speaks first and closes first.
    Goodbye,
}

impl Endpoint {
    /// Every endpoint, in the order the banner and the errors list them.
    pub const ALL: [Endpoint; 4] = [
        Endpoint::Echo,
        Endpoint::Chat,
        Endpoint::Ticker,
        Endpoint::Goodbye,
    ];

    /// Its path on the lab: "/echo".
    pub const fn path(self) -> &'static str {
        match self {
            Endpoint::Echo => "/echo",
            Endpoint::Chat => "/chat",
            Endpoint::Ticker => "/ticker",
            Endpoint::Goodbye => "/goodbye",
        }
    }

    /// What it does, in one line.
    pub const fn description(self) -> &'static str {
        match self {
            Endpoint::Echo => "sends every text and binary message back; answers pings and close",
            Endpoint::Chat => "broadcasts every message to all /chat clients, the sender included",
            Endpoint::Ticker => "pushes each update of the feed as a text message, unasked",
            Endpoint::Goodbye => "says one line, then closes first, with 1001 going away",
        }
    }

    /// The endpoint at `path` ("/echo"), query excluded.
    pub fn from_path(path: &str) -> Option<Endpoint> {
        Self::ALL.into_iter().find(|e| e.path() == path)
    }

    /// Every path, for sentences that list them.
    pub fn paths() -> String {
        super::listed(Self::ALL.into_iter().map(Endpoint::path))
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

// A lesson file names an endpoint by its path; an unknown one is refused with the list of
// those the lab has, where the file says it.
impl<'de> Deserialize<'de> for Endpoint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let path = String::deserialize(deserializer)?;
        Endpoint::from_path(&path).ok_or_else(|| {
            D::Error::custom(format!(
                "the lab has no WebSocket endpoint {path:?}; it has {}",
                Endpoint::paths()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_parses_agree() {
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::from_path(endpoint.path()), Some(endpoint));
            assert!(!endpoint.description().is_empty());
        }
        assert_eq!(Endpoint::from_path("/nope"), None);
        assert_eq!(Endpoint::paths(), "/echo, /chat, /ticker, /goodbye");
    }
}
