//! The class protocol's messages: JSON text, one object a message, each with `"v"` (the
//! version, [`VERSION`]) and `"type"`. Parsing is bounded ([`MAX_MESSAGE`]) and typed: a
//! message is one of [`FromStudent`] or [`FromHub`], or a [`ProtocolError`] that names the
//! one rule it broke and the close that answers it. docs/classroom.md is the reference.

use serde_json::{Map, Value, json};

use super::limits::{MAX_ANSWER, MAX_FROM_HUB, MAX_LESSON_ID, MAX_MESSAGE, VERSION};

/// Where the presenter is: a lesson (by id), its step and the check within it, from 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    /// The lesson's id, as in lessons/index.toml.
    pub lesson: String,
    /// The step, from 0.
    pub step: u32,
    /// The check within the step, from 0.
    pub check: u32,
}

/// What a student may send: nothing else reaches the hub (issue 16: students cannot drive
/// the presenter or each other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromStudent {
    /// An answer to the check at `at`: a choice's number from 1, or the typed text.
    Answer {
        /// The check answered.
        at: Position,
        /// The answer.
        answer: String,
    },
    /// Are you there? The hub answers with [`FromHub::Pong`].
    Ping,
    /// The student leaves for good: the hub forgets them and closes with 1000.
    Leave,
}

/// What the hub sends to a student, or to the presenter's notes terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromHub {
    /// The first message after joining: the token that resumes this place after a dropped
    /// connection, the name as the hub keeps it, and where the class is.
    Welcome {
        /// Sent back as `resume` when reconnecting.
        token: String,
        /// The name, neutralised.
        name: String,
        /// Where the presenter is; `None` before a lesson is open.
        at: Option<Position>,
        /// Whether the current check's answer has been revealed.
        revealed: bool,
    },
    /// The presenter moved.
    Step {
        /// Where to.
        at: Position,
    },
    /// The presenter revealed the answer of the check at `at`.
    Reveal {
        /// Which check.
        at: Position,
    },
    /// The answer to [`FromStudent::Ping`].
    Pong,
    /// A sentence for the student (an answer not counted, and why).
    Notice {
        /// The sentence.
        text: String,
    },
    /// The room, for the notes terminal: how many are here and have answered.
    Room {
        /// Students connected.
        connected: u32,
        /// Of them, those who answered the current check.
        answered: u32,
        /// Milliseconds since the current step began.
        step_ms: u64,
        /// The names connected, neutralised, for the notes terminal only.
        names: Vec<String>,
    },
}

/// How a connection of the class channel ends, with its close code and its one sentence
/// (RFC 6455 §7.4: 1000–1011 are the protocol's, 4000–4999 private use, §7.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The student left.
    Left,
    /// The presenter ended the class or quit (1001, going away, §7.4.1).
    Ended,
    /// A message over [`MAX_MESSAGE`] (1009, too big to process, §7.4.1).
    TooBig,
    /// The join code was wrong.
    WrongCode,
    /// The class already has `--max-students`.
    Full,
    /// A message a student may not send.
    NotAllowed,
    /// A message that is not the protocol.
    Malformed,
    /// More messages than [`super::limits::PER_SECOND`].
    TooFast,
    /// The student's queue filled: they read too slowly.
    TooSlow,
    /// The join URL broke a rule (no code, a name too long).
    BadJoin,
    /// Nothing heard from the student, not even a pong, for too long.
    Silent,
}

impl Closing {
    /// The close code.
    pub fn code(self) -> u16 {
        match self {
            Self::Left => 1000,
            Self::Ended => 1001,
            Self::TooBig => 1009,
            Self::WrongCode => 4001,
            Self::Full => 4002,
            Self::NotAllowed => 4003,
            Self::Malformed => 4004,
            Self::TooFast => 4005,
            Self::TooSlow => 4006,
            Self::BadJoin => 4007,
            Self::Silent => 4008,
        }
    }

    /// The close reason: one sentence, within a close frame's 123 bytes (§5.5.1).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Left => "You left the class.",
            Self::Ended => "The presenter ended the class.",
            Self::TooBig => "That message is longer than the class channel's 4096 bytes.",
            Self::WrongCode => "That join code is wrong; check it on the projector.",
            Self::Full => "The class is full.",
            Self::NotAllowed => "A student may send only answer, ping and leave.",
            Self::Malformed => "That message is not the class protocol (JSON with v and type).",
            Self::TooFast => "Too many messages: a student may send 5 a second.",
            Self::TooSlow => "Your connection fell behind the class, so the hub dropped it.",
            Self::BadJoin => "The join URL needs ?code= and a name of at most 64 bytes.",
            Self::Silent => "Nothing was heard from you for a minute, so the hub closed.",
        }
    }

    /// The closing a close code stands for, as a student reads it.
    pub fn of(code: u16) -> Option<Self> {
        ALL.iter().copied().find(|c| c.code() == code)
    }

    /// Whether a student should try again after this close: only a network drop or a slow
    /// connection are worth retrying; a refusal or the end is final.
    pub fn retry(self) -> bool {
        matches!(self, Self::TooSlow | Self::Silent)
    }
}

/// Every closing, for [`Closing::of`] and the tests.
pub const ALL: [Closing; 11] = [
    Closing::Left,
    Closing::Ended,
    Closing::TooBig,
    Closing::WrongCode,
    Closing::Full,
    Closing::NotAllowed,
    Closing::Malformed,
    Closing::TooFast,
    Closing::TooSlow,
    Closing::BadJoin,
    Closing::Silent,
];

/// A message that is not the class protocol, one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// Over [`MAX_MESSAGE`].
    #[error("the message is {len} bytes, over the class channel's bound")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// A binary message: the protocol is text.
    #[error("the class protocol is JSON text, and this was a binary message")]
    Binary,
    /// Not JSON at all.
    #[error("the message is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error("the message is JSON but not an object")]
    NotAnObject,
    /// No `"v"`.
    #[error("the message has no \"v\", the protocol's version")]
    NoVersion,
    /// A version this side does not speak.
    #[error("the message is version {0}; this wslab speaks version {VERSION}")]
    WrongVersion(u64),
    /// No `"type"`.
    #[error("the message has no \"type\"")]
    NoType,
    /// A type nobody sends.
    #[error("\"{0}\" is not a type of the class protocol")]
    UnknownType(String),
    /// A type only the other side sends (a student sending `step`).
    #[error("a {0} message is the hub's to send, not a student's")]
    NotAllowed(String),
    /// A field the type needs is missing or of the wrong kind.
    #[error("the {kind} message needs \"{field}\" as {expected}")]
    BadField {
        /// The message's type.
        kind: &'static str,
        /// The field.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A string field over its bound.
    #[error("\"{field}\" is longer than its {most} bytes")]
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// Its bound.
        most: usize,
    },
}

impl ProtocolError {
    /// How the hub closes a student that sent this.
    pub fn closing(&self) -> Closing {
        match self {
            Self::TooLong { .. } => Closing::TooBig,
            Self::NotAllowed(_) => Closing::NotAllowed,
            _ => Closing::Malformed,
        }
    }
}

const STUDENT_TYPES: [&str; 3] = ["answer", "ping", "leave"];
const HUB_TYPES: [&str; 5] = ["welcome", "step", "reveal", "pong", "notice"];
const NOTES_TYPES: [&str; 1] = ["room"];

/// Checks the envelope every message shares: bounded, JSON, an object, `v` and `type`.
fn envelope(text: &str, most: usize) -> Result<(Map<String, Value>, String), ProtocolError> {
    if text.len() > most {
        return Err(ProtocolError::TooLong { len: text.len() });
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| ProtocolError::NotJson(e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(ProtocolError::NotAnObject);
    };
    let v = map
        .get("v")
        .and_then(Value::as_u64)
        .ok_or(ProtocolError::NoVersion)?;
    if v != VERSION {
        return Err(ProtocolError::WrongVersion(v));
    }
    let kind = map
        .get("type")
        .and_then(Value::as_str)
        .ok_or(ProtocolError::NoType)?
        .to_owned();
    Ok((map, kind))
}

fn text_field(
    map: &Map<String, Value>,
    kind: &'static str,
    field: &'static str,
    most: usize,
) -> Result<String, ProtocolError> {
    let s = map
        .get(field)
        .and_then(Value::as_str)
        .ok_or(ProtocolError::BadField {
            kind,
            field,
            expected: "a string",
        })?;
    if s.len() > most {
        return Err(ProtocolError::FieldTooLong { field, most });
    }
    Ok(s.to_owned())
}

fn number_field(
    map: &Map<String, Value>,
    kind: &'static str,
    field: &'static str,
) -> Result<u32, ProtocolError> {
    map.get(field)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or(ProtocolError::BadField {
            kind,
            field,
            expected: "a whole number",
        })
}

fn position(map: &Map<String, Value>, kind: &'static str) -> Result<Position, ProtocolError> {
    Ok(Position {
        lesson: text_field(map, kind, "lesson", MAX_LESSON_ID)?,
        step: number_field(map, kind, "step")?,
        check: number_field(map, kind, "check")?,
    })
}

/// Reads what a student sent.
///
/// # Errors
/// The one rule the message broke.
pub fn parse_from_student(text: &str) -> Result<FromStudent, ProtocolError> {
    let (map, kind) = envelope(text, MAX_MESSAGE)?;
    match kind.as_str() {
        "answer" => Ok(FromStudent::Answer {
            at: position(&map, "answer")?,
            answer: text_field(&map, "answer", "answer", MAX_ANSWER)?,
        }),
        "ping" => Ok(FromStudent::Ping),
        "leave" => Ok(FromStudent::Leave),
        other if HUB_TYPES.contains(&other) || NOTES_TYPES.contains(&other) => {
            Err(ProtocolError::NotAllowed(kind))
        }
        _ => Err(ProtocolError::UnknownType(bounded(&kind))),
    }
}

/// Reads what the hub sent.
///
/// # Errors
/// The one rule the message broke.
pub fn parse_from_hub(text: &str) -> Result<FromHub, ProtocolError> {
    let (map, kind) = envelope(text, MAX_FROM_HUB)?;
    match kind.as_str() {
        "welcome" => {
            let at = match map.get("lesson") {
                None | Some(Value::Null) => None,
                Some(_) => Some(position(&map, "welcome")?),
            };
            Ok(FromHub::Welcome {
                token: text_field(&map, "welcome", "token", 64)?,
                name: text_field(&map, "welcome", "name", 4 * super::limits::MAX_NAME_CHARS)?,
                at,
                revealed: map.get("revealed").and_then(Value::as_bool).ok_or(
                    ProtocolError::BadField {
                        kind: "welcome",
                        field: "revealed",
                        expected: "true or false",
                    },
                )?,
            })
        }
        "step" => Ok(FromHub::Step {
            at: position(&map, "step")?,
        }),
        "reveal" => Ok(FromHub::Reveal {
            at: position(&map, "reveal")?,
        }),
        "pong" => Ok(FromHub::Pong),
        "notice" => Ok(FromHub::Notice {
            text: text_field(&map, "notice", "text", 256)?,
        }),
        "room" => {
            let names = map
                .get("names")
                .and_then(Value::as_array)
                .ok_or(ProtocolError::BadField {
                    kind: "room",
                    field: "names",
                    expected: "a list of strings",
                })?
                .iter()
                .filter_map(Value::as_str)
                // Names are neutralised by the hub; a screen neutralises again, since this
                // side cannot know the hub is wslab's.
                .map(super::names::neutralise)
                .collect();
            Ok(FromHub::Room {
                connected: number_field(&map, "room", "connected")?,
                answered: number_field(&map, "room", "answered")?,
                step_ms: map.get("step_ms").and_then(Value::as_u64).ok_or(
                    ProtocolError::BadField {
                        kind: "room",
                        field: "step_ms",
                        expected: "a whole number",
                    },
                )?,
                names,
            })
        }
        other if STUDENT_TYPES.contains(&other) => Err(ProtocolError::NotAllowed(kind)),
        _ => Err(ProtocolError::UnknownType(bounded(&kind))),
    }
}

/// An unknown type, cut so an error never repeats a long string.
fn bounded(kind: &str) -> String {
    if kind.chars().count() <= 32 {
        return super::names::neutralise(kind);
    }
    let cut: String = kind.chars().take(32).collect();
    format!("{}…", super::names::neutralise(&cut))
}

fn with_position(kind: &str, at: &Position) -> Value {
    json!({"v": VERSION, "type": kind, "lesson": at.lesson, "step": at.step, "check": at.check})
}

impl FromStudent {
    /// The message as it goes on the wire.
    pub fn encode(&self) -> String {
        match self {
            Self::Answer { at, answer } => {
                let mut v = with_position("answer", at);
                v["answer"] = json!(answer);
                v.to_string()
            }
            Self::Ping => json!({"v": VERSION, "type": "ping"}).to_string(),
            Self::Leave => json!({"v": VERSION, "type": "leave"}).to_string(),
        }
    }
}

impl FromHub {
    /// The message as it goes on the wire.
    pub fn encode(&self) -> String {
        match self {
            Self::Welcome {
                token,
                name,
                at,
                revealed,
            } => {
                let mut v = match at {
                    Some(at) => with_position("welcome", at),
                    None => json!({"v": VERSION, "type": "welcome"}),
                };
                v["token"] = json!(token);
                v["name"] = json!(name);
                v["revealed"] = json!(revealed);
                v.to_string()
            }
            Self::Step { at } => with_position("step", at).to_string(),
            Self::Reveal { at } => with_position("reveal", at).to_string(),
            Self::Pong => json!({"v": VERSION, "type": "pong"}).to_string(),
            Self::Notice { text } => {
                json!({"v": VERSION, "type": "notice", "text": text}).to_string()
            }
            Self::Room {
                connected,
                answered,
                step_ms,
                names,
            } => json!({"v": VERSION, "type": "room", "connected": connected,
                "answered": answered, "step_ms": step_ms, "names": names})
            .to_string(),
        }
    }
}
