//! The raw composer's preview, in the place of the capture while a frame is typed: the bytes
//! Enter would write, read back as the server will read them, each frame in one line and the
//! last one taken apart by the Fields pane's own detail; or why they cannot be sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Theme;
use super::widgets::frames::lone_detail;
use super::widgets::{fit_line, wrap};
use crate::app::craft::RawPreview;
use crate::proto::craft::CraftError;
use crate::proto::{Frame as WsFrame, Side};
use crate::render::exchange::frame_summary;

/// How the two forms are written, shown under a mistake.
const SYNTAX: [&str; 4] = [
    "hex: in any shape decode reads (81 85 37 fa …, 0x81, an xxd dump), sent exactly as typed",
    "fields: fin=0|1 rsv1= rsv2= rsv3= opcode=text|binary|close|ping|pong|cont|0-15",
    "  mask=HEX8|none len=N encoding=7|16|64 payload=TEXT|\"a b\" payload-hex=HEX",
    "  ; between frames · unset: FIN, RSV 0, text, the true length, a fresh key",
];

/// The most frames listed one per line; earlier ones are counted.
const LISTED: usize = 4;

/// Draws the preview of `preview` in `area`, the byte cursor at `cursor` in the last frame.
pub(super) fn draw(
    frame: &mut Frame,
    area: Rect,
    preview: &Result<RawPreview, CraftError>,
    cursor: usize,
    theme: &Theme,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            " raw: what Enter sends, as the server will read it ",
            theme.heading,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match preview {
        Ok(preview) => draw_bytes(frame, inner, preview, cursor, theme),
        Err(why) => {
            let mut lines = vec![Line::styled(format!("✗ {why}"), theme.bad), Line::default()];
            lines.extend(SYNTAX.iter().map(|s| Line::styled(*s, theme.dim)));
            let text = Paragraph::new(lines).wrap(Wrap { trim: false });
            frame.render_widget(text, inner);
        }
    }
}

fn draw_bytes(frame: &mut Frame, area: Rect, preview: &RawPreview, cursor: usize, theme: &Theme) {
    let width = usize::from(area.width);
    let bytes: Vec<String> = preview
        .crafted
        .bytes
        .iter()
        .take(width / 3 + 1)
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut lines = vec![
        Line::styled(preview.crafted.summary(), theme.heading),
        Line::styled(bytes.join(" "), theme.code),
    ];
    // A note is why the frame was typed so: it is wrapped, never cut.
    for note in &preview.crafted.notes {
        let wrapped = wrap(&format!("note: {note}"), width);
        lines.extend(wrapped.into_iter().map(|l| Line::styled(l, theme.bad)));
    }
    // A lying length's note already says the frame is unfinished and what the server does.
    if let Some(incomplete) = preview
        .reading
        .incomplete
        .filter(|_| preview.crafted.notes.is_empty())
    {
        lines.push(Line::styled(
            format!("✗ {incomplete}: the server reads whatever comes next as the rest"),
            theme.bad,
        ));
    }
    let frames: Vec<&WsFrame> = preview
        .reading
        .frames
        .iter()
        .chain(&preview.reading.pending)
        .collect();
    let hidden = frames.len().saturating_sub(LISTED);
    if hidden > 0 {
        lines.push(Line::styled(
            format!("… {hidden} frames before these"),
            theme.dim,
        ));
    }
    lines.extend(frames[hidden..].iter().map(|f| row(f, theme)));
    let lines: Vec<Line> = lines.iter().map(|l| fit_line(l, width)).collect();
    let used = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    frame.render_widget(Paragraph::new(lines), area);
    let Some(shown) = preview.shown() else {
        return;
    };
    // A blank line between the list and the detail, when there is room for both.
    let gap = u16::from(area.height > used + 6);
    let detail = Rect {
        y: area.y + used + gap,
        height: area.height - used - gap,
        ..area
    };
    if detail.height > 0 {
        let lines = lone_detail(shown, Side::Client, cursor, theme, detail);
        frame.render_widget(Paragraph::new(lines), detail);
    }
}

/// One frame in one line, as `connect --brief` lists it, with the rules it breaks counted.
fn row(f: &WsFrame, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(
        format!("{:>2} → {}", f.index + 1, frame_summary(f)),
        theme.text,
    )];
    if !f.is_complete() {
        spans.push(Span::styled(
            format!("  ({} of {} payload bytes)", f.received, f.payload_len()),
            theme.dim,
        ));
    }
    let n = f.violations.len();
    if n > 0 {
        spans.push(Span::styled(
            format!("  ✗ {n} rule{} broken", if n == 1 { "" } else { "s" }),
            theme.bad,
        ));
    }
    Line::from(spans)
}
