//! Negotiating permessage-deflate (RFC 7692 §5, §7.1): reading a client's offers, choosing one
//! as a server, writing the answer, and judging a server's answer as a client. Every broken rule
//! is one [`NegotiationError`] variant with its section.

use std::fmt::Write as _;

use thiserror::Error;

use super::params::{Element, elements};

/// The extension's name in `Sec-WebSocket-Extensions` (RFC 7692 §7).
pub const NAME: &str = "permessage-deflate";

/// An LZ77 window size as its base-2 logarithm, 8 to 15 (RFC 7692 §7.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WindowBits(u8);

impl WindowBits {
    /// The largest window, 32 KiB, and what applies when no parameter limits it.
    pub const MAX: Self = Self(15);
    /// The smallest window the RFC allows, 256 bytes.
    pub const MIN: Self = Self(8);

    /// `bits` if it is 8 to 15.
    pub fn new(bits: u8) -> Option<Self> {
        (8..=15).contains(&bits).then_some(Self(bits))
    }

    /// The logarithm, 8 to 15.
    pub fn get(self) -> u8 {
        self.0
    }

    // The value's grammar (§7.1.2.1, §7.1.2.2): a decimal integer from 8 to 15, no leading zero.
    fn parse(value: &str) -> Option<Self> {
        if value.starts_with('0') || !value.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        value.parse::<u8>().ok().and_then(Self::new)
    }
}

/// The parameters of one permessage-deflate element, offer or answer (RFC 7692 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Params {
    /// §7.1.1.1: the server empties its window after each message.
    pub server_no_context_takeover: bool,
    /// §7.1.1.2: the client empties its window after each message.
    pub client_no_context_takeover: bool,
    /// §7.1.2.1: the largest window the server may compress with.
    pub server_max_window_bits: Option<WindowBits>,
    /// §7.1.2.2: in an offer, `Some(None)` says the client accepts a limit without asking for
    /// one; `Some(Some(n))` also caps its own window. In an answer, always with a value.
    pub client_max_window_bits: Option<Option<WindowBits>>,
}

impl Params {
    /// The element as header text, e.g. `permessage-deflate; server_max_window_bits=10`.
    pub fn header_value(&self) -> String {
        let mut out = NAME.to_owned();
        if self.server_no_context_takeover {
            out.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            out.push_str("; client_no_context_takeover");
        }
        if let Some(bits) = self.server_max_window_bits {
            let _ = write!(out, "; server_max_window_bits={}", bits.get());
        }
        match self.client_max_window_bits {
            Some(Some(bits)) => {
                let _ = write!(out, "; client_max_window_bits={}", bits.get());
            }
            Some(None) => out.push_str("; client_max_window_bits"),
            None => {}
        }
        out
    }
}

/// What a connection agreed: each sender's window and whether it keeps its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreed {
    /// The server compresses each message with an empty window (§7.1.1.1).
    pub server_no_context_takeover: bool,
    /// The client compresses each message with an empty window (§7.1.1.2).
    pub client_no_context_takeover: bool,
    /// The server's window; 15 when the answer does not limit it (§7.1.2.1).
    pub server_max_window_bits: WindowBits,
    /// The client's window; 15 when the answer does not limit it (§7.1.2.2).
    pub client_max_window_bits: WindowBits,
}

impl Agreed {
    /// What an answer's parameters put in force.
    pub fn from_answer(answer: &Params) -> Self {
        Self {
            server_no_context_takeover: answer.server_no_context_takeover,
            client_no_context_takeover: answer.client_no_context_takeover,
            server_max_window_bits: answer.server_max_window_bits.unwrap_or(WindowBits::MAX),
            client_max_window_bits: answer
                .client_max_window_bits
                .flatten()
                .unwrap_or(WindowBits::MAX),
        }
    }
}

/// A rule of RFC 7692 that an offer or an answer breaks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NegotiationError {
    /// §5.1: only the four parameters of §7.1 are defined.
    #[error(
        "{name} is not a parameter of permessage-deflate; an element with one must be declined (RFC 7692 §5.1, §7.1)"
    )]
    UnknownParameter {
        /// The parameter as sent.
        name: String,
    },
    /// §5.1: a parameter may appear once.
    #[error(
        "{name} appears more than once; an element that repeats a parameter must be declined (RFC 7692 §5.1)"
    )]
    DuplicateParameter {
        /// The repeated parameter.
        name: &'static str,
    },
    /// §7.1.1.1, §7.1.1.2: the context takeover parameters have no value.
    #[error("{name} has a value, but it is a parameter without one (RFC 7692 §7.1.1)")]
    ValueOnValueless {
        /// The parameter.
        name: &'static str,
    },
    /// §7.1.2.1 (an offer's `server_max_window_bits`), §7.1.2.2 (an answer's
    /// `client_max_window_bits`).
    #[error("{name} has no value here, but it needs one from 8 to 15 (RFC 7692 §7.1.2)")]
    MissingValue {
        /// The parameter.
        name: &'static str,
    },
    /// §7.1.2.1, §7.1.2.2: a decimal integer from 8 to 15 without a leading zero.
    #[error(
        "{name}={value:?} is not a window size: it must be a whole number from 8 to 15, without a leading zero (RFC 7692 §7.1.2)"
    )]
    BadWindowBits {
        /// The parameter.
        name: &'static str,
        /// The value as sent.
        value: String,
    },
    /// §7.1.2.2: a server may answer `client_max_window_bits` only to an offer that has it.
    #[error(
        "the server answered client_max_window_bits, but the client did not offer it; the client must fail the connection (RFC 7692 §7.1.2.2)"
    )]
    ClientWindowNotOffered,
    /// §7.1.2.1: the server's window may only be the one asked for or smaller.
    #[error(
        "the server answered server_max_window_bits={answered}, larger than the {offered} the client asked for (RFC 7692 §7.1.2.1)"
    )]
    ServerWindowAboveOffer {
        /// What the client asked for.
        offered: u8,
        /// What the server answered.
        answered: u8,
    },
    /// §7.1.1.1: a client that asked for `server_no_context_takeover` needs it in the answer.
    #[error(
        "the client asked for server_no_context_takeover, but the answer leaves it out (RFC 7692 §7.1.1.1)"
    )]
    ServerTakeoverNotAccepted,
    /// §5.1 with RFC 6455 §9.1: an answer accepts at most one offer.
    #[error(
        "the answer names permessage-deflate more than once; it may accept one offer only (RFC 7692 §5.1)"
    )]
    AcceptedTwice,
    /// RFC 6455 §9.1: a server may answer only with an extension the client offered.
    #[error("the answer names permessage-deflate, which the client did not offer (RFC 6455 §9.1)")]
    NotOffered,
    /// What a person asked to offer is not one permessage-deflate element (RFC 7692 §7).
    #[error(
        "{text:?} is not one permessage-deflate offer: give its parameters separated by ';' (RFC 7692 §7)"
    )]
    NotOneOffer {
        /// The text given.
        text: String,
    },
}

impl NegotiationError {
    /// The section of RFC 7692 (or RFC 6455, for [`Self::NotOffered`]) that states the rule.
    pub fn section(&self) -> &'static str {
        match self {
            Self::UnknownParameter { .. }
            | Self::DuplicateParameter { .. }
            | Self::AcceptedTwice => "5.1",
            Self::ValueOnValueless { .. } => "7.1.1",
            Self::MissingValue { .. } | Self::BadWindowBits { .. } => "7.1.2",
            Self::ClientWindowNotOffered => "7.1.2.2",
            Self::ServerWindowAboveOffer { .. } => "7.1.2.1",
            Self::ServerTakeoverNotAccepted => "7.1.1.1",
            Self::NotOffered => "RFC 6455 9.1",
            Self::NotOneOffer { .. } => "7",
        }
    }
}

// Which side wrote the element: the grammar differs for the window parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Offer,
    Answer,
}

const SERVER_NCT: &str = "server_no_context_takeover";
const CLIENT_NCT: &str = "client_no_context_takeover";
const SERVER_BITS: &str = "server_max_window_bits";
const CLIENT_BITS: &str = "client_max_window_bits";

fn read(element: &Element, role: Role) -> Result<Params, NegotiationError> {
    let mut params = Params::default();
    let mut seen: Vec<&'static str> = Vec::new();
    for (key, value) in &element.params {
        let name = [SERVER_NCT, CLIENT_NCT, SERVER_BITS, CLIENT_BITS]
            .into_iter()
            .find(|n| key.eq_ignore_ascii_case(n))
            .ok_or_else(|| NegotiationError::UnknownParameter { name: key.clone() })?;
        if seen.contains(&name) {
            return Err(NegotiationError::DuplicateParameter { name });
        }
        seen.push(name);
        let bits = |value: &Option<String>| -> Result<Option<WindowBits>, NegotiationError> {
            value
                .as_deref()
                .map(|v| {
                    WindowBits::parse(v).ok_or_else(|| NegotiationError::BadWindowBits {
                        name,
                        value: v.to_owned(),
                    })
                })
                .transpose()
        };
        match name {
            SERVER_NCT | CLIENT_NCT if value.is_some() => {
                return Err(NegotiationError::ValueOnValueless { name });
            }
            SERVER_NCT => params.server_no_context_takeover = true,
            CLIENT_NCT => params.client_no_context_takeover = true,
            SERVER_BITS => {
                let bits = bits(value)?.ok_or(NegotiationError::MissingValue { name })?;
                params.server_max_window_bits = Some(bits);
            }
            _ => {
                let bits = bits(value)?;
                if role == Role::Answer && bits.is_none() {
                    return Err(NegotiationError::MissingValue { name });
                }
                params.client_max_window_bits = Some(bits);
            }
        }
    }
    Ok(params)
}

/// The offer a person asks for by its parameters, such as
/// `server_no_context_takeover; client_max_window_bits=10` (empty for none), as the
/// Sec-WebSocket-Extensions value to send and what it asks for, checked by the rules an offer
/// follows. Text that already starts with the extension's name is taken as the whole offer.
///
/// # Errors
/// The rule the offer would break, or [`NegotiationError::NotOneOffer`].
pub fn offer(params: &str) -> Result<(String, Params), NegotiationError> {
    let params = params.trim();
    let text = if params.is_empty() {
        NAME.to_owned()
    } else if params.to_ascii_lowercase().starts_with(NAME) {
        params.to_owned()
    } else {
        format!("{NAME}; {params}")
    };
    let mut found = offers([text.as_str()]).into_iter();
    match (found.next(), found.next()) {
        (Some(read), None) => read.map(|p| (text, p)),
        _ => Err(NegotiationError::NotOneOffer { text }),
    }
}

/// A client's permessage-deflate offers, in order, each read or found wanting. Other
/// extensions are left out.
pub fn offers<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Vec<Result<Params, NegotiationError>> {
    elements(values)
        .iter()
        .filter(|e| e.name.eq_ignore_ascii_case(NAME))
        .map(|e| read(e, Role::Offer))
        .collect()
}

/// A server's choice among a client's offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The accepted offer's position among the permessage-deflate offers, and the answer.
    pub accepted: Option<(usize, Params)>,
    /// The offers declined before it, by position, with the rule each broke.
    pub declined: Vec<(usize, NegotiationError)>,
}

impl Choice {
    /// What the answer puts in force, if an offer was accepted.
    pub fn agreed(&self) -> Option<Agreed> {
        self.accepted
            .as_ref()
            .map(|(_, answer)| Agreed::from_answer(answer))
    }
}

/// As a server: the first offer that follows the rules is accepted (RFC 7692 §5.1 lets a
/// server decline any, and leaves the choice among valid ones to it), answered with what it
/// asked for: each context takeover parameter it named, the server window it asked for, and
/// the client window it capped itself to. An invalid offer is declined and the next one tried
/// (§5.1); when none is left, the answer leaves the extension out.
pub fn choose<'a>(values: impl IntoIterator<Item = &'a str>) -> Choice {
    let mut choice = Choice {
        accepted: None,
        declined: Vec::new(),
    };
    for (at, offer) in offers(values).into_iter().enumerate() {
        match offer {
            Ok(offer) => {
                let answer = Params {
                    client_max_window_bits: offer.client_max_window_bits.flatten().map(Some),
                    ..offer
                };
                choice.accepted = Some((at, answer));
                break;
            }
            Err(why) => choice.declined.push((at, why)),
        }
    }
    choice
}

/// As a client that sent `offered`: what the server's `Sec-WebSocket-Extensions` values
/// agreed, `None` when they decline, or the rule they break, for which the client must fail
/// the connection (§5.1). When several offers were sent, the answer must fit one of them; the
/// first offer's complaint is reported when it fits none.
///
/// # Errors
/// The rule of RFC 7692 the answer breaks.
pub fn check_answer<'a>(
    offered: &[Params],
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Option<Agreed>, NegotiationError> {
    let found: Vec<Element> = elements(values)
        .into_iter()
        .filter(|e| e.name.eq_ignore_ascii_case(NAME))
        .collect();
    let answer = match found.as_slice() {
        [] => return Ok(None),
        [one] => read(one, Role::Answer)?,
        _ => return Err(NegotiationError::AcceptedTwice),
    };
    let mut first_error = None;
    for offer in offered {
        match fits(*offer, answer) {
            Ok(()) => return Ok(Some(Agreed::from_answer(&answer))),
            Err(why) => {
                first_error.get_or_insert(why);
            }
        }
    }
    Err(first_error.unwrap_or(NegotiationError::NotOffered))
}

// Whether `answer` may accept `offer` (§7.1.1.1, §7.1.2.1, §7.1.2.2). A server may add
// client_no_context_takeover, server_no_context_takeover and server_max_window_bits unasked.
fn fits(offer: Params, answer: Params) -> Result<(), NegotiationError> {
    if offer.server_no_context_takeover && !answer.server_no_context_takeover {
        return Err(NegotiationError::ServerTakeoverNotAccepted);
    }
    if answer.client_max_window_bits.is_some() && offer.client_max_window_bits.is_none() {
        return Err(NegotiationError::ClientWindowNotOffered);
    }
    if let (Some(offered), Some(answered)) =
        (offer.server_max_window_bits, answer.server_max_window_bits)
        && answered > offered
    {
        return Err(NegotiationError::ServerWindowAboveOffer {
            offered: offered.get(),
            answered: answered.get(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "negotiate_tests.rs"]
mod tests;
