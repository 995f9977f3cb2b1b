//! The proxy's terminal view on ratatui's `TestBackend`, at 80×24 and 120×40, over real
//! traffic: two clients through a proxy to the lab, one idle, one sending Hello and a ping.
//! Then a search that filters the list, and a pause that freezes the counts.

#[path = "common/proxy.rs"]
mod proxy_common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use wslab::app::keymap::Key;
use wslab::app::watch::Watch;
use wslab::capture::{ConnId, Limits};
use wslab::net::client::{ClientOptions, Masking, Outgoing, WsClient};
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::{Recorder, url};
use wslab::ui::{Theme, ThemeName, watch};

fn screen(w: &mut Watch, recorder: &Recorder, (width, height): (u16, u16)) -> String {
    recorder.read(|t| w.refresh(t));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| watch::draw(f, w, recorder, &Theme::new(ThemeName::Dark)))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    mask(&out)
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
    let mut w = Watch::new("proxy 127.0.0.1:PORT → ws://127.0.0.1:PORT/");
    for size in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(
            format!("watch_{}x{}", size.0, size.1),
            screen(&mut w, &recorder, size)
        );
    }

    // A search for a text frame's payload keeps the connection that carried it.
    w.key(Key::Char('/'));
    for c in "Hello".chars() {
        w.key(Key::Char(c));
    }
    w.key(Key::Enter);
    let shown = screen(&mut w, &recorder, (120, 40));
    assert_eq!(w.visible().len(), 1, "{shown}");
    assert_eq!(w.visible()[0].id, ConnId(1));
    assert!(shown.contains("/Hello · Esc clears"), "{shown}");
    w.key(Key::Esc);
    w.key(Key::Char('/'));
    for c in "chat".chars() {
        w.key(Key::Char(c));
    }
    screen(&mut w, &recorder, (80, 24));
    assert_eq!(w.visible().len(), 1);
    assert_eq!(w.visible()[0].id, ConnId(0), "the target matches");
    w.key(Key::Esc);
    assert_eq!(w.visible().len(), 2);

    // Paused, the counts stay; the capture goes on, and the new frames are counted.
    w.key(Key::Char('p'));
    client.send(Outgoing::Text("more".into())).await.unwrap();
    client.recv().await.unwrap();
    let shown = screen(&mut w, &recorder, (120, 40));
    assert!(shown.contains("paused · 2 new frames"), "{shown}");
    assert_eq!(w.rows[1].total(), 4, "frozen at Hello and the ping");
    assert!(shown.contains("↑2 ↓2"), "{shown}");
    w.key(Key::Char('p'));
    let shown = screen(&mut w, &recorder, (120, 40));
    assert_eq!(w.rows[1].total(), 6);
    assert!(shown.contains("↑3 ↓3"), "{shown}");

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
