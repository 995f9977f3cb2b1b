//! The panes of a step as Markdown sections, each a fenced block of the captured values.

use std::fmt::Write as _;

use crate::capture::Direction;
use crate::capture::measure::Measured;
use crate::capture::{Connection, Transcript};
use crate::lesson::model::{Action, Pane};
use crate::lesson::outcome::ActionRun;
use crate::proto::Frame;
use crate::proto::Side;
use crate::render::exchange::{
    Item, accept_part, frame_summary, frames, handshake_brief, ms, request_part, response_part,
};
use crate::render::frame::Options;
use crate::render::http::{explained, head as head_view};
use crate::render::style::Palette;

/// Handouts are plain text: no colour codes.
const PLAIN: Palette = Palette::new(false);

/// Payload bytes shown in a frame's hex dump before the rest is elided: as many as a pane.
const DUMP: usize = crate::proto::limits::PANE_PAYLOAD;

fn section(title: &str, body: &str) -> String {
    if body.trim().is_empty() {
        return String::new();
    }
    format!("#### {title}\n\n```text\n{}\n```\n\n", body.trim_end())
}

/// A grade's card; nothing when no case could run, which the action's error says.
fn card(run: &ActionRun) -> String {
    let Some(graded) = &run.graded else {
        return String::new();
    };
    let lines: Vec<String> = super::card::lines(graded)
        .into_iter()
        .map(|(text, _)| text)
        .collect();
    section("The grader's card", &lines.join("\n"))
}

/// HTTP exchanges listed one line each in a brief copy; the rest are counted.
const BRIEF_EXCHANGES: usize = 3;

/// One pane for one action; `brief` for the shorter printed copy (see `Plain::brief`).
pub(super) fn pane(
    pane: Pane,
    action: &Action,
    run: &ActionRun,
    t: &Transcript,
    brief: bool,
) -> String {
    let conns: Vec<&Connection> = run
        .conns
        .iter()
        .filter_map(|id| t.connection(*id))
        .collect();
    let many = conns.len() > 1;
    let label = |c: &Connection, title: &str| {
        if many {
            format!("{title}: {}", c.label)
        } else {
            title.to_owned()
        }
    };
    let mut out = String::new();
    match pane {
        Pane::Heads => match action {
            Action::Http(_) => {
                let most = if brief { BRIEF_EXCHANGES } else { usize::MAX };
                out.push_str(&section(
                    "Requests and responses",
                    &http_heads(&conns, most, !brief),
                ));
            }
            _ => {
                for c in &conns {
                    let body = if brief {
                        brief_heads(c)
                    } else {
                        format!("{}\n{}", request_part(c, PLAIN), response_part(c, PLAIN))
                    };
                    out.push_str(&section(&label(c, "Request and response heads"), &body));
                }
            }
        },
        Pane::Accept => {
            for c in &conns {
                out.push_str(&section(
                    &label(c, "Sec-WebSocket-Accept, derived"),
                    &accept_part(c, PLAIN),
                ));
            }
        }
        Pane::Frames | Pane::Fields => {
            // One line a frame, or each frame field by field: the same frames either way.
            let brief = pane == Pane::Frames;
            let title = if brief {
                "Frames, both directions"
            } else {
                "Every frame, field by field"
            };
            let opts = Options {
                palette: PLAIN,
                side: Side::Client,
                max_payload: DUMP,
                // A lesson has no option to show more; the note says how much is shown.
                more: None,
            };
            for c in &conns {
                // Each connection's frames are timed from its own opening; the timeline pane
                // is the one with a shared clock.
                let title = if many {
                    format!("{} (times from its own opening)", label(c, title))
                } else {
                    title.to_owned()
                };
                out.push_str(&section(&title, &frames(c, &opts, brief)));
            }
        }
        Pane::Timeline => out.push_str(&section("Timeline", &timeline(&conns))),
        Pane::Card => out.push_str(&card(run)),
        Pane::Tls => {
            for c in &conns {
                let title = label(c, "On the wire: what an eavesdropper sees");
                let mut body = crate::render::tls::records(t, c, PLAIN);
                let cost = crate::render::tls::overhead_lines(c);
                if !cost.is_empty() {
                    body.push_str("\nWhat TLS cost per message, measured:\n");
                    body.push_str(&cost);
                }
                if c.tls.is_none() {
                    body = "This connection is plain TCP: there are no TLS records, and the frames above are what crossed the wire.\n".into();
                }
                out.push_str(&section(&title, &body));
            }
        }
        Pane::Compare => {
            if let Some(m) = &run.measured {
                out.push_str(&compare(m, !brief));
            }
        }
        // The chart draws the table's figures again; a brief copy keeps the table.
        Pane::Chart if brief => {}
        Pane::Chart => {
            if let Some(m) = &run.measured {
                out.push_str(&section(&format!("{} (chart)", m.title), &chart(m)));
            }
        }
    }
    out
}

/// A brief copy's handshake: both heads line by line with their byte spans, then the rules
/// in one line when they all hold (each broken one on its own); the headers' explanations,
/// the same in every lesson, are left to the full copy.
fn brief_heads(c: &Connection) -> String {
    let mut out = String::new();
    let (requests, responses) = (c.requests(), c.responses());
    if let Some(request) = requests.http.first() {
        out.push_str("── The request ──\n");
        out.push_str(&head_view(&request.raw, &request.head, PLAIN));
    }
    if let Some(response) = responses.http.first() {
        out.push_str("── The response ──\n");
        out.push_str(&head_view(&response.raw, &response.head, PLAIN));
    }
    out.push('\n');
    out.push_str(&handshake_brief(c, PLAIN));
    out
}

/// Each HTTP exchange: the first in full (its headers explained when `explain`), then one
/// line each, with bytes counted; past `most` lines, the others are only counted.
pub fn http_heads(conns: &[&Connection], most: usize, explain: bool) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in conns {
        for (i, response) in c.responses().http.iter().enumerate() {
            let Some(request) = c.request_for(i) else {
                continue;
            };
            n += 1;
            let req_head = request.head.len as u64;
            let answer_head = response.head.len as u64;
            if n == 1 {
                let _ = writeln!(out, "── Request ──");
                out.push_str(&head_view(&request.raw, &request.head, PLAIN));
                if explain {
                    out.push_str(&explained(&request.head, PLAIN));
                }
                let _ = writeln!(
                    out,
                    "\n── Response, after {} ──",
                    ms(response.at_us.saturating_sub(request.at_us))
                );
                out.push_str(&head_view(&response.raw, &response.head, PLAIN));
                if explain {
                    out.push_str(&explained(&response.head, PLAIN));
                }
                out.push('\n');
            }
            if n > most {
                continue;
            }
            // A body that never ends (an event stream) is still open when the capture stops;
            // that is its nature, not a fault, so it is said plainly.
            let open = if response.body_complete {
                ""
            } else {
                " so far, still open"
            };
            let _ = writeln!(
                out,
                "exchange {n} on {}: request head {req_head} B + body {} B; response head {answer_head} B + body {} B{open}; {}",
                c.label,
                request.body_len,
                response.body_len,
                ms(response.at_us.saturating_sub(request.at_us)),
            );
        }
    }
    if n > most {
        let _ = writeln!(out, "… and {} more exchange(s) like these", n - most);
    }
    let _ = writeln!(out, "{} TCP connection(s) opened", conns.len());
    out
}

/// Width of the client's column in the timeline.
const COLUMN: usize = 44;

/// Every frame of every connection on one time axis, from the first connection's opening:
/// the client's frames on the left, the server's on the right, so frames in flight both
/// ways at once stand side by side in time.
pub fn timeline(conns: &[&Connection]) -> String {
    let Some(start) = conns.iter().map(|c| c.opened_us).min() else {
        return String::new();
    };
    let mut lines: Vec<(u64, String)> = Vec::new();
    for c in conns {
        for entry in crate::render::exchange::timeline(c) {
            let Item::Frame(frame) = entry.what else {
                continue;
            };
            let who = if conns.len() > 1 {
                format!("{}: ", c.label)
            } else {
                String::new()
            };
            let cell = cut(&format!("{who}{}", brief(frame)), COLUMN - 3);
            let at = ms(entry.at_us.saturating_sub(start));
            let line = match entry.direction {
                Direction::ClientToServer => format!("{at:>12}  → {cell}"),
                Direction::ServerToClient => format!("{at:>12}  {:COLUMN$}← {cell}", ""),
            };
            lines.push((entry.at_us, line));
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    let mut out = format!(
        "{:>12}  {:COLUMN$}{}\n",
        "time", "client → server", "server → client"
    );
    for (_, line) in lines {
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// A frame in a few words: opcode, length and what it says.
fn brief(frame: &Frame) -> String {
    let summary = frame_summary(frame);
    // frame_summary is "opcode  len B · FIN · masked · preview"; the timeline keeps the ends.
    let parts: Vec<&str> = summary.split(" · ").collect();
    let head = parts
        .first()
        .map_or("", |h| h.split_whitespace().next().unwrap_or(""));
    let len = frame.payload_len();
    let preview = parts.last().copied().unwrap_or_default();
    format!("{head} {len} B {preview}")
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

/// A measured comparison as a Markdown table, with its notes when `notes`.
pub fn compare(m: &Measured, notes: bool) -> String {
    let mut out = format!("#### {}\n\n| |", m.title);
    for c in &m.columns {
        let _ = write!(out, " {c} |");
    }
    out.push_str("\n|---|");
    for _ in &m.columns {
        out.push_str("---:|");
    }
    out.push('\n');
    for row in &m.rows {
        let _ = write!(out, "| {} |", row.label);
        for f in &row.figures {
            let _ = write!(out, " {f} |");
        }
        out.push('\n');
    }
    out.push('\n');
    if notes {
        for note in &m.notes {
            let _ = writeln!(out, "- {note}");
        }
        if !m.notes.is_empty() {
            out.push('\n');
        }
    }
    out
}

/// Bar charts of the columns worth one, as text; none for a single row, where a bar compares
/// nothing and the table says it all.
pub fn chart(m: &Measured) -> String {
    const WIDTH: f64 = 30.0;
    if m.rows.len() < 2 {
        return String::new();
    }
    let label_width = m
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for &col in &m.charts {
        let Some(title) = m.columns.get(col) else {
            continue;
        };
        let _ = writeln!(out, "{title}");
        let max = m
            .rows
            .iter()
            .filter_map(|r| r.figures.get(col).and_then(|f| f.value()))
            .fold(0.0_f64, f64::max);
        for row in &m.rows {
            let figure = row
                .figures
                .get(col)
                .copied()
                .unwrap_or(crate::capture::measure::Figure::None);
            let bar = match figure.value() {
                Some(v) if max > 0.0 => {
                    // Rounded up so that any non-zero figure gets at least one block.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let n = (v / max * WIDTH).ceil() as usize;
                    "█".repeat(n)
                }
                _ => String::new(),
            };
            let _ = writeln!(out, "  {:<label_width$}  {bar:<30}  {figure}", row.label);
        }
        out.push('\n');
    }
    out
}
