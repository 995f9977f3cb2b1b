//! The inspector's screen at 80×24 and 120×40: what `wslab inspect` shows after sending Hello
//! and a ping, browsing a frame, the heads pane, the connection closed, and the TLS pane of a
//! wss:// exchange, and the raw composer previewing crafted frames.

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

/// The raw composer: a frame typed as fields, taken apart before it is sent; a length that
/// lies, with a fragment before it; and a mistake, in one sentence.
#[test]
fn the_raw_composer_previews_what_enter_sends() {
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
    update(
        &mut i,
        Msg::Keys(vec![[0x37, 0xfa, 0x21, 0x3d], [0x01, 0x02, 0x03, 0x04]]),
    );
    // Up from text wraps to the last kind, raw: empty, it shows the capture and what it takes.
    keys(&mut i, &[Key::Up]);
    snapshots("inspect_raw_empty", &i);

    type_text(&mut i, "rsv1=1 opcode=0xb payload=\"a b\"");
    let shown = screen(&i, (120, 40));
    assert!(
        shown.contains("1 frame typed as fields, 9 bytes"),
        "{shown}"
    );
    assert!(shown.contains("✗ 2 rules broken"), "{shown}");
    assert!(shown.contains("opcode 0xb is reserved"), "{shown}");
    snapshots("inspect_raw_fields", &i);

    // The byte cursor walks into the masked payload: its unmasking is shown.
    keys(&mut i, &[Key::Right; 7]);
    let shown = screen(&i, (120, 40));
    assert!(shown.contains("payload[1]"), "{shown}");

    i.draft.clear();
    type_text(&mut i, "fin=0 payload=Hel; opcode=cont len=300 payload=lo");
    let shown = screen(&i, (120, 40));
    assert!(
        shown.contains("note: frame 2 declares 300 payload bytes but carries 2"),
        "{shown}"
    );
    snapshots("inspect_raw_lie", &i);

    i.draft.clear();
    type_text(&mut i, "opcode=99 payload=hi");
    snapshots("inspect_raw_error", &i);

    // Tab gives the capture back, and ? from there lists every key, raw's included.
    keys(&mut i, &[Key::Tab, Key::Char('?')]);
    let shown = screen(&i, (80, 24));
    assert!(shown.contains("raw (hex or fields, sent as is)"), "{shown}");
    snapshots("inspect_keys", &i);
}

fn type_text(i: &mut Inspector, text: &str) {
    for c in text.chars() {
        update(i, Msg::Key(Key::Char(c)));
    }
}

/// Wherever a field's meaning is cut, at any size, it ends in "…": never cut silently
/// (issue 23, item 15). The pong's meaning is the longest in this capture.
#[test]
fn a_cut_meaning_always_ends_in_an_ellipsis() {
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
    keys(&mut i, &[Key::Tab, Key::End]);
    let mut seen = 0;
    for pane in 0..2 {
        for width in (40..=160).step_by(3) {
            for height in [12, 18, 24, 40] {
                let shown = screen(&i, (width, height));
                for line in shown.lines().filter(|l| l.contains("answers a ping")) {
                    seen += 1;
                    let inner = line.trim_end().trim_end_matches(['│', '┃']).trim_end();
                    assert!(
                        inner.ends_with("heartbeat)") || inner.ends_with('…'),
                        "pane {pane}, {width}×{height}: {line:?}"
                    );
                }
            }
        }
        keys(&mut i, &[Key::Char(']')]);
    }
    assert!(seen > 0, "the pong's meaning was never drawn");
}
