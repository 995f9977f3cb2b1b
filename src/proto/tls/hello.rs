//! What a wire observer reads in the two hellos, the only TLS 1.3 handshake messages sent in
//! clear: the server name, the application protocols, the versions and cipher suites.

use std::ops::Range;

use super::names::{cipher_suite_name, version_name};
use super::spanned::Spanned;

/// What the random of a `ServerHello` is when it is really a `HelloRetryRequest`: SHA-256 of
/// "`HelloRetryRequest`" (RFC 8446 §4.1.3).
const HELLO_RETRY_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

const SERVER_NAME: u16 = 0;
const ALPN: u16 = 16;
const SUPPORTED_VERSIONS: u16 = 43;

/// What a `ClientHello` shows anyone on the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// The legacy version, 0x0303 in TLS 1.3 (see `version_name`).
    pub legacy_version: Spanned<u16>,
    /// How many cipher suites are offered, with the span of the whole list.
    pub cipher_suites: Spanned<usize>,
    /// The host name from the `server_name` extension (0): which site this is for, in clear.
    pub server_name: Option<Spanned<String>>,
    /// The protocols from the ALPN extension (16), e.g. "http/1.1".
    pub alpn: Vec<Spanned<String>>,
    /// The versions from the `supported_versions` extension (43); 0x0304 offers TLS 1.3.
    pub supported_versions: Vec<Spanned<u16>>,
    /// Every extension's type, in order, spanning its type and length bytes.
    pub extensions: Vec<Spanned<u16>>,
}

/// What a `ServerHello` shows anyone on the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// The legacy version, 0x0303 in TLS 1.3.
    pub legacy_version: Spanned<u16>,
    /// Whether this is a `HelloRetryRequest`: the server asks for another `ClientHello`.
    pub hello_retry_request: bool,
    /// The chosen cipher suite.
    pub cipher_suite: Spanned<u16>,
    /// The version chosen in `supported_versions` (43); 0x0304 is TLS 1.3. Absent in TLS 1.2.
    pub selected_version: Option<Spanned<u16>>,
}

impl ServerHello {
    /// The chosen cipher suite's name.
    pub fn cipher_suite_name(&self) -> &'static str {
        cipher_suite_name(self.cipher_suite.value)
    }

    /// The negotiated version's name: the selected version if present, else the legacy one.
    pub fn version_name(&self) -> &'static str {
        version_name(
            self.selected_version
                .as_ref()
                .map_or(self.legacy_version.value, |v| v.value),
        )
    }
}

/// Maps positions in a reassembled handshake message to stream offsets: one entry per
/// contiguous run of bytes, so one per record the message spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Segments(Vec<(usize, u64)>);

impl Segments {
    /// Notes that message byte `at` arrived at stream offset `offset`.
    pub(crate) fn arrived(&mut self, at: usize, offset: u64) {
        if self.offset_of(at) != Some(offset) {
            self.0.push((at, offset));
        }
    }

    fn offset_of(&self, at: usize) -> Option<u64> {
        let &(start, offset) = self.0.iter().rev().find(|(start, _)| *start <= at)?;
        Some(offset + (at - start) as u64)
    }

    /// The stream span of message bytes `range`.
    pub(crate) fn span(&self, range: Range<usize>) -> Range<u64> {
        let start = self.offset_of(range.start).unwrap_or(0);
        if range.end <= range.start {
            return start..start;
        }
        let end = self.offset_of(range.end - 1).map_or(start, |o| o + 1);
        start..end
    }
}

// A cursor over a message; every read says which field it was for, so that a short message
// is reported by the field it ends in.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

type Parse<T> = Result<T, &'static str>;

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Parse<(&'a [u8], Range<usize>)> {
        let end = self.at.checked_add(n).ok_or(field)?;
        let bytes = self.bytes.get(self.at..end).ok_or(field)?;
        let range = self.at..end;
        self.at = end;
        Ok((bytes, range))
    }

    fn u8(&mut self, field: &'static str) -> Parse<u8> {
        Ok(self.take(1, field)?.0[0])
    }

    fn u16(&mut self, field: &'static str) -> Parse<(u16, Range<usize>)> {
        let (b, range) = self.take(2, field)?;
        Ok((u16::from_be_bytes([b[0], b[1]]), range))
    }

    // A vector with a 1- or 2-byte length prefix, as a reader of its own.
    fn vector(&mut self, prefix: usize, field: &'static str) -> Parse<(Reader<'a>, Range<usize>)> {
        let len = if prefix == 1 {
            usize::from(self.u8(field)?)
        } else {
            usize::from(self.u16(field)?.0)
        };
        let start = self.at;
        let (_, range) = self.take(len, field)?;
        Ok((
            Reader {
                bytes: &self.bytes[..range.end],
                at: start,
            },
            range,
        ))
    }

    fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

/// Reads a `ClientHello` from its whole message, 4-byte header included.
pub(crate) fn client_hello(message: &[u8], map: &Segments) -> Parse<ClientHello> {
    let mut r = Reader {
        bytes: message,
        at: 4,
    };
    let (version, version_at) = r.u16("legacy_version")?;
    r.take(32, "random")?;
    r.vector(1, "legacy_session_id")?;
    let (_, suites_at) = r.vector(2, "cipher_suites")?;
    r.vector(1, "legacy_compression_methods")?;
    let mut hello = ClientHello {
        legacy_version: spanned(version, version_at, map),
        cipher_suites: spanned(suites_at.len() / 2, suites_at, map),
        server_name: None,
        alpn: Vec::new(),
        supported_versions: Vec::new(),
        extensions: Vec::new(),
    };
    // TLS 1.2 allows a hello with no extensions at all.
    if r.is_empty() {
        return Ok(hello);
    }
    let (mut extensions, _) = r.vector(2, "extensions")?;
    while !extensions.is_empty() {
        let (kind, kind_at) = extensions.u16("extensions")?;
        let (mut body, body_at) = extensions.vector(2, "extensions")?;
        hello
            .extensions
            .push(spanned(kind, kind_at.start..body_at.start, map));
        match kind {
            SERVER_NAME => hello.server_name = server_name(&mut body, map)?,
            ALPN => hello.alpn = alpn(&mut body, map)?,
            SUPPORTED_VERSIONS => {
                let (mut list, _) = body.vector(1, "supported_versions")?;
                while !list.is_empty() {
                    let (v, at) = list.u16("supported_versions")?;
                    hello.supported_versions.push(spanned(v, at, map));
                }
            }
            _ => {}
        }
    }
    Ok(hello)
}

fn server_name(body: &mut Reader<'_>, map: &Segments) -> Parse<Option<Spanned<String>>> {
    let (mut list, _) = body.vector(2, "server_name")?;
    while !list.is_empty() {
        let kind = list.u8("server_name")?;
        let (name, at) = list.vector(2, "server_name")?;
        // 0 is host_name, the only type ever defined (RFC 6066 §3).
        if kind == 0 {
            let text = String::from_utf8_lossy(&name.bytes[at.clone()]).into_owned();
            return Ok(Some(spanned(text, at, map)));
        }
    }
    Ok(None)
}

fn alpn(body: &mut Reader<'_>, map: &Segments) -> Parse<Vec<Spanned<String>>> {
    let (mut list, _) = body.vector(2, "application_layer_protocol_negotiation")?;
    let mut out = Vec::new();
    while !list.is_empty() {
        let (name, at) = list.vector(1, "application_layer_protocol_negotiation")?;
        let text = String::from_utf8_lossy(&name.bytes[at.clone()]).into_owned();
        out.push(spanned(text, at, map));
    }
    Ok(out)
}

/// Reads a `ServerHello` (or `HelloRetryRequest`) from its whole message, header included.
pub(crate) fn server_hello(message: &[u8], map: &Segments) -> Parse<ServerHello> {
    let mut r = Reader {
        bytes: message,
        at: 4,
    };
    let (version, version_at) = r.u16("legacy_version")?;
    let (random, _) = r.take(32, "random")?;
    r.vector(1, "legacy_session_id_echo")?;
    let (suite, suite_at) = r.u16("cipher_suite")?;
    r.u8("legacy_compression_method")?;
    let mut hello = ServerHello {
        legacy_version: spanned(version, version_at, map),
        hello_retry_request: random == HELLO_RETRY_RANDOM,
        cipher_suite: spanned(suite, suite_at, map),
        selected_version: None,
    };
    if r.is_empty() {
        return Ok(hello);
    }
    let (mut extensions, _) = r.vector(2, "extensions")?;
    while !extensions.is_empty() {
        let (kind, _) = extensions.u16("extensions")?;
        let (mut body, _) = extensions.vector(2, "extensions")?;
        if kind == SUPPORTED_VERSIONS {
            let (v, at) = body.u16("supported_versions")?;
            hello.selected_version = Some(spanned(v, at, map));
        }
    }
    Ok(hello)
}

fn spanned<T>(value: T, at: Range<usize>, map: &Segments) -> Spanned<T> {
    Spanned {
        value,
        span: map.span(at),
    }
}
