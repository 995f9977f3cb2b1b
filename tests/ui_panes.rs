//! The rich panes drawn on ratatui's `TestBackend` from real captures: actions run on loopback
//! through the runner, then drawn at a lesson's pane sizes and at sizes too small to hold
//! anything. Keys and masks are pinned; ports and times, which vary run to run, are masked in
//! the snapshots, and a measured table is built by hand where its figures would vary.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use wslab::app::filter::FrameFilter;
use wslab::capture::Connection;
use wslab::capture::measure::{Figure, Measured, Row};
use wslab::lesson::{Action, Pane};
use wslab::run::{ActionRun, Runner, Settings};
use wslab::ui::widgets::{self, PaneCtx};
use wslab::ui::{Theme, ThemeName};

/// The RFC 6455 sample key, and a mask, so that the bytes repeat run to run.
const PINNED: &str = "key = \"dGhlIHNhbXBsZSBub25jZQ==\"\nmask = \"37fa213d\"";

/// What a lesson gives the pane at 80×24 (about ten rows) and at 120×40.
const NARROW: (u16, u16) = (78, 10);
const WIDE: (u16, u16) = (118, 24);

fn action(toml: &str) -> Action {
    toml::from_str(toml).expect("a valid action")
}

async fn run(toml: &str) -> (Runner, Action, ActionRun) {
    let runner = Runner::start(Settings {
        quick: true,
        ..Settings::default()
    })
    .await
    .expect("the lab starts");
    let action = action(toml);
    let run = runner.run(&action, None).await;
    (runner, action, run)
}

/// How a pane is drawn: which, how big, what is selected and whether it has focus.
#[derive(Clone, Copy)]
struct View {
    pane: Pane,
    size: (u16, u16),
    selected: usize,
    focused: bool,
}

impl View {
    fn new(pane: Pane, size: (u16, u16)) -> Self {
        Self {
            pane,
            size,
            selected: 0,
            focused: true,
        }
    }

    fn selected(self, selected: usize) -> Self {
        Self { selected, ..self }
    }
}

/// Draws `view` of an action's capture and gives the screen back.
fn draw(runner: &Runner, action: &Action, run: &ActionRun, view: View) -> Buffer {
    runner.recorder().read(|t| {
        let conns: Vec<&Connection> = run
            .conns
            .iter()
            .filter_map(|id| t.connection(*id))
            .collect();
        draw_ctx(
            &PaneCtx {
                action,
                run,
                conns: &conns,
                transcript: t,
                selected: view.selected,
                cursor: 0,
                focused: view.focused,
                filter: FrameFilter::default(),
            },
            view,
        )
    })
}

fn draw_ctx(ctx: &PaneCtx<'_>, view: View) -> Buffer {
    let (w, h) = view.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
    let theme = Theme::new(ThemeName::Dark);
    terminal
        .draw(|f| {
            widgets::draw(f, f.area(), &theme, view.pane, ctx);
        })
        .expect("drawn");
    terminal.backend().buffer().clone()
}

/// The screen as text, one quoted line per row, as `TestBackend` prints it.
fn screen(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        out.push('"');
        out.push_str(&row(buffer, y));
        out.push_str("\"\n");
    }
    out
}

/// The text of row `y`.
fn row(buffer: &Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// Ports and times vary between runs, so they are masked with their lengths kept: a port's
/// digits become P, and a time with the spaces that right-align it becomes T.TTT ms
/// right-aligned in the same room.
fn redact(text: &str) -> String {
    let mut out: Vec<char> = text.chars().collect();
    let port = "127.0.0.1:".chars().collect::<Vec<_>>();
    let mut i = 0;
    while i + port.len() <= out.len() {
        if out[i..i + port.len()] == port[..] {
            i += port.len();
            while i < out.len() && out[i].is_ascii_digit() {
                out[i] = 'P';
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    let ms = [' ', 'm', 's'];
    let mut end = 0;
    while end + ms.len() <= out.len() {
        if out[end..end + ms.len()] != ms {
            end += 1;
            continue;
        }
        // Back over "d+.ddd" and the spaces before it.
        let mut start = end;
        while start > 0 && (out[start - 1].is_ascii_digit() || out[start - 1] == '.') {
            start -= 1;
        }
        let number = start..end;
        if number.len() >= 5 && out[end - 4] == '.' {
            while start > 0 && out[start - 1] == ' ' {
                start -= 1;
            }
            let room = end - start;
            let masked = format!("{:>room$}", "T.TTT");
            for (slot, c) in out[start..end].iter_mut().zip(masked.chars()) {
                *slot = c;
            }
        }
        end += ms.len();
    }
    out.into_iter().collect()
}

macro_rules! snapshot {
    ($name:expr, $buffer:expr) => {
        insta::assert_snapshot!($name, redact(&screen(&$buffer)));
    };
}

/// Every pane must survive being squeezed to nothing.
fn tiny(runner: &Runner, action: &Action, run: &ActionRun, pane: Pane) {
    for size in [(0, 0), (1, 1), (2, 1), (5, 2), (20, 3)] {
        for selected in [0, 3, usize::MAX] {
            draw(
                runner,
                action,
                run,
                View::new(pane, size).selected(selected),
            );
        }
    }
}

#[tokio::test]
async fn heads_narrow_stack_and_explain_the_selected_header() {
    let (runner, action, run) = run(&format!(
        "kind = \"websocket\"\n{PINNED}\nsend = [{{ text = \"Hello\" }}]"
    ))
    .await;
    assert!(!run.failed(), "{:?}", run.error);
    // Line 4 of the request is its Sec-WebSocket-Key, whichever order the client uses.
    let key_line = runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).expect("a connection");
        let head = &c.requests().http[0].head;
        1 + head
            .headers
            .iter()
            .position(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
            .expect("a key")
    });
    let narrow = draw(
        &runner,
        &action,
        &run,
        View::new(Pane::Heads, NARROW).selected(key_line),
    );
    snapshot!("heads_narrow_key", narrow);
    let text = screen(&narrow);
    assert!(text.contains("16 random bytes in base64"), "{text}");
    assert!(
        text.contains("✓ the key dGhlIHNhbXBsZSBub25jZQ== is 16 bytes"),
        "{text}"
    );
    // The selected line is the highlighted one.
    let y = (0..narrow.area.height)
        .find(|y| row(&narrow, *y).contains("Sec-WebSocket-Key: dGhl"))
        .expect("the key line is in sight");
    assert_eq!(
        narrow[(40, y)].bg,
        Theme::new(ThemeName::Dark).selected.bg.unwrap()
    );

    let wide = draw(
        &runner,
        &action,
        &run,
        View::new(Pane::Heads, (120, 24)).selected(99),
    );
    snapshot!("heads_wide_last", wide);
    let text = screen(&wide);
    assert!(text.contains("→ request head") && text.contains("← response head"));
    assert!(text.contains("all 13 handshake rules hold"), "{text}");
    tiny(&runner, &action, &run, Pane::Heads);
    runner.shutdown().await;
}

#[tokio::test]
async fn heads_of_a_refused_upgrade_count_the_broken_rules() {
    let (runner, action, run) = run(&format!(
        "kind = \"fault\"\nname = \"status-200\"\n{PINNED}"
    ))
    .await;
    // The response's status line: after the request's start line, headers and blank line.
    let status_line = runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).expect("a connection");
        2 + c.requests().http[0].head.headers.len()
    });
    let buffer = draw(
        &runner,
        &action,
        &run,
        View::new(Pane::Heads, NARROW).selected(status_line),
    );
    snapshot!("heads_narrow_refused", buffer);
    let text = screen(&buffer);
    assert!(text.contains("✗ 4 of 13 handshake rules broken"), "{text}");
    assert!(text.contains("✗ the status is 200 OK"), "{text}");
    runner.shutdown().await;
}

#[tokio::test]
async fn heads_of_http_list_every_exchange() {
    let (runner, action, run) =
        run("kind = \"http\"\nheaders = \"minimal\"\nkeep_alive = false\nrepeat = 3").await;
    assert!(!run.failed(), "{:?}", run.error);
    let buffer = draw(&runner, &action, &run, View::new(Pane::Heads, WIDE));
    let text = screen(&buffer);
    assert!(text.contains("3 exchanges on 3 TCP connections"), "{text}");
    assert_eq!(text.matches("client: → ").count(), 3, "{text}");
    assert!(!text.contains("handshake rules"), "{text}");
    tiny(&runner, &action, &run, Pane::Heads);
    runner.shutdown().await;
}

#[tokio::test]
async fn accept_derivation_matches_the_server() {
    let (runner, action, run) = run(&format!("kind = \"websocket\"\n{PINNED}")).await;
    assert!(!run.failed(), "{:?}", run.error);
    let buffer = draw(&runner, &action, &run, View::new(Pane::Accept, NARROW));
    snapshot!("accept_matches", buffer);
    let text = screen(&buffer);
    assert!(
        text.contains("b37a4f2cc0624f1690f64606cf385945b2bec4ea"),
        "{text}"
    );
    assert!(text.contains("✓ the same"), "{text}");
    // Too narrow for a value beside its label: each goes under it.
    let stacked = draw(&runner, &action, &run, View::new(Pane::Accept, (40, 14)));
    snapshot!("accept_stacked", stacked);
    tiny(&runner, &action, &run, Pane::Accept);
    runner.shutdown().await;
}

#[tokio::test]
async fn accept_derivation_catches_a_wrong_accept() {
    let (runner, action, run) = run(&format!(
        "kind = \"fault\"\nname = \"wrong-accept\"\n{PINNED}"
    ))
    .await;
    let buffer = draw(&runner, &action, &run, View::new(Pane::Accept, NARROW));
    snapshot!("accept_wrong", buffer);
    let text = screen(&buffer);
    assert!(text.contains("✗ different"), "{text}");
    assert!(text.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{text}");
    // The bad mark is drawn in the theme's bad style.
    let theme = Theme::new(ThemeName::Dark);
    let (x, y) = (0..buffer.area.height)
        .find_map(|y| {
            (0..buffer.area.width)
                .find(|x| buffer[(*x, y)].symbol() == "✗")
                .map(|x| (x, y))
        })
        .expect("a ✗");
    assert_eq!(buffer[(x, y)].fg, theme.bad.fg.unwrap());
    runner.shutdown().await;
}

/// The shape of the polling experiment's table, with figures fixed.
fn polling() -> Measured {
    let row = |label: &str, figures: Vec<Figure>| Row {
        label: label.to_owned(),
        figures,
    };
    Measured {
        title: "Polling, long polling and WebSocket push, measured".to_owned(),
        columns: [
            "requests",
            "empty responses",
            "bytes on the wire",
            "updates delivered",
            "delay mean",
            "delay p95",
            "requests per update",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: vec![
            row(
                "polling every 500 ms",
                vec![
                    Figure::Count(11),
                    Figure::Count(4),
                    Figure::Bytes(9_812),
                    Figure::Count(7),
                    Figure::Micros(251_300),
                    Figure::Micros(480_100),
                    Figure::Ratio(1.571),
                ],
            ),
            row(
                "long polling",
                vec![
                    Figure::Count(8),
                    Figure::Count(0),
                    Figure::Bytes(7_140),
                    Figure::Count(7),
                    Figure::Micros(1_210),
                    Figure::Micros(2_480),
                    Figure::Ratio(1.143),
                ],
            ),
            row(
                "WebSocket push",
                vec![
                    Figure::Count(1),
                    Figure::None,
                    Figure::Bytes(512),
                    Figure::Count(7),
                    Figure::Micros(640),
                    Figure::Micros(1_020),
                    Figure::Ratio(0.143),
                ],
            ),
        ],
        charts: vec![2, 4, 0],
        notes: vec!["Timings vary from run to run, byte counts much less.".to_owned()],
    }
}

/// Draws a pane of a measured run that has no capture behind it.
fn draw_measured(run: &ActionRun, view: View) -> Buffer {
    let action = action("kind = \"polling\"");
    let transcript = wslab::capture::Transcript::default();
    draw_ctx(
        &PaneCtx {
            action: &action,
            run,
            conns: &[],
            transcript: &transcript,
            selected: view.selected,
            cursor: 0,
            focused: view.focused,
            filter: FrameFilter::default(),
        },
        view,
    )
}

#[test]
fn compare_and_chart_of_a_measured_table() {
    let run = ActionRun {
        measured: Some(polling()),
        ..ActionRun::default()
    };
    let narrow = draw_measured(&run, View::new(Pane::Compare, NARROW).selected(2));
    insta::assert_snapshot!("compare_narrow", screen(&narrow));
    let wide = draw_measured(&run, View::new(Pane::Compare, WIDE));
    insta::assert_snapshot!("compare_wide", screen(&wide));
    let chart = draw_measured(&run, View::new(Pane::Chart, NARROW));
    insta::assert_snapshot!("chart_narrow", screen(&chart));
    let chart = draw_measured(&run, View::new(Pane::Chart, WIDE));
    insta::assert_snapshot!("chart_wide", screen(&chart));
    // Nothing measured: the error is said, not a blank pane.
    let failed = ActionRun {
        error: Some("the lab could not start".to_owned()),
        ..ActionRun::default()
    };
    for pane in [Pane::Compare, Pane::Chart] {
        let text = screen(&draw_measured(&failed, View::new(pane, NARROW)));
        assert!(
            text.contains("Nothing was measured: the lab could not start"),
            "{text}"
        );
        for size in [(0, 0), (1, 1), (3, 2), (20, 3)] {
            for measured in [&run, &failed] {
                draw_measured(measured, View::new(pane, size).selected(usize::MAX));
            }
        }
    }
}

#[tokio::test]
async fn compare_and_chart_of_a_real_measurement() {
    let (runner, action, run) = run("kind = \"messages\"\ncount = 3").await;
    let m = run.measured.as_ref().expect("measured");
    for pane in [Pane::Compare, Pane::Chart] {
        let text = screen(&draw(&runner, &action, &run, View::new(pane, WIDE)));
        assert!(text.contains(&m.title), "{text}");
        for r in &m.rows {
            assert!(text.contains(&r.label), "{text}");
        }
    }
    runner.shutdown().await;
}

#[tokio::test]
async fn timeline_of_an_echo() {
    let (runner, action, run) = run(&format!(
        "kind = \"websocket\"\n{PINNED}\nsend = [{{ text = \"Hello\" }}]"
    ))
    .await;
    assert!(!run.failed(), "{:?}", run.error);
    let buffer = draw(
        &runner,
        &action,
        &run,
        View::new(Pane::Timeline, NARROW).selected(1),
    );
    snapshot!("timeline_echo", buffer);
    tiny(&runner, &action, &run, Pane::Timeline);
    runner.shutdown().await;
}

#[tokio::test]
async fn timeline_of_duplex_keeps_the_selected_row_in_sight() {
    let (runner, action, run) =
        run("kind = \"duplex\"\ntyping = 6\nupdates = 6\nevery_ms = 10").await;
    assert!(!run.failed(), "{:?}", run.error);
    // Six each way and a close each way; which comes first varies, so the structure is
    // checked rather than snapshot.
    let frames = 14;
    let theme = Theme::new(ThemeName::Dark);
    let tall = draw(&runner, &action, &run, View::new(Pane::Timeline, (78, 20)));
    let text = screen(&tall);
    assert!(row(&tall, 0).contains("client → server"), "{text}");
    assert_eq!(text.matches("→ text").count(), 6, "{text}");
    assert_eq!(text.matches("← text").count(), 6, "{text}");
    assert_eq!(text.matches("close 2 B code 1000").count(), 2, "{text}");
    // Left lane for the client, right lane for the server.
    let body: Vec<String> = (1..=frames).map(|y| row(&tall, y)).collect();
    for line in &body {
        let (left, right) = line.split_at(line.char_indices().nth(12 + 33).map_or(0, |(i, _)| i));
        assert!(
            left.contains('→') != right.contains('←'),
            "one frame a row, in its lane: {line:?}"
        );
    }
    // Ten rows: the last one, selected, is scrolled into sight and highlighted.
    let short = draw(
        &runner,
        &action,
        &run,
        View::new(Pane::Timeline, NARROW).selected(usize::MAX),
    );
    assert!(row(&short, 0).contains(&format!("{frames} of {frames}")));
    let last = short.area.height - 1;
    assert!(row(&short, last).contains("close"), "{}", screen(&short));
    assert_eq!(short[(30, last)].bg, theme.selected.bg.unwrap());
    // Without focus, no highlight.
    let unfocused = draw(
        &runner,
        &action,
        &run,
        View {
            focused: false,
            ..View::new(Pane::Timeline, NARROW).selected(usize::MAX)
        },
    );
    assert_ne!(unfocused[(30, last)].bg, theme.selected.bg.unwrap());
    tiny(&runner, &action, &run, Pane::Timeline);
    runner.shutdown().await;
}

#[test]
fn empty_captures_say_so() {
    let run = ActionRun::default();
    for (pane, said) in [
        (Pane::Heads, "No HTTP head was captured."),
        (Pane::Accept, "No Sec-WebSocket-Key was captured"),
        (Pane::Timeline, "No connection was captured."),
        (Pane::Compare, "Nothing was measured for this pane."),
    ] {
        let text = screen(&draw_measured(&run, View::new(pane, NARROW)));
        assert!(text.contains(said), "{pane:?}: {text}");
        for size in [(0, 0), (1, 1)] {
            draw_measured(&run, View::new(pane, size));
        }
    }
}

#[tokio::test]
async fn the_tls_pane_lists_the_records_and_survives_any_size() {
    let (runner, action, secure) = run(&format!(
        "kind = \"websocket\"\ntls = true\n{PINNED}\nsend = [{{ text = \"Hello\" }}]\npanes = [\"tls\"]"
    ))
    .await;
    assert!(!secure.failed(), "{:?}", secure.error);
    let wide = screen(&draw(&runner, &action, &secure, View::new(Pane::Tls, WIDE)));
    assert!(
        wide.contains("ClientHello (SNI localhost, ALPN http/1.1"),
        "{wide}"
    );
    assert!(
        wide.contains("header 16 03 01 00"),
        "the first record's header: {wide}"
    );
    assert!(
        !wide.contains("\"Hello\""),
        "no plaintext in the eavesdropper's view: {wide}"
    );
    // The last record selected: the detail follows the selection.
    let last = screen(&draw(
        &runner,
        &action,
        &secure,
        View::new(Pane::Tls, WIDE).selected(usize::MAX),
    ));
    assert!(last.contains("header 17 03 03 00"), "{last}");
    tiny(&runner, &action, &secure, Pane::Tls);

    let (runner, action, plain_run) = run(&format!("kind = \"websocket\"\n{PINNED}")).await;
    let plain = screen(&draw(
        &runner,
        &action,
        &plain_run,
        View::new(Pane::Tls, WIDE),
    ));
    assert!(
        plain.contains("This connection is plain TCP (ws://)"),
        "{plain}"
    );
}

#[tokio::test]
async fn the_timeline_keeps_to_the_proxy_view_s_filters() {
    use wslab::app::filter::{DirFilter, KindFilter};
    let (runner, action, run) = run(&format!(
        "kind = \"websocket\"\n{PINNED}\nsend = [{{ text = \"Hello\" }}, {{ ping = \"hb\" }}]"
    ))
    .await;
    let control_up = FrameFilter {
        dir: DirFilter::Up,
        kind: KindFilter::Control,
        upto: None,
    };
    let shown = runner.recorder().read(|t| {
        let conns: Vec<&Connection> = run
            .conns
            .iter()
            .filter_map(|id| t.connection(*id))
            .collect();
        let ctx = PaneCtx {
            action: &action,
            run: &run,
            conns: &conns,
            transcript: t,
            selected: 0,
            cursor: 0,
            focused: false,
            filter: control_up,
        };
        screen(&draw_ctx(&ctx, View::new(Pane::Timeline, WIDE)))
    });
    assert!(shown.contains("ping"), "the client's ping is kept: {shown}");
    for hidden in ["text", "pong", "close"] {
        assert!(!shown.contains(hidden), "{hidden} is filtered out: {shown}");
    }
}
