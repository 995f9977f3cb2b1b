//! A captured connection as text: the handshake with every header explained and the Accept
//! derived, every frame of both directions in the order they crossed, and a summary with the
//! measured round trips. `connect`, `serve` and plain-mode lessons print through here.

use crate::proto::shown;
use std::fmt::Write as _;

use super::accept::derivation;
use super::frame::{self as frame_view, Options};
use super::http::{explained, head as head_view, rules, start_line};
use super::style::{Palette, Role};
use crate::capture::timing::{RoundTrips, mean, p95};
use crate::capture::{Connection, Direction, Flow, Timed};
use crate::proto::handshake::{check_request, check_response};
use crate::proto::message::parse_close;
use crate::proto::{Derivation, Frame, Message, OpCode};

/// Milliseconds with three decimals, from µs.
pub fn ms(us: u64) -> String {
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

/// The opening handshake: request, its rules, the Accept derivation checked against the
/// server's value, the response and its rules. Empty when no request was captured.
pub fn handshake(connection: &Connection, p: Palette) -> String {
    let mut out = request_part(connection, p);
    let accept = accept_part(connection, p);
    if !accept.is_empty() {
        out.push('\n');
        out.push_str(&accept);
    }
    let response = response_part(connection, p);
    if !response.is_empty() {
        out.push('\n');
        out.push_str(&response);
    }
    out
}

/// The upgrade request, every header explained, and the §4.1 rules.
pub fn request_part(connection: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let Some(request) = connection.requests().http.first() else {
        return out;
    };
    let _ = writeln!(out, "{}", p.paint(Role::Heading, "── The request ──"));
    out.push_str(&head_view(&request.raw, &request.head, p));
    out.push_str(&explained(&request.head, p));
    out.push('\n');
    out.push_str(&rules(
        "Request rules (RFC 6455 §4.1)",
        &check_request(&request.head),
        p,
    ));
    out
}

/// Sec-WebSocket-Accept derived from the captured key, step by step, and compared with what
/// the server sent. Empty without a key.
pub fn accept_part(connection: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let Some(key) = connection
        .requests()
        .http
        .first()
        .and_then(|r| r.head.header("sec-websocket-key"))
    else {
        return out;
    };
    let d = Derivation::new(key);
    let compared = connection
        .responses()
        .http
        .first()
        .and_then(|r| r.head.header("sec-websocket-accept"))
        .map(|got| d.compare(got));
    let _ = writeln!(
        out,
        "{}",
        p.paint(Role::Heading, "── The Accept, derived ──")
    );
    out.push_str(&derivation(&d, compared.as_ref(), p));
    out
}

/// The response, every header explained, and the §4.2.2 rules. Empty without one.
pub fn response_part(connection: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let (Some(request), Some(response)) = (
        connection.requests().http.first(),
        connection.responses().http.first(),
    ) else {
        return out;
    };
    let _ = writeln!(
        out,
        "{} after {}",
        p.paint(Role::Heading, "── The response ──"),
        ms(response.at_us.saturating_sub(request.at_us))
    );
    out.push_str(&head_view(&response.raw, &response.head, p));
    out.push_str(&explained(&response.head, p));
    out.push('\n');
    let said = super::refusal::body_part(connection, p);
    if !said.is_empty() {
        out.push_str(&said);
        out.push('\n');
    }
    out.push_str(&super::deflate::negotiation(
        &request.head,
        &response.head,
        p,
    ));
    out.push_str(&rules(
        "Response rules (RFC 6455 §4.2.2)",
        &check_response(&request.head, &response.head),
        p,
    ));
    out
}

/// The handshake in a few lines: the two start lines, the Accept checked, and only the rules
/// that fail. For `--brief`, where the frames are the point.
pub fn handshake_brief(connection: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let Some(request) = connection.requests().http.first() else {
        return out;
    };
    let _ = writeln!(out, "→ {}", start_line(&request.head));
    let mut checks = check_request(&request.head);
    if let Some(response) = connection.responses().http.first() {
        let _ = writeln!(
            out,
            "← {}  after {}",
            start_line(&response.head),
            ms(response.at_us.saturating_sub(request.at_us))
        );
        if let (Some(key), Some(got)) = (
            request.head.header("sec-websocket-key"),
            response.head.header("sec-websocket-accept"),
        ) {
            let d = Derivation::new(key);
            let _ = if d.compare(got).matches {
                writeln!(
                    out,
                    "  {} Sec-WebSocket-Accept {got} is base64(SHA-1(key + GUID))",
                    p.paint(Role::Good, "✓")
                )
            } else {
                writeln!(
                    out,
                    "  {} Sec-WebSocket-Accept {got}, but base64(SHA-1(key + GUID)) is {}",
                    p.paint(Role::Bad, "✗"),
                    d.accept
                )
            };
        }
        for line in super::refusal::body_part(connection, p).lines() {
            let _ = writeln!(out, "  {line}");
        }
        checks.extend(check_response(&request.head, &response.head));
        // Compression changes every frame that follows, so even the brief view says it.
        for line in super::deflate::negotiation(&request.head, &response.head, p).lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let failed: Vec<_> = checks.iter().filter(|c| !c.passed).collect();
    if failed.is_empty() {
        let _ = writeln!(
            out,
            "  {} all {} handshake rules hold",
            p.paint(Role::Good, "✓"),
            checks.len()
        );
    }
    for c in failed {
        let _ = writeln!(
            out,
            "  {} {} (§{})",
            p.paint(Role::Bad, "✗"),
            c.detail,
            c.rule.section()
        );
    }
    out
}

/// One line for a frame: when, which way, what, how long, and whether it broke a rule.
pub fn frame_line(frame: &Frame, direction: Direction, since_open_us: u64, p: Palette) -> String {
    let verdict = if frame.violations.is_empty() {
        String::new()
    } else {
        let n = frame.violations.len();
        format!(
            "  {}",
            p.paint(
                Role::Bad,
                &format!("✗ {n} rule{} broken", if n == 1 { "" } else { "s" })
            )
        )
    };
    format!(
        "{:>12}  {} {}{verdict}",
        ms(since_open_us),
        direction.arrow(),
        frame_summary(frame)
    )
}

/// A frame in one line: opcode, length, FIN, MASK, and the start of the payload.
pub fn frame_summary(frame: &Frame) -> String {
    let h = &frame.header;
    let opcode = h.opcode();
    let fin = if h.fin() { "FIN" } else { "not FIN" };
    let masked = if h.masked() { "masked" } else { "unmasked" };
    let preview = match opcode {
        OpCode::Close => {
            let (close, _) = parse_close(&frame.payload, !frame.is_truncated());
            match close.code {
                Some(code) if close.reason.is_empty() => format!("code {code}"),
                Some(code) => format!("code {code} {}", shown::quoted(&close.reason)),
                None => "no code".into(),
            }
        }
        OpCode::Text | OpCode::Continuation | OpCode::Ping | OpCode::Pong
            if std::str::from_utf8(&frame.payload).is_ok() =>
        {
            let text = String::from_utf8_lossy(&frame.payload);
            shown::quoted_fit(&text, 43, frame.is_truncated())
        }
        _ => {
            let shown = frame_view::hex_preview(&frame.payload, 16);
            // A payload cut by the preview cap is longer than what is kept.
            if shown.is_empty() && frame.is_truncated() {
                "…".to_owned()
            } else if frame.is_truncated() && !shown.ends_with('…') {
                format!("{shown} …")
            } else {
                shown
            }
        }
    };
    // RSV1 is shown only when set: under permessage-deflate it marks a compressed message.
    let rsv1 = if h.rsv().has(1) { " · RSV1" } else { "" };
    format!(
        "{:<12} {:>7} B · {fin}{rsv1} · {masked} · {preview}",
        opcode.name(),
        frame.payload_len()
    )
}

/// Every frame of both directions in the order they crossed, each with its field table and
/// hex (or one line each when `brief`), and each completed message after its last frame.
pub fn frames(connection: &Connection, opts: &Options, brief: bool) -> String {
    // Data messages are numbered per direction, as a reader counts them.
    let (mut sent, mut received) = (0u64, 0u64);
    let mut out = String::new();
    let p = opts.palette;
    for item in timeline(connection) {
        let since = item.at_us.saturating_sub(connection.opened_us);
        match item.what {
            Item::Frame(frame) if brief => {
                let _ = writeln!(out, "{}", frame_line(frame, item.direction, since, p));
            }
            Item::Frame(frame) => {
                let _ = writeln!(
                    out,
                    "{}",
                    p.paint(
                        Role::Dim,
                        &format!("at {} since the connection opened", ms(since))
                    )
                );
                let side = item.direction.sender();
                out.push_str(&frame_view::frame(frame, &Options { side, ..*opts }));
                out.push('\n');
            }
            Item::Message(message) if !brief && !message.opcode.is_control() => {
                let count = match item.direction {
                    Direction::ClientToServer => &mut sent,
                    Direction::ServerToClient => &mut received,
                };
                *count += 1;
                let _ = write!(out, "{} ", item.direction.arrow());
                out.push_str(&frame_view::message(message, *count, p));
                out.push('\n');
            }
            Item::Message(_) => {}
        }
    }
    // A direction that stopped inside a frame: what came of it, after everything else of that
    // direction (its bytes were the last to cross).
    for direction in Direction::BOTH {
        let Some(stopped) = connection.flow(direction).stopped() else {
            continue;
        };
        let side = direction.sender();
        if brief {
            let what = stopped.frame.as_ref().map_or_else(
                || "(a frame whose header never came whole)".to_owned(),
                frame_summary,
            );
            let broken = match stopped.violations.len() {
                0 => String::new(),
                n => format!(
                    "  {}",
                    p.paint(
                        Role::Bad,
                        &format!("✗ {n} rule{} broken", if n == 1 { "" } else { "s" })
                    )
                ),
            };
            let _ = writeln!(
                out,
                "{:>12}  {} {what}{broken}\n{:>14}{} {}",
                "unfinished",
                direction.arrow(),
                "",
                p.paint(Role::Bad, "✗"),
                frame_view::ends_inside(&stopped)
            );
        } else {
            let _ = writeln!(
                out,
                "{}",
                p.paint(
                    Role::Dim,
                    "unfinished: the stream stopped inside this frame"
                )
            );
            out.push_str(&frame_view::stopped(&stopped, &Options { side, ..*opts }));
            out.push('\n');
        }
    }
    out
}

/// A frame or a message, in the order of [`timeline`].
pub(crate) enum Item<'a> {
    Frame(&'a Frame),
    Message(&'a Message),
}

/// One place in the timeline.
pub(crate) struct Entry<'a> {
    pub(crate) at_us: u64,
    pub(crate) direction: Direction,
    // Order within one direction: frame i is 2i, and the message it completes is 2i + 1.
    seq: u64,
    pub(crate) what: Item<'a>,
}

/// Both directions merged by time; a message follows the frame that completed it. Text and
/// JSON views both order by this.
pub(crate) fn timeline(connection: &Connection) -> Vec<Entry<'_>> {
    let mut entries = Vec::new();
    for direction in Direction::BOTH {
        let flow = connection.flow(direction);
        let push_frames = flow.frames.iter().map(|Timed { at_us, item }| Entry {
            at_us: *at_us,
            direction,
            seq: item.index * 2,
            what: Item::Frame(item),
        });
        let push_messages = flow.messages.iter().map(|Timed { at_us, item }| Entry {
            at_us: *at_us,
            direction,
            seq: item.last_frame * 2 + 1,
            what: Item::Message(item),
        });
        entries.extend(push_frames.chain(push_messages));
    }
    // Frames read in one chunk share an instant; their order on the wire decides.
    entries.sort_by_key(|e| (e.at_us, e.direction == Direction::ServerToClient, e.seq));
    entries
}

/// Totals and round trips.
pub fn summary(connection: &Connection, p: Palette) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.paint(Role::Heading, "── Summary ──"));
    for direction in Direction::BOTH {
        let flow = connection.flow(direction);
        let who = match direction {
            Direction::ClientToServer => "client → server",
            Direction::ServerToClient => "server → client",
        };
        let _ = writeln!(out, "  {who}: {}", flow_totals(flow));
    }
    let trips = RoundTrips::of(connection);
    if let Some(us) = trips.handshake_us {
        let _ = writeln!(out, "  handshake round trip: {}", ms(us));
    }
    for (what, values) in [
        ("ping → pong", &trips.pings),
        ("message → reply", &trips.replies),
    ] {
        if let (Some(avg), Some(tail)) = (mean(values), p95(values)) {
            let _ = writeln!(
                out,
                "  {what}: {} round trip{}, mean {}, p95 {}",
                values.len(),
                if values.len() == 1 { "" } else { "s" },
                ms(avg),
                ms(tail)
            );
        }
    }
    if let Some(closed) = connection.closed_us {
        let _ = writeln!(
            out,
            "  connection open for {}",
            ms(closed.saturating_sub(connection.opened_us))
        );
    }
    let _ = writeln!(
        out,
        "  {}",
        p.paint(
            Role::Dim,
            "times are measured on this machine and vary run to run"
        )
    );
    for direction in Direction::BOTH {
        let flow = connection.flow(direction);
        if let Some(problem) = &flow.problem {
            let _ = writeln!(out, "  {} {problem}", p.paint(Role::Bad, "✗"));
        }
        if let Some(incomplete) = flow.incomplete() {
            let _ = writeln!(
                out,
                "  {} {} {incomplete}",
                p.paint(Role::Bad, "✗"),
                direction.arrow()
            );
        }
        if flow.previews_trimmed > 0 {
            let _ = writeln!(
                out,
                "  {} {} payload previews cut short: the capture's preview budget was spent",
                direction.arrow(),
                flow.previews_trimmed
            );
        }
        if flow.http_dropped > 0 {
            let _ = writeln!(
                out,
                "  {} {} HTTP messages measured but not stored: the capture's limit was reached",
                direction.arrow(),
                flow.http_dropped
            );
        }
        if flow.frames_dropped + flow.messages_dropped > 0 {
            let _ = writeln!(
                out,
                "  {} {} frames and {} messages not stored: the capture's limit was reached",
                direction.arrow(),
                flow.frames_dropped,
                flow.messages_dropped
            );
        }
    }
    out
}

fn flow_totals(flow: &Flow) -> String {
    let head: u64 = flow
        .http
        .iter()
        .map(crate::capture::HttpMessage::wire_len)
        .sum();
    let broken: usize = flow.frames.iter().map(|f| f.item.violations.len()).sum();
    let frames = flow.frames.len() as u64 + flow.frames_dropped + flow.frames_released;
    // The bytes of a frame that never finished are not "in" the frames counted: said apart.
    let partial = flow.incomplete().map_or(0, |i| i.have);
    let mut text = format!(
        "{} bytes in {} chunk{} ({head} HTTP, {} in {frames} frame{}",
        flow.bytes,
        flow.chunks,
        if flow.chunks == 1 { "" } else { "s" },
        flow.frame_bytes.saturating_sub(partial),
        if frames == 1 { "" } else { "s" },
    );
    if partial > 0 {
        let _ = write!(text, ", {partial} in an incomplete frame");
    }
    text.push(')');
    if broken > 0 {
        let _ = write!(
            text,
            ", {broken} rule{} broken",
            if broken == 1 { "" } else { "s" }
        );
    }
    text
}
