//! The proxy's terminal view on ratatui's `TestBackend`, at 80×24 and 120×40, over real
//! traffic: two clients through a proxy to the lab, one idle, one sending Hello and a ping.
//! Then the filters narrowing the frames, a search that filters the list, and a pause that
//! freezes the counts and the panes.

#[path = "common/proxy.rs"]
mod proxy_common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use wslab::app::filter::FrameFilter;
use wslab::app::keymap::Key;
use wslab::app::proxy_view::{Msg, ProxyView, update};
use wslab::capture::{ConnId, Limits};
use wslab::net::client::{ClientOptions, Masking, Outgoing, WsClient};
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::{Recorder, url};
use wslab::ui::{Theme, ThemeName, proxy_view};

fn screen(w: &mut ProxyView, recorder: &Recorder, (width, height): (u16, u16)) -> String {
    update(w, Msg::Captured(Arc::new(recorder.snapshot())));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| proxy_view::draw(f, w, &Theme::new(ThemeName::Dark)))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        out.push_str(&steady(&mask(line.trim_end())));
        out.push('\n');
    }
    out
}

// The widest time sets the width of the frames' time column, and on a loaded machine a
// frame may come 10 ms or more after its connection opened: the column is narrowed back to
// one digit, and the room given back before the right border, so the layout stays put.
fn steady(line: &str) -> String {
    let mut out = line.to_owned();
    while let Some(i) = out.find("+##") {
        out.replace_range(i..i + 3, "+#");
    }
    if let Some(end) = out.find("        time") {
        let start = out[..end].rfind('#').map_or(end, |h| h + 1);
        if out[start..end].chars().all(|c| c == ' ') {
            out.replace_range(start..end + 8, "       ");
        }
    }
    let removed = line.chars().count() - out.chars().count();
    if removed > 0 && out.ends_with('│') {
        out.insert_str(out.len() - '│'.len_utf8(), &" ".repeat(removed));
    }
    out
}

// Times and ports vary run to run: a number before "ms" or after "127.0.0.1:" is hidden.
fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            let before: String = chars[start.saturating_sub(10)..start].iter().collect();
            if rest.starts_with("ms") || rest == " ms" || before == "127.0.0.1:" {
                out.extend(word.chars().map(|c| if c == '.' { '.' } else { '#' }));
            } else {
                out.push_str(&word);
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn options(label: &str) -> ClientOptions {
    ClientOptions {
        key: Some("dGhlIHNhbXBsZSBub25jZQ==".into()),
        masking: Masking::Pinned([0x37, 0xfa, 0x21, 0x3d]),
        label: label.into(),
        ..ClientOptions::default()
    }
}

#[tokio::test]
async fn the_proxy_view_over_two_clients() {
    let lab = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let proxy = proxy_common::proxy(lab.addr()).await;
    let clients = Recorder::new(Limits::default());
    let idle_url = url::parse(&format!("ws://{}/chat", proxy.addr())).unwrap();
    let echo_url = url::parse(&format!("ws://{}/echo", proxy.addr())).unwrap();
    // The idle one first, so that following the tail shows the other's frames.
    let mut idle = WsClient::connect(&idle_url, &clients, &options("idle"))
        .await
        .unwrap();
    let mut client = WsClient::connect(&echo_url, &clients, &options("echo"))
        .await
        .unwrap();
    client.send(Outgoing::Text("Hello".into())).await.unwrap();
    client.recv().await.unwrap();
    client
        .send(Outgoing::Ping(bytes::Bytes::from_static(b"hb")))
        .await
        .unwrap();
    client.recv().await.unwrap();
    let recorder = proxy.recorder().clone();
    let mut w = ProxyView::new("proxy 127.0.0.1:PORT → ws://127.0.0.1:PORT/");
    for size in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(
            format!("proxy_view_{}x{}", size.0, size.1),
            screen(&mut w, &recorder, size)
        );
    }

    // The filters narrow the frames pane too: the client's control frames are the ping
    // alone, still numbered as the capture numbers it.
    update(&mut w, Msg::Key(Key::Char('o')));
    update(&mut w, Msg::Key(Key::Char('o')));
    update(&mut w, Msg::Key(Key::Char('d')));
    let shown = screen(&mut w, &recorder, (120, 40));
    assert!(
        shown.contains("client→server control only · 3 hidden"),
        "{shown}"
    );
    assert!(shown.contains("frame 3 · client → server"), "{shown}");
    insta::assert_snapshot!("proxy_view_filtered_120x40", shown);
    update(&mut w, Msg::Key(Key::Char('o')));
    update(&mut w, Msg::Key(Key::Char('o')));
    update(&mut w, Msg::Key(Key::Char('d')));
    update(&mut w, Msg::Key(Key::Char('d')));
    assert_eq!(w.filter(), FrameFilter::default());

    // A search for a text frame's payload keeps the connection that carried it.
    update(&mut w, Msg::Key(Key::Char('/')));
    for c in "Hello".chars() {
        update(&mut w, Msg::Key(Key::Char(c)));
    }
    update(&mut w, Msg::Key(Key::Enter));
    let shown = screen(&mut w, &recorder, (120, 40));
    assert_eq!(w.visible().len(), 1, "{shown}");
    assert_eq!(w.visible()[0].id, ConnId(1));
    assert!(shown.contains("/Hello · Esc clears"), "{shown}");
    update(&mut w, Msg::Key(Key::Esc));
    update(&mut w, Msg::Key(Key::Char('/')));
    for c in "chat".chars() {
        update(&mut w, Msg::Key(Key::Char(c)));
    }
    screen(&mut w, &recorder, (80, 24));
    assert_eq!(w.visible().len(), 1);
    assert_eq!(w.visible()[0].id, ConnId(0), "the target matches");
    update(&mut w, Msg::Key(Key::Esc));
    assert_eq!(w.visible().len(), 2);

    // Paused, the counts stay; the capture goes on, and the new frames are counted.
    update(&mut w, Msg::Key(Key::Char('p')));
    client.send(Outgoing::Text("more".into())).await.unwrap();
    client.recv().await.unwrap();
    let shown = screen(&mut w, &recorder, (120, 40));
    assert!(shown.contains("paused · 2 new frames"), "{shown}");
    assert_eq!(w.rows[1].total(), 4, "frozen at Hello and the ping");
    assert!(shown.contains("↑2 ↓2"), "{shown}");
    // The panes are frozen too: "more" and its echo wait for the unpause.
    assert!(shown.contains("paused, 2 new ┘"), "{shown}");
    assert!(!shown.contains("\"more\""), "{shown}");
    insta::assert_snapshot!("proxy_view_paused_120x40", shown);
    update(&mut w, Msg::Key(Key::Char('p')));
    let shown = screen(&mut w, &recorder, (120, 40));
    assert_eq!(w.rows[1].total(), 6);
    assert!(shown.contains("↑3 ↓3"), "{shown}");
    assert!(
        shown.contains("\"more\"") && !shown.contains("paused"),
        "{shown}"
    );

    client.close(1000, "").await.unwrap();
    client.drain().await.unwrap();
    idle.close(1000, "").await.unwrap();
    idle.drain().await.unwrap();
    // The proxy ends a connection once both sockets of it have closed.
    drop((client, idle));
    proxy.idle().await;
    let shown = screen(&mut w, &recorder, (120, 40));
    assert!(shown.contains("2 connections, 0 open"), "{shown}");
    lab.shutdown().await;
}

#[tokio::test]
async fn an_upstream_failure_is_listed_with_its_sentence() {
    // Bound then dropped: the port is free, and nothing listens on it.
    let free = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = free.local_addr().unwrap();
    drop(free);
    let proxy = proxy_common::proxy(addr).await;
    let target = url::parse(&format!("ws://{}/echo", proxy.addr())).unwrap();
    let clients = Recorder::new(Limits::default());
    let refused = WsClient::connect(&target, &clients, &options("client")).await;
    assert!(refused.is_err(), "the proxy answers 502");
    drop(refused);
    proxy.idle().await;
    let mut w = ProxyView::new("proxy");
    let shown = screen(&mut w, proxy.recorder(), (120, 40));
    let error = w.rows[0].error.clone().unwrap_or_default();
    assert!(error.contains("refused the connection"), "{error}");
    assert!(shown.contains("/echo closed ↑0 ↓0 ✗0"), "{shown}");
    assert!(
        shown.contains("││✗ the upstream ws://127.0.0.1:")
            && shown.contains("refused the connection"),
        "the selected connection's sentence, in full: {shown}"
    );
}

#[test]
fn a_wider_time_column_is_narrowed_back() {
    assert_eq!(
        steady("│  #        time    opcode│"),
        "│  #       time    opcode │"
    );
    assert_eq!(
        steady("│  1   +##.###ms →  text│"),
        "│  1   +#.###ms →  text │"
    );
    assert_eq!(
        steady("│  1   +#.###ms →  text│"),
        "│  1   +#.###ms →  text│"
    );
}
