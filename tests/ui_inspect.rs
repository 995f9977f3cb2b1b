//! The inspector's screen on ratatui's `TestBackend`, at 80×24 and 120×40, over a real
//! exchange with the lab: what `wslab inspect` shows after sending Hello and a ping.

#[path = "common/screen.rs"]
mod screen;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use wslab::app::inspect::{Inspector, Msg, update};
use wslab::app::keymap::Key;
use wslab::capture::Limits;
use wslab::net::client::{ClientOptions, Masking, Outgoing, WsClient};
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::{Recorder, url};
use wslab::ui::{Theme, ThemeName, inspect};

fn screen(i: &mut Inspector, recorder: &Recorder, (w, h): (u16, u16)) -> String {
    // As the terminal loop does before it draws: the capture as it is now.
    update(i, Msg::Captured(Arc::new(recorder.snapshot())));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| inspect::draw(f, i, &Theme::new(ThemeName::Dark)))
        .unwrap();
    let out = screen::text(terminal.backend().buffer());
    // Times and the port vary run to run.
    let mut masked = String::new();
    let mut chars = out.chars().peekable();
    let mut word = String::new();
    while let Some(c) = chars.next() {
        word.push(c);
        if c.is_ascii_digit() || c == '.' {
            if chars
                .peek()
                .is_some_and(|n| n.is_ascii_digit() || *n == '.')
            {
                continue;
            }
            let rest: String = chars.clone().take(2).collect();
            if rest == "ms" || masked.ends_with("127.0.0.1:") {
                word = word
                    .chars()
                    .map(|c| if c == '.' { '.' } else { '#' })
                    .collect();
            }
        }
        masked.push_str(&word);
        word.clear();
    }
    screen::squeeze(&masked)
}

#[tokio::test]
async fn the_console_after_hello_and_a_ping() {
    let lab = Lab::start(LabConfig::default(), Recorder::default())
        .await
        .unwrap();
    let recorder = Recorder::new(Limits::default());
    let options = ClientOptions {
        key: Some("dGhlIHNhbXBsZSBub25jZQ==".into()),
        masking: Masking::Pinned([0x37, 0xfa, 0x21, 0x3d]),
        label: "inspect".into(),
        ..ClientOptions::default()
    };
    let target = url::parse(&lab.url("/echo")).unwrap();
    let mut client = WsClient::connect(&target, &recorder, &options)
        .await
        .unwrap();
    client.send(Outgoing::Text("Hello".into())).await.unwrap();
    client.recv().await.unwrap();
    client
        .send(Outgoing::Ping(bytes::Bytes::from_static(b"hb")))
        .await
        .unwrap();
    client.recv().await.unwrap();
    let mut i = Inspector::new("ws://127.0.0.1:PORT/echo");
    update(
        &mut i,
        Msg::Opened {
            conn: client.conn(),
            protocol: None,
        },
    );
    for c in "draft".chars() {
        update(&mut i, Msg::Key(Key::Char(c)));
    }
    for size in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(
            format!("inspect_{}x{}", size.0, size.1),
            screen(&mut i, &recorder, size)
        );
    }
    // Browsing: the first frame selected, the cursor on its second byte, the heads pane.
    update(&mut i, Msg::Key(Key::Tab));
    update(&mut i, Msg::Key(Key::Home));
    update(&mut i, Msg::Key(Key::Right));
    insta::assert_snapshot!(
        "inspect_frame_selected_80x24",
        screen(&mut i, &recorder, (80, 24))
    );
    update(&mut i, Msg::Key(Key::Char(']')));
    update(&mut i, Msg::Key(Key::Char(']')));
    insta::assert_snapshot!("inspect_heads_80x24", screen(&mut i, &recorder, (80, 24)));
    client.close(1000, "").await.unwrap();
    client.drain().await.unwrap();
    update(
        &mut i,
        Msg::Closed {
            conn: client.conn(),
            why: "closed with 1000 (Normal Closure)".into(),
        },
    );
    assert!(
        screen(&mut i, &recorder, (120, 24))
            .contains("closed: closed with 1000 (Normal Closure) · R reconnects")
    );
    lab.shutdown().await;
}

/// The TLS pane over a real wss:// exchange with the lab: the records an eavesdropper sees.
/// Sizes and ciphertext differ run to run (the certificate's signature, the key shares), so
/// digits and the body's bytes are masked before the snapshot.
#[tokio::test]
async fn the_tls_pane_over_wss() {
    use std::sync::Arc;
    use wslab::net::lab::Timeouts;
    use wslab::net::tls::{LabCert, TlsOptions, Trust};
    let cert = LabCert::generate().unwrap();
    let roots = Arc::new(cert.roots());
    let lab = Lab::start_tls(
        LabConfig::default(),
        Timeouts::default(),
        Recorder::default(),
        cert,
    )
    .await
    .unwrap();
    let recorder = Recorder::new(Limits::default());
    let options = ClientOptions {
        key: Some("dGhlIHNhbXBsZSBub25jZQ==".into()),
        masking: Masking::Pinned([0x37, 0xfa, 0x21, 0x3d]),
        label: "inspect".into(),
        tls: TlsOptions::new(Trust::Roots(roots), None),
        ..ClientOptions::default()
    };
    let target = url::parse(&lab.wss_url("/echo").unwrap()).unwrap();
    let mut client = WsClient::connect(&target, &recorder, &options)
        .await
        .unwrap();
    client.send(Outgoing::Text("Hello".into())).await.unwrap();
    client.recv().await.unwrap();
    let mut i = Inspector::new("wss://localhost:PORT/echo");
    update(
        &mut i,
        Msg::Opened {
            conn: client.conn(),
            protocol: None,
        },
    );
    update(&mut i, Msg::Key(Key::Tab));
    // Back from the first pane to the last: tls.
    update(&mut i, Msg::Key(Key::Char('[')));
    update(&mut i, Msg::Key(Key::Home));
    let shown = screen(&mut i, &recorder, (120, 40));
    assert!(
        shown.contains("ClientHello (SNI localhost, ALPN http/1.1, offers TLS 1.3"),
        "{shown}"
    );
    assert!(shown.contains("ServerHello (TLS 1.3"), "{shown}");
    assert!(shown.contains("application_data"), "{shown}");
    assert!(
        shown.contains("type handshake · version 0x0301 (TLS 1.0)"),
        "the ClientHello's header decoded: {shown}"
    );
    let masked: String = shown
        .lines()
        .map(|l| {
            let l = match (l.find("body "), l.find("header "), l.find("type ")) {
                (Some(at), _, _) => format!("{}body …", &l[..at]),
                (None, Some(at), Some(to)) => format!("{}header … {}", &l[..at], &l[to..]),
                _ => l.to_owned(),
            };
            // A run of digits becomes one #, so that a size or time one digit longer matches.
            let mut out = String::new();
            for c in l.chars() {
                if !c.is_ascii_digit() {
                    out.push(c);
                } else if !out.ends_with('#') {
                    out.push('#');
                }
            }
            out + "\n"
        })
        .collect();
    insta::assert_snapshot!("inspect_tls_120x40", screen::squeeze(&masked));
    client.close(1000, "").await.unwrap();
    client.drain().await.unwrap();
    lab.shutdown().await;
}
