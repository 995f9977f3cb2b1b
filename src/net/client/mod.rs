//! The WebSocket client: tokio-tungstenite over a tapped TCP stream. Frames whose bytes must be
//! reproducible (a pinned masking key) or wrong on purpose (unmasked) are encoded by `proto`
//! and written as they are, under the library, through the same tap.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt as _;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};

mod error;
mod head;
mod messages;
mod own;
mod socket;

pub use error::ClientError;
pub use messages::{Outgoing, app_message};
use messages::{fragment_frames, raw_fragments};
use socket::Ws;

use super::recorder::Recorder;
use super::session_stream::SessionStream;
use super::tap::{End, Tap};
use super::tcp::{self, TappedTcp};
use super::tls::Stream;
use super::tls::{self, TlsOptions};
use super::url::WsUrl;
use crate::capture::ConnId;
use crate::capture::selfcheck::Delivered;
use crate::proto::OpCode;
use crate::proto::deflate::{Params, offers};
use crate::proto::encode::{FrameSpec, encode};
use crate::proto::session::Session;

/// The largest message or frame the client accepts: far beyond any lesson, small enough that a
/// hostile server cannot exhaust memory.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;

/// How the client masks its frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Masking {
    /// The library picks a fresh random key per frame, as RFC 6455 §5.3 asks.
    #[default]
    Library,
    /// Every frame [`WsClient::send`] writes uses this key, so the bytes repeat run after run.
    /// The close frame and automatic pongs are the library's, with fresh keys: writing them
    /// raw would leave the library unaware that the connection is closing.
    Pinned([u8; 4]),
    /// Frames go out unmasked, breaking §5.1 on purpose.
    Unmasked,
}

/// What to ask for in the handshake.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// A pinned Sec-WebSocket-Key; `None` lets the library pick a random one.
    pub key: Option<String>,
    /// Extra request headers, in order. A header the handshake sets itself is replaced.
    pub headers: Vec<(String, String)>,
    /// Subprotocols to offer, in order of preference.
    pub protocols: Vec<String>,
    /// How long to wait for the connection and the handshake.
    pub timeout: Duration,
    /// How long [`WsClient::recv`] waits for the next message, or `None` to wait as long as
    /// the connection stays open: an open, idle WebSocket is legitimate (RFC 6455 sets no
    /// idle limit), so only a scripted run that expects replies bounds the wait.
    pub reply_timeout: Option<Duration>,
    /// How frames are masked.
    pub masking: Masking,
    /// The connection's label in the transcript.
    pub label: String,
    /// Whom to trust and where to log keys, for wss:// URLs.
    pub tls: TlsOptions,
    /// A permessage-deflate offer (RFC 7692), as the Sec-WebSocket-Extensions value to send:
    /// then wslab's own session speaks the connection, since tungstenite cannot compress.
    pub deflate: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            key: None,
            headers: Vec::new(),
            protocols: Vec::new(),
            timeout: Duration::from_secs(10),
            reply_timeout: Some(Duration::from_secs(10)),
            masking: Masking::Library,
            label: "client".into(),
            tls: TlsOptions::default(),
            deflate: None,
        }
    }
}

/// A connected WebSocket client.
pub struct WsClient {
    ws: Ws,
    conn: Option<ConnId>,
    timeout: Duration,
    reply_timeout: Option<Duration>,
    masking: Masking,
    delivered: Delivered,
    protocol: Option<String>,
    recorder: Recorder,
    closed_by_us: bool,
    /// Whether the server's close frame arrived: without it, the connection did not close
    /// cleanly, whoever dropped TCP (§7.1.5).
    close_received: bool,
    /// Extensions the server accepted that wslab does not speak: their reserved bits are the
    /// client's own doing, never the server's fault.
    unspoken: Vec<String>,
}

impl std::fmt::Debug for WsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsClient")
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

/// Finds the addresses a URL's host names, in the order the resolver gives them.
///
/// # Errors
/// [`ClientError::Resolve`] when the name does not resolve.
pub async fn resolve(url: &WsUrl) -> Result<Vec<SocketAddr>, ClientError> {
    let found = tokio::net::lookup_host((url.host.as_str(), url.port))
        .await
        .map_err(|e| ClientError::Resolve {
            host: url.host.clone(),
            detail: e.to_string(),
        })?;
    let addrs: Vec<SocketAddr> = found.collect();
    if addrs.is_empty() {
        return Err(ClientError::Resolve {
            host: url.host.clone(),
            detail: "no addresses".into(),
        });
    }
    Ok(addrs)
}

/// Opens a tapped connection to the URL's host, TLS included for wss://, with no handshake:
/// for a caller that writes its own opening request (the grader).
///
/// # Errors
/// The [`ClientError`] of a name that does not resolve, a refused or timed-out connection,
/// or a TLS failure.
pub async fn open(
    url: &WsUrl,
    recorder: &Recorder,
    options: &ClientOptions,
) -> Result<TappedTcp, ClientError> {
    let addrs = resolve(url).await?;
    let tls = if url.secure {
        Some((options.tls.client_config()?, url.host.as_str()))
    } else {
        None
    };
    connect_any(&addrs, recorder, options, tls).await
}

impl WsClient {
    /// Connects and performs the opening handshake, everything recorded by `recorder`.
    ///
    /// # Errors
    /// A [`ClientError`] that says in one sentence what went wrong: refused, timed out, not
    /// HTTP, rejected, or a handshake that breaks a rule.
    pub async fn connect(
        url: &WsUrl,
        recorder: &Recorder,
        options: &ClientOptions,
    ) -> Result<Self, ClientError> {
        let addrs = resolve(url).await?;
        let tls = if url.secure {
            Some((options.tls.client_config()?, url.host.as_str()))
        } else {
            None
        };
        let stream = connect_any(&addrs, recorder, options, tls).await?;
        let conn = stream.conn();
        let head = head::request_head(url, options)?;
        let mut offered: Vec<Params> = offers(options.deflate.as_deref())
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| ClientError::BadRequest {
                detail: e.to_string(),
            })?;
        // permessage-deflate offered by --header is honoured as --deflate's is: the server
        // that accepts it is right to compress. An offer that breaks RFC 7692 goes out as
        // typed, and a server must decline it (§5.1), so only the valid ones can be agreed.
        let typed = options
            .headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("sec-websocket-extensions"))
            .map(|(_, value)| value.as_str());
        offered.extend(offers(typed).into_iter().filter_map(Result::ok));
        let opened =
            own::handshake(stream, &head, &offered, recorder, conn, options.timeout).await?;
        // tokio-tungstenite rejected a 101 without a subprotocol when some were offered; RFC
        // 6455 §4.1 leaves that to the client, and wslab keeps the choice it always made.
        if !options.protocols.is_empty() && opened.protocol.is_none() {
            return Err(ClientError::NoSubprotocol);
        }
        let protocol = opened.protocol;
        let unspoken = opened.unspoken;
        let ws = if offered.is_empty() {
            let config = WebSocketConfig::default()
                .max_message_size(Some(MAX_MESSAGE))
                .max_frame_size(Some(MAX_MESSAGE));
            let ws = WebSocketStream::from_partially_read(
                opened.stream,
                opened.rest,
                Role::Client,
                Some(config),
            )
            .await;
            Ws::Library(Box::new(ws))
        } else {
            let session = Session::client(opened.agreed, MAX_MESSAGE, fresh_mask);
            Ws::Own(Box::new(SessionStream::with_read(
                opened.stream,
                session,
                &opened.rest,
            )))
        };
        Ok(Self {
            ws,
            conn,
            timeout: options.timeout,
            reply_timeout: options.reply_timeout,
            masking: options.masking,
            delivered: Delivered::default(),
            protocol,
            recorder: recorder.clone(),
            closed_by_us: false,
            close_received: false,
            unspoken,
        })
    }

    /// The connection's id in the transcript.
    pub fn conn(&self) -> Option<ConnId> {
        self.conn
    }

    /// For wss://, the TLS version and cipher suite agreed, as code points.
    pub fn tls_agreed(&self) -> Option<(u16, u16)> {
        self.ws.tcp().get_ref().agreed()
    }

    /// The subprotocol the server chose, if any.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// The messages the library delivered, in order: what the self-check compares.
    pub fn delivered(&self) -> &Delivered {
        &self.delivered
    }

    /// Sends one thing.
    ///
    /// # Errors
    /// When the connection fails while writing.
    pub async fn send(&mut self, outgoing: Outgoing) -> Result<(), ClientError> {
        let sent = self.send_one(outgoing).await;
        // A reset met while writing ends the connection as one met while reading does:
        // without a close frame, which is never a success (§7.1.5).
        match sent {
            Err(ClientError::Reset) if !self.closed_by_us && !self.close_received => {
                Err(ClientError::Abnormal {
                    how: "reset",
                    when: self.where_it_ended(),
                })
            }
            other => other,
        }
    }

    async fn send_one(&mut self, outgoing: Outgoing) -> Result<(), ClientError> {
        match outgoing {
            Outgoing::Close { code, reason } => return self.close(code, &reason).await,
            // The library never sees these bytes: it could not write a frame that breaks its
            // rules, and would refuse to.
            Outgoing::Raw(bytes) => return self.write_raw(&bytes).await,
            _ => {}
        }
        let fragments = matches!(
            outgoing,
            Outgoing::Fragments { .. } | Outgoing::FragmentsWithPing { .. }
        );
        match self.masking {
            // The session sends whole messages; fragments it leaves to raw frames, each with a
            // fresh key as the library would give it (§5.3), uncompressed (RFC 7692 §6 lets any
            // message go so).
            Masking::Library if fragments && self.ws.is_own() => {
                self.send_raw(outgoing, &|| Some(fresh_mask())).await
            }
            Masking::Library => self.send_with_library(outgoing).await,
            Masking::Pinned(key) => self.send_raw(outgoing, &|| Some(key)).await,
            Masking::Unmasked => self.send_raw(outgoing, &|| None).await,
        }
    }

    async fn send_with_library(&mut self, outgoing: Outgoing) -> Result<(), ClientError> {
        let frames: Vec<Message> = match outgoing {
            Outgoing::Text(text) => vec![Message::text(text)],
            Outgoing::Binary(data) => vec![Message::Binary(data)],
            Outgoing::Ping(data) => vec![Message::Ping(data)],
            Outgoing::Pong(data) => vec![Message::Pong(data)],
            Outgoing::Fragments { opcode, parts } => fragment_frames(opcode, parts, None),
            Outgoing::FragmentsWithPing {
                opcode,
                parts,
                after,
                ping,
            } => fragment_frames(opcode, parts, Some(&(after, ping))),
            // Sent by `send` itself: the close through the library's, raw bytes as they are.
            Outgoing::Close { .. } | Outgoing::Raw(_) => Vec::new(),
        };
        for message in frames {
            self.ws
                .feed(message)
                .await
                .map_err(ClientError::from_send)?;
        }
        self.ws.flush().await.map_err(ClientError::from_send)
    }

    async fn send_raw(
        &mut self,
        outgoing: Outgoing,
        mask: &(dyn Fn() -> Option<[u8; 4]> + Sync),
    ) -> Result<(), ClientError> {
        let mut bytes = Vec::new();
        let mut put = |opcode: OpCode, fin: bool, payload: &[u8]| {
            bytes.extend(encode(FrameSpec::new(opcode, mask()).fin(fin), payload));
        };
        match &outgoing {
            Outgoing::Text(text) => put(OpCode::Text, true, text.as_bytes()),
            Outgoing::Binary(data) => put(OpCode::Binary, true, data),
            Outgoing::Ping(data) => put(OpCode::Ping, true, data),
            Outgoing::Pong(data) => put(OpCode::Pong, true, data),
            Outgoing::Fragments { opcode, parts } => raw_fragments(&mut put, *opcode, parts, None),
            Outgoing::FragmentsWithPing {
                opcode,
                parts,
                after,
                ping,
            } => raw_fragments(&mut put, *opcode, parts, Some((*after, ping))),
            // Sent by `send` itself: the close through the library's, raw bytes as they are.
            Outgoing::Close { .. } | Outgoing::Raw(_) => {}
        }
        self.write_raw(&bytes).await
    }

    /// Writes `bytes` on the tapped socket under the library, exactly as they are.
    async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), ClientError> {
        // Anything the library queued (an automatic pong) leaves first, so frames never
        // interleave mid-frame.
        self.ws.flush().await.map_err(ClientError::from_send)?;
        let stream = self.ws.tcp_mut();
        stream
            .write_all(bytes)
            .await
            .map_err(|e| ClientError::from_io(&e))?;
        stream.flush().await.map_err(|e| ClientError::from_io(&e))
    }

    /// Waits for the next message from the server, up to the reply timeout if there is one.
    ///
    /// # Errors
    /// A timeout, or the server breaking the protocol or the connection.
    pub async fn recv(&mut self) -> Result<Option<Message>, ClientError> {
        self.recv_within(self.reply_timeout).await
    }

    /// Waits for the next message, up to `limit` instead of the reply timeout. Only the wait
    /// for bytes is bounded: a close frame that answers a broken rule is never cut off
    /// half-written, as a timeout around [`WsClient::recv`] could.
    ///
    /// # Errors
    /// As [`WsClient::recv`]: [`ClientError::ReplyTimeout`] once `limit` has passed.
    pub async fn recv_within(
        &mut self,
        limit: Option<Duration>,
    ) -> Result<Option<Message>, ClientError> {
        let next = match limit {
            None => Ok(self.ws.next().await),
            Some(limit) => tokio::time::timeout(limit, self.ws.next())
                .await
                .map_err(|_| limit.as_secs_f64()),
        };
        match next {
            Err(secs) => Err(ClientError::ReplyTimeout { secs }),
            // wslab's own session tells the end of TCP as the end of the stream, whenever it
            // comes: before any close frame, that is an abnormal ending (§7.1.5).
            Ok(None) if !self.closed_by_us && !self.close_received => Err(ClientError::Abnormal {
                how: "closed",
                when: self.where_it_ended(),
            }),
            Ok(None) => Ok(None),
            Ok(Some(Err(error))) => {
                // The session has already sent its close, with the rule in its reason.
                if let Some(why) = self.ws.failure() {
                    return Err(ClientError::Protocol {
                        detail: why.to_owned(),
                    });
                }
                let closing = self.closed_by_us;
                self.fail(&error).await;
                self.read_error(error, closing)
            }
            Ok(Some(Ok(message))) => {
                self.close_received |= matches!(message, Message::Close(_));
                if let Some(app) = app_message(&message) {
                    self.delivered.push(app);
                }
                Ok(Some(message))
            }
        }
    }

    /// RFC 6455 §7.1.7: an endpoint that fails the connection for a broken rule sends a close
    /// frame saying which kind first, 1002 for the protocol, 1007 for text that is not UTF-8,
    /// 1009 for too big. tungstenite reports the error and leaves the frame to its user; a
    /// connection already gone cannot take it, and that is no further error.
    async fn fail(&mut self, error: &tungstenite::Error) {
        use tungstenite::error::ProtocolError;
        let code = match error {
            tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => return,
            // §7.4.1: 1003 is data an endpoint cannot accept; the bits are the accepted
            // extension's, so 1002 (a protocol error) would blame the server wrongly.
            tungstenite::Error::Protocol(ProtocolError::NonZeroReservedBits)
                if !self.unspoken.is_empty() =>
            {
                1003
            }
            tungstenite::Error::Protocol(_) => 1002,
            // A length past 2^63 is too big for tungstenite before it is a broken rule (§5.2):
            // the rule decides the code, 1002.
            tungstenite::Error::Capacity(_) if self.header_breaks_a_rule() => 1002,
            tungstenite::Error::Utf8(_) => 1007,
            tungstenite::Error::Capacity(_) => 1009,
            _ => return,
        };
        if self.closed_by_us {
            return;
        }
        self.closed_by_us = true;
        let frame = CloseFrame {
            code: code.into(),
            reason: "".into(),
        };
        let _ = tokio::time::timeout(self.timeout, self.ws.close(Some(frame))).await;
    }

    /// A read error as the user sees it; `closing` says whether we had begun to close, when
    /// the peer hanging up is the expected end.
    fn read_error(
        &self,
        error: tungstenite::Error,
        closing: bool,
    ) -> Result<Option<Message>, ClientError> {
        if matches!(
            error,
            tungstenite::Error::Protocol(tungstenite::error::ProtocolError::NonZeroReservedBits)
        ) && !self.unspoken.is_empty()
        {
            return Err(ClientError::Unspoken {
                extensions: self.unspoken.join(", "),
            });
        }
        let ended = match &error {
            tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            ) => Some("closed"),
            tungstenite::Error::Io(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
                ) =>
            {
                Some("reset")
            }
            _ => None,
        };
        if let Some(how) = ended
            && !closing
            && !self.close_received
        {
            return Err(ClientError::Abnormal {
                how,
                when: self.where_it_ended(),
            });
        }
        // A length past 2^63 is too big before it is a broken rule; the rule is what to say.
        if matches!(error, tungstenite::Error::Capacity(_)) && self.header_breaks_a_rule() {
            return Err(ClientError::Protocol {
                detail: self.broken_rule().unwrap_or_default(),
            });
        }
        match ClientError::from_read(error, closing) {
            None => Ok(None),
            // The capture names the rule in RFC terms; the library's words are the fallback.
            Some(ClientError::Protocol { detail }) => Err(ClientError::Protocol {
                detail: self.broken_rule().unwrap_or(detail),
            }),
            Some(error) => Err(error),
        }
    }

    /// The first rule the server's captured frames break, as a sentence with its section: the
    /// whole frames', then those of a frame still arriving (a header whose length alone
    /// breaks a rule is refused before its payload comes).
    fn broken_rule(&self) -> Option<String> {
        let conn = self.conn?;
        self.recorder.read(|t| {
            let flow = t.connection(conn)?.responses();
            let stopped = flow.stopped();
            let violation = flow
                .frames
                .iter()
                .find_map(|f| f.item.violations.first())
                .or_else(|| stopped.as_ref()?.violations.first())?;
            Some(format!("{violation} (RFC 6455 §{})", violation.section()))
        })
    }

    /// Whether the header of a frame the server is still sending breaks a rule already.
    fn header_breaks_a_rule(&self) -> bool {
        let Some(conn) = self.conn else {
            return false;
        };
        self.recorder.read(|t| {
            t.connection(conn)
                .and_then(|c| c.responses().stopped())
                .is_some_and(|s| !s.violations.is_empty())
        })
    }

    /// Where the server's stream stopped, for a connection that ended without its close
    /// frame: before any frame, between frames, or inside one, with what never came.
    fn where_it_ended(&self) -> String {
        let said = self.conn.and_then(|conn| {
            self.recorder.read(|t| {
                let flow = t.connection(conn)?.responses();
                let frames = flow.frames.len() as u64 + flow.frames_dropped + flow.frames_released;
                Some(match flow.stopped() {
                    Some(stopped) => {
                        let i = stopped.incomplete;
                        match i.cut {
                            Some(cut) => format!(
                                "in the middle of the header of its frame {}, {cut}, {} short of a whole header",
                                stopped.index + 1,
                                crate::proto::fields::bytes(i.missing())
                            ),
                            None => format!(
                                "in the middle of its frame {}: {} of the frame's {} came, {} never did",
                                stopped.index + 1,
                                i.have,
                                crate::proto::fields::bytes(i.need),
                                i.missing()
                            ),
                        }
                    }
                    None if frames == 0 => "after the handshake, before sending any frame".into(),
                    None => format!(
                        "after {}, between frames",
                        if frames == 1 { "1 frame".to_owned() } else { format!("{frames} frames") }
                    ),
                })
            })
        });
        said.unwrap_or_else(|| "after the handshake".into())
    }

    /// Starts the closing handshake with this code and reason (§5.5.1), through the library
    /// so that its state knows the connection is closing.
    ///
    /// # Errors
    /// When the connection fails while writing.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), ClientError> {
        self.closed_by_us = true;
        let frame = CloseFrame {
            code: code.into(),
            reason: reason.into(),
        };
        match self.ws.close(Some(frame)).await {
            Ok(())
            | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                Ok(())
            }
            Err(error) => Err(ClientError::from_send(error)),
        }
    }

    /// Reads until the server ends the connection, keeping what it delivers.
    ///
    /// # Errors
    /// A timeout, or the server breaking the protocol.
    pub async fn drain(&mut self) -> Result<(), ClientError> {
        loop {
            match self.recv().await {
                Ok(Some(_)) => {}
                Ok(None) => break,
                // §7.1.1: the client waits for the server to close TCP, and may close it
                // itself after a while; leaving is then what happens, and the sentence says so.
                Err(ClientError::ReplyTimeout { secs }) if self.closed_by_us => {
                    let _ = tokio::time::timeout(self.timeout, self.ws.tcp_mut().shutdown()).await;
                    return Err(if self.close_received {
                        ClientError::ReplyTimeout { secs }
                    } else {
                        ClientError::CloseUnanswered { secs }
                    });
                }
                Err(error) => return Err(error),
            }
        }
        // §5.5.1: an endpoint that receives a close frame must answer with one. A server that
        // drops TCP instead left the closing handshake unfinished, and passing it would hide
        // what every WebSocket API reports as 1006 (§7.1.5).
        if self.closed_by_us && !self.close_received {
            return Err(ClientError::NoCloseReply);
        }
        // Under TLS, close_notify (RFC 8446 §6.1), so the server can tell the end from a
        // truncation; on TCP, the FIN a drop would send. A server already gone is no error.
        let _ = tokio::time::timeout(self.timeout, self.ws.tcp_mut().shutdown()).await;
        Ok(())
    }
}

/// A masking key from the system's random source, as RFC 6455 §5.3 asks: one the network
/// cannot predict. Should that source fail, a key is taken from the standard library's
/// randomly seeded hasher with a counter, which is still unknown to the network.
pub fn fresh_mask() -> [u8; 4] {
    use std::hash::{BuildHasher as _, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut key = [0u8; 4];
    if getrandom::fill(&mut key).is_err() {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let hashed = RandomState::new().hash_one(n);
        key.copy_from_slice(&hashed.to_le_bytes()[..4]);
    }
    key
}

/// A TLS configuration and the host name to check the certificate against.
type Secure<'a> = Option<(Arc<rustls::ClientConfig>, &'a str)>;

async fn connect_any(
    addrs: &[SocketAddr],
    recorder: &Recorder,
    options: &ClientOptions,
    secure: Secure<'_>,
) -> Result<TappedTcp, ClientError> {
    let secs = options.timeout.as_secs_f64();
    let mut last = None;
    // `localhost` may name ::1 first while the server listens on 127.0.0.1 only: try each.
    for &addr in addrs {
        match tokio::time::timeout(options.timeout, tcp::open(addr, recorder, &options.label)).await
        {
            Err(_) => last = Some(ClientError::ConnectTimeout { addr, secs }),
            Ok(Ok((stream, conn))) => {
                let Some((config, host)) = secure else {
                    let tap = Tap::new(Stream::Tcp(stream), recorder.clone(), conn, End::Client);
                    return Ok(tap);
                };
                // A TLS failure is the server's answer, not a reason to try another address.
                let handshake = tls::client(stream, conn, recorder, config, host, options.timeout);
                return handshake.await.map_err(ClientError::Tls);
            }
            Ok(Err(error)) => last = Some(ClientError::from_connect(addr, &error)),
        }
    }
    Err(last.unwrap_or(ClientError::Resolve {
        host: String::new(),
        detail: "no addresses".into(),
    }))
}
