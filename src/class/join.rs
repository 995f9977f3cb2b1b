//! The join URL's query: `?code=K7M2PQ&name=Ada&resume=TOKEN`, percent-encoded
//! (RFC 3986 §2.1), read with bounds, and written by `wslab join`.

use std::fmt::Write as _;

use super::limits::MAX_NAME_BYTES;

/// What a student's upgrade request asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The join code as given.
    pub code: String,
    /// The name as given, not yet neutralised; empty when none was given.
    pub name: String,
    /// The token of an earlier connection, to resume its place.
    pub resume: Option<String>,
    /// The presenter's notes terminal rather than a student: `role=notes`.
    pub notes: bool,
}

/// A join query that breaks a rule, one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    /// No `code=`.
    #[error("the join URL has no code=")]
    NoCode,
    /// A name over [`MAX_NAME_BYTES`].
    #[error("the name is longer than {MAX_NAME_BYTES} bytes")]
    NameTooLong,
    /// A value whose percent-encoding is broken or is not UTF-8.
    #[error("the join URL's {0} is not percent-encoded UTF-8")]
    BadEncoding(&'static str),
    /// The query itself is too long to be a join.
    #[error("the join URL's query is over 512 bytes")]
    TooLong,
}

/// Reads the query of an upgrade request's target (`/class?...`, or the query alone).
///
/// # Errors
/// The rule the query broke.
pub fn parse(target: &str) -> Result<Join, JoinError> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    if query.len() > 512 {
        return Err(JoinError::TooLong);
    }
    let mut join = Join {
        code: String::new(),
        name: String::new(),
        resume: None,
        notes: false,
    };
    let mut code = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "code" => code = Some(decode(value).ok_or(JoinError::BadEncoding("code"))?),
            "name" => {
                let name = decode(value).ok_or(JoinError::BadEncoding("name"))?;
                if name.len() > MAX_NAME_BYTES {
                    return Err(JoinError::NameTooLong);
                }
                join.name = name;
            }
            "resume" => {
                join.resume = Some(decode(value).ok_or(JoinError::BadEncoding("resume"))?);
            }
            "role" => join.notes = value == "notes",
            _ => {}
        }
    }
    join.code = code.ok_or(JoinError::NoCode)?;
    Ok(join)
}

/// The query `wslab join` sends.
pub fn query(code: &str, name: &str, resume: Option<&str>, notes: bool) -> String {
    let mut q = format!("code={}", encode(code));
    if !name.is_empty() {
        let _ = write!(q, "&name={}", encode(name));
    }
    if let Some(token) = resume {
        let _ = write!(q, "&resume={}", encode(token));
    }
    if notes {
        q.push_str("&role=notes");
    }
    q
}

/// Percent-encodes all but RFC 3986's unreserved characters (§2.3).
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Percent-decodes (and `+` as a space, as forms write it); `None` when broken or not UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
