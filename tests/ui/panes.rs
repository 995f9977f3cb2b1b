//! The rich panes drawn on ratatui's `TestBackend` from captures made by hand (see
//! `fixture`): the heads, the Accept derivation, the timeline and the TLS records, drawn at a
//! lesson's pane sizes and at sizes too small to hold anything; and a measured table built by
//! hand.

use ratatui::buffer::Buffer;
use wslab::app::filter::{DirFilter, FrameFilter, KindFilter};
use wslab::capture::measure::{Figure, Measured, Row};
use wslab::capture::{ConnId, Connection, Transcript};
use wslab::lesson::outcome::ActionRun;
use wslab::lesson::{Action, Pane};
use wslab::proto::OpCode;
use wslab::ui::widgets::{self, PaneCtx};

use crate::fixture::{
    self, DOWN, KEY, SERVER, UP, addr, client, echo_hello, open, refusal, request, transcript,
};
use crate::screen::{self, row, text as screen};

/// The RFC 6455 sample key, and a mask, so that the bytes repeat run to run.
const PINNED: &str = "key = \"dGhlIHNhbXBsZSBub25jZQ==\"\nmask = \"37fa213d\"";

/// What a lesson gives the pane at 80×24 (about ten rows) and at 120×40.
const NARROW: (u16, u16) = (78, 10);
const WIDE: (u16, u16) = (118, 24);

fn action(toml: &str) -> Action {
    toml::from_str(toml).expect("a valid action")
}

/// An action's capture: what it ran, and what the runner would have recorded.
struct Ran {
    t: Transcript,
    action: Action,
    run: ActionRun,
}

impl Ran {
    fn new(toml: &str, t: Transcript, conns: Vec<ConnId>) -> Self {
        Self {
            t,
            action: action(toml),
            run: ActionRun {
                conns,
                ..ActionRun::default()
            },
        }
    }

    /// Draws `view` of the capture with `filter`.
    fn draw_filtered(&self, view: View, filter: FrameFilter) -> Buffer {
        let conns: Vec<&Connection> = self
            .run
            .conns
            .iter()
            .filter_map(|id| self.t.connection(*id))
            .collect();
        draw_ctx(
            &PaneCtx {
                action: &self.action,
                run: &self.run,
                conns: &conns,
                transcript: &self.t,
                selected: view.selected,
                cursor: 0,
                focused: view.focused,
                filter,
                saved: None,
            },
            view,
        )
    }

    fn draw(&self, view: View) -> Buffer {
        self.draw_filtered(view, FrameFilter::default())
    }

    /// Every pane must survive being squeezed to nothing.
    fn tiny(&self, pane: Pane) {
        for size in [(0, 0), (1, 1), (2, 1), (5, 2), (20, 3)] {
            for selected in [0, 3, usize::MAX] {
                self.draw(View::new(pane, size).selected(selected));
            }
        }
    }
}

/// A websocket action sending "Hello", over [`echo_hello`].
fn hello() -> Ran {
    let mut t = transcript();
    let conn = echo_hello(&mut t);
    Ran::new(
        &format!("kind = \"websocket\"\n{PINNED}\nsend = [{{ text = \"Hello\" }}]"),
        t,
        vec![conn],
    )
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

fn draw_ctx(ctx: &PaneCtx<'_>, view: View) -> Buffer {
    let (w, h) = view.size;
    screen::draw(w, h, |f| {
        widgets::draw(f, f.area(), &screen::theme(), view.pane, ctx);
    })
}

#[test]
fn heads_narrow_stack_and_explain_the_selected_header() {
    let ran = hello();
    // The request's Sec-WebSocket-Key line, after its start line.
    let key_line = {
        let c = ran.t.connection(ran.run.conns[0]).expect("a connection");
        let head = &c.requests().http[0].head;
        1 + head
            .headers
            .iter()
            .position(|h| h.name.eq_ignore_ascii_case("sec-websocket-key"))
            .expect("a key")
    };
    let narrow = ran.draw(View::new(Pane::Heads, NARROW).selected(key_line));
    let text = screen(&narrow);
    insta::assert_snapshot!("heads_narrow_key", text);
    assert!(text.contains("16 random bytes in base64"), "{text}");
    assert!(
        text.contains("✓ the key dGhlIHNhbXBsZSBub25jZQ== is 16 bytes"),
        "{text}"
    );
    // The selected line is the highlighted one.
    let y = (0..narrow.area.height)
        .find(|y| row(&narrow, *y).contains("Sec-WebSocket-Key: dGhl"))
        .expect("the key line is in sight");
    assert_eq!(narrow[(40, y)].bg, screen::theme().selected.bg.unwrap());

    let wide = ran.draw(View::new(Pane::Heads, (120, 24)).selected(99));
    let text = screen(&wide);
    insta::assert_snapshot!("heads_wide_last", text);
    assert!(text.contains("→ request head") && text.contains("← response head"));
    assert!(text.contains("all 13 handshake rules hold"), "{text}");
    ran.tiny(Pane::Heads);
}

#[test]
fn heads_of_a_refused_upgrade_count_the_broken_rules() {
    // The lab's status-200 fault: a plain page where the 101 should be.
    let mut t = transcript();
    let mut c = open(&mut t, "client", client(50_350), addr(SERVER), 0);
    let body = "wslab lab: this is a plain page, not a WebSocket handshake\n";
    c.bytes(UP, 100, &request(SERVER, "/fault/status-200"))
        .bytes(DOWN, 420, &refusal("200 OK", body));
    let conn = c.id;
    t.close(conn, 600, None);
    let ran = Ran::new(
        &format!("kind = \"fault\"\nname = \"status-200\"\n{PINNED}"),
        t,
        vec![conn],
    );
    // The response's status line: after the request's start line, headers and blank line.
    let status_line = {
        let c = ran.t.connection(conn).expect("a connection");
        2 + c.requests().http[0].head.headers.len()
    };
    let text = screen(&ran.draw(View::new(Pane::Heads, NARROW).selected(status_line)));
    insta::assert_snapshot!("heads_narrow_refused", text);
    assert!(text.contains("✗ 4 of 13 handshake rules broken"), "{text}");
    assert!(text.contains("✗ the status is 200 OK"), "{text}");
}

#[test]
fn heads_of_http_list_every_exchange() {
    // Three GETs with minimal headers, each on its own connection.
    let mut t = transcript();
    let mut conns = Vec::new();
    for n in 0..3u16 {
        let at = u64::from(n) * 2_000;
        let mut c = open(&mut t, "client", client(50_360 + n), addr(SERVER), at);
        let get = format!("GET / HTTP/1.1\r\nHost: {SERVER}\r\nConnection: close\r\n\r\n");
        c.bytes(UP, at + 100, get.as_bytes()).bytes(
            DOWN,
            at + 400,
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n\r\nhi\n",
        );
        conns.push(c.id);
        t.close(conns[usize::from(n)], at + 600, None);
    }
    let ran = Ran::new(
        "kind = \"http\"\nheaders = \"minimal\"\nkeep_alive = false\nrepeat = 3",
        t,
        conns,
    );
    let text = screen(&ran.draw(View::new(Pane::Heads, WIDE)));
    insta::assert_snapshot!("heads_wide_http", text);
    assert!(text.contains("3 exchanges on 3 TCP connections"), "{text}");
    assert_eq!(text.matches("client: → ").count(), 3, "{text}");
    assert!(!text.contains("handshake rules"), "{text}");
    ran.tiny(Pane::Heads);
}

#[test]
fn accept_derivation_matches_the_server() {
    let ran = hello();
    let text = screen(&ran.draw(View::new(Pane::Accept, NARROW)));
    insta::assert_snapshot!("accept_matches", text);
    assert!(
        text.contains("b37a4f2cc0624f1690f64606cf385945b2bec4ea"),
        "{text}"
    );
    assert!(text.contains("✓ the same"), "{text}");
    // Too narrow for a value beside its label: each goes under it.
    insta::assert_snapshot!(
        "accept_stacked",
        screen(&ran.draw(View::new(Pane::Accept, (40, 14))))
    );
    ran.tiny(Pane::Accept);
}

#[test]
fn accept_derivation_catches_a_wrong_accept() {
    // The lab's wrong-accept fault: base64(SHA-1(key)), the GUID left out.
    let mut t = transcript();
    let mut c = open(&mut t, "client", client(50_370), addr(SERVER), 0);
    let wrong = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                 Sec-WebSocket-Accept: hHLtf2V1k8aDQZfNjw3Ia1hCwt0=\r\n\r\n";
    c.bytes(UP, 100, &request(SERVER, "/fault/wrong-accept"))
        .bytes(DOWN, 420, wrong.as_bytes());
    let conn = c.id;
    t.close(conn, 600, None);
    let ran = Ran::new(
        &format!("kind = \"fault\"\nname = \"wrong-accept\"\n{PINNED}"),
        t,
        vec![conn],
    );
    let buffer = ran.draw(View::new(Pane::Accept, NARROW));
    let text = screen(&buffer);
    insta::assert_snapshot!("accept_wrong", text);
    assert!(text.contains("✗ different"), "{text}");
    assert!(text.contains(fixture::ACCEPT), "{text}");
    assert!(text.contains(KEY), "{text}");
    // The bad mark is drawn in the theme's bad style.
    let (x, y) = (0..buffer.area.height)
        .find_map(|y| {
            (0..buffer.area.width)
                .find(|x| buffer[(*x, y)].symbol() == "✗")
                .map(|x| (x, y))
        })
        .expect("a ✗");
    assert_eq!(buffer[(x, y)].fg, screen::theme().bad.fg.unwrap());
}

/// The shape of the polling experiment's table, with figures fixed.
fn polling() -> Measured {
    let row = |label: &str, figures: Vec<Figure>| Row {
        label: label.to_owned(),
        figures,
    };
    Measured {
        title: "Polling, long polling, WebSocket push and SSE, measured".to_owned(),
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
            row(
                "Server-Sent Events",
                vec![
                    Figure::Count(1),
                    Figure::None,
                    Figure::Bytes(548),
                    Figure::Count(7),
                    Figure::Micros(910),
                    Figure::Micros(2_130),
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
    let transcript = Transcript::default();
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
            saved: None,
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

#[test]
fn timeline_of_an_echo() {
    let ran = hello();
    let text = screen(&ran.draw(View::new(Pane::Timeline, NARROW).selected(1)));
    insta::assert_snapshot!("timeline_echo", text);
    ran.tiny(Pane::Timeline);
}

#[test]
fn timeline_of_duplex_keeps_the_selected_row_in_sight() {
    // The duplex action over /ticker: six typing indicators up, six updates down, half a
    // period apart, then a close each way.
    let mut t = transcript();
    let mut c = open(&mut t, "client", client(50_380), addr(SERVER), 0);
    c.upgrade(100, SERVER, "/ticker");
    for n in 1..=6u64 {
        let at = 1_000 + n * 10_000;
        let typing = format!(r#"{{"typing":true,"n":{n}}}"#);
        c.frame(UP, at, OpCode::Text, typing.as_bytes());
        let tick = format!(r#"{{"tick":{n}}}"#);
        c.frame(DOWN, at + 5_000, OpCode::Text, tick.as_bytes());
    }
    c.closes(80_000);
    let conn = c.id;
    let ran = Ran::new(
        "kind = \"duplex\"\ntyping = 6\nupdates = 6\nevery_ms = 10",
        t,
        vec![conn],
    );
    let frames = 14;
    let theme = screen::theme();
    let tall = ran.draw(View::new(Pane::Timeline, (78, 20)));
    let text = screen(&tall);
    insta::assert_snapshot!("timeline_duplex", text);
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
    let short = ran.draw(View::new(Pane::Timeline, NARROW).selected(usize::MAX));
    assert!(row(&short, 0).contains(&format!("{frames} of {frames}")));
    let last = short.area.height - 1;
    assert!(row(&short, last).contains("close"), "{}", screen(&short));
    assert_eq!(short[(30, last)].bg, theme.selected.bg.unwrap());
    // Without focus, no highlight.
    let unfocused = ran.draw(View {
        focused: false,
        ..View::new(Pane::Timeline, NARROW).selected(usize::MAX)
    });
    assert_ne!(unfocused[(30, last)].bg, theme.selected.bg.unwrap());
    ran.tiny(Pane::Timeline);
}

#[test]
fn the_tls_pane_lists_the_records_and_survives_any_size() {
    let mut t = transcript();
    let conn = fixture::wss_hello(&mut t);
    let secure = Ran::new(
        &format!(
            "kind = \"websocket\"\ntls = true\n{PINNED}\nsend = [{{ text = \"Hello\" }}]\npanes = [\"tls\"]"
        ),
        t,
        vec![conn],
    );
    let wide = screen(&secure.draw(View::new(Pane::Tls, WIDE)));
    insta::assert_snapshot!("tls_wide_first", wide);
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
    let last = screen(&secure.draw(View::new(Pane::Tls, WIDE).selected(usize::MAX)));
    assert!(last.contains("header 17 03 03 00"), "{last}");
    secure.tiny(Pane::Tls);

    let plain = screen(&hello().draw(View::new(Pane::Tls, WIDE)));
    assert!(
        plain.contains("This connection is plain TCP (ws://)"),
        "{plain}"
    );
}

#[test]
fn the_timeline_keeps_to_the_proxy_view_s_filters() {
    let mut t = transcript();
    let mut c = open(&mut t, "client", client(50_390), addr(SERVER), 0);
    c.upgrade(100, SERVER, "/echo");
    fixture::hello_and_ping(&mut c, 1_000);
    c.closes(4_000);
    let conn = c.id;
    let ran = Ran::new(
        &format!(
            "kind = \"websocket\"\n{PINNED}\nsend = [{{ text = \"Hello\" }}, {{ ping = \"hb\" }}]"
        ),
        t,
        vec![conn],
    );
    let control_up = FrameFilter {
        dir: DirFilter::Up,
        kind: KindFilter::Control,
        upto: None,
    };
    let view = View {
        focused: false,
        ..View::new(Pane::Timeline, WIDE)
    };
    let shown = screen(&ran.draw_filtered(view, control_up));
    assert!(shown.contains("ping"), "the client's ping is kept: {shown}");
    for hidden in ["text", "pong", "close"] {
        assert!(!shown.contains(hidden), "{hidden} is filtered out: {shown}");
    }
}
