//! The inspector's screen at 80×24 and 120×40: what `wslab inspect` shows after sending Hello
//! and a ping, browsing a frame, the heads pane, the connection closed, and the TLS pane of a
//! wss:// exchange.

use wslab::app::inspect::{Inspector, Msg, update};
use wslab::app::keymap::Key;

use crate::fixture::{self, SERVER, addr, client, hello_and_ping, now, open, transcript};
use crate::screen::{SIZES, inspector as screen};

fn keys(i: &mut Inspector, keys: &[Key]) {
    for key in keys {
        update(i, Msg::Key(*key));
    }
}

fn snapshots(name: &str, i: &Inspector) {
    for size in SIZES {
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen(i, size));
    }
}

#[test]
fn the_console_after_hello_and_a_ping() {
    let mut t = transcript();
    let mut c = open(&mut t, "inspect", client(50_313), addr(SERVER), 0);
    c.upgrade(120, SERVER, "/echo");
    hello_and_ping(&mut c, 2_000);
    let conn = c.id;
    let mut i = Inspector::new(&format!("ws://{SERVER}/echo"));
    update(
        &mut i,
        Msg::Opened {
            conn: Some(conn),
            protocol: None,
        },
    );
    update(&mut i, Msg::Captured(now(&t)));
    for c in "draft".chars() {
        update(&mut i, Msg::Key(Key::Char(c)));
    }
    snapshots("inspect", &i);

    // Browsing: the first frame selected, the cursor on its second byte, then the heads pane.
    keys(&mut i, &[Key::Tab, Key::Home, Key::Right]);
    snapshots("inspect_frame_selected", &i);
    keys(&mut i, &[Key::Char(']'), Key::Char(']')]);
    snapshots("inspect_heads", &i);

    // The client closes with 1000, the server answers, and the loop says why it ended.
    fixture::Conn {
        t: &mut t,
        id: conn,
    }
    .closes(5_000);
    update(&mut i, Msg::Captured(now(&t)));
    update(
        &mut i,
        Msg::Closed {
            conn: Some(conn),
            why: "closed with 1000 (Normal Closure)".into(),
        },
    );
    let wide = screen(&i, (120, 24));
    assert!(
        wide.contains("closed: closed with 1000 (Normal Closure) · R reconnects"),
        "{wide}"
    );
    snapshots("inspect_closed", &i);
}

/// The TLS pane over the pasted wss:// exchange: the records an eavesdropper sees.
#[test]
fn the_tls_pane_over_wss() {
    let mut t = transcript();
    let conn = fixture::wss_hello(&mut t);
    let mut i = Inspector::new(crate::wss_capture::URL);
    update(
        &mut i,
        Msg::Opened {
            conn: Some(conn),
            protocol: None,
        },
    );
    update(&mut i, Msg::Captured(fixture::snapshot(t)));
    // Back from the first pane to the last: tls.
    keys(&mut i, &[Key::Tab, Key::Char('['), Key::Home]);
    let shown = screen(&i, (120, 40));
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
    snapshots("inspect_tls", &i);
}
