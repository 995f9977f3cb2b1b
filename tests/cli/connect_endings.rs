//! How `connect` ends against servers that misbehave after the handshake (issue 18, points 8
//! and 9): a connection that ends without a close frame is never a success, and the client
//! waits for the server's reaction before it closes, so a broken rule is answered with its
//! own close code, not 1000. Each server is raw, written here, and reads the client's message
//! before it misbehaves, so that what it does comes after the send, as a real reply would.

use tokio::io::AsyncWriteExt as _;
use tokio::sync::oneshot;

use crate::connect_lab::{runtime, start, wslab};
use crate::raw_server::{read_frame, serve};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What the server does once it has read the client's first frame.
#[derive(Clone, Copy)]
enum Then {
    /// Writes these bytes, then closes TCP (a FIN).
    WriteAndClose(&'static [u8]),
    /// Resets TCP.
    Reset,
}

// A server that reads one frame, then does `then`.
fn misbehaving(rt: &tokio::runtime::Runtime, then: Then) -> u16 {
    let (port, _head) = serve(rt, "", move |mut s| async move {
        match then {
            Then::WriteAndClose(bytes) => {
                let _ = read_frame(&mut s).await;
                let _ = s.write_all(bytes).await;
                let _ = s.shutdown().await;
            }
            Then::Reset => {
                // Closing a socket with bytes it never read sends RST, not FIN (RFC 2525
                // §2.17, as Linux and the BSDs do): so the client's message is left unread.
                let _ = s.peek(&mut [0u8; 1]).await;
            }
        }
    });
    port
}

const NO_CLOSE: &str = "the connection ended without a close frame: the server";
const CODE_1006: &str = "a WebSocket API reports this as code 1006, a code no endpoint ever sends on the wire (RFC 6455 §7.1.5, §7.4.1)";

#[test]
fn a_frame_cut_short_then_the_end_of_tcp_is_no_success() {
    let rt = runtime();
    // The server: a binary frame announcing 100 bytes, 10 of them sent.
    let bytes = &[0x82, 0x64, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    let port = misbehaving(&rt, Then::WriteAndClose(bytes));
    let out = wslab(&[
        "connect",
        &format!("ws://127.0.0.1:{port}/"),
        "--send",
        "Hello",
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{NO_CLOSE} closed the TCP connection in the middle of its frame 1: 12 of the frame's 102 bytes came, 90 never did")),
        "{stderr}"
    );
    assert!(stderr.contains(CODE_1006), "{stderr}");
    // The frame that came in part is shown, with what is missing.
    assert!(
        stdout.contains("the stream ends inside frame 1: its 2-byte header came whole, then 10 of its 100 payload bytes, so 90 bytes are missing"),
        "{stdout}"
    );
}

#[test]
fn each_way_of_ending_without_a_close_frame_is_said() {
    let rt = runtime();
    for (then, said) in [
        (
            Then::WriteAndClose(&[]),
            "closed the TCP connection after the handshake, before sending any frame",
        ),
        // An unsolicited pong (§5.5.3): a whole frame, but no reply, so the wait goes on.
        (
            Then::WriteAndClose(&[0x8a, 0x00]),
            "closed the TCP connection after 1 frame, between frames",
        ),
        (
            Then::WriteAndClose(&[0x82, 0x7e, 0x00]),
            "closed the TCP connection in the middle of the header of its frame 1, inside the 16-bit extended payload length (1 of its 2 bytes), 1 byte short of a whole header",
        ),
        (Then::Reset, "reset the TCP connection"),
    ] {
        let port = misbehaving(&rt, then);
        let out = wslab(&[
            "connect",
            &format!("ws://127.0.0.1:{port}/"),
            "--send",
            "Hello",
        ]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{said}: {stderr}");
        assert!(
            stderr.contains(&format!("{NO_CLOSE} {said}")),
            "{said}: {stderr}"
        );
        assert!(stderr.contains(CODE_1006), "{stderr}");
    }
}

/// The next frame the client sent, once the server has read it.
type NextFrame = oneshot::Receiver<Option<(u8, Vec<u8>)>>;

// The same with permessage-deflate agreed, where wslab's own session speaks the connection.
#[test]
fn an_ending_without_a_close_frame_is_said_under_deflate_too() {
    let rt = runtime();
    let (port, _head) = serve(
        &rt,
        "Sec-WebSocket-Extensions: permessage-deflate\r\n",
        |mut s| async move {
            let _ = read_frame(&mut s).await;
            let _ = s.write_all(&[0x82, 0x64, 0, 1, 2, 3]).await;
            let _ = s.shutdown().await;
        },
    );
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--deflate", "--send", "Hello"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{NO_CLOSE} closed the TCP connection in the middle of its frame 1: 6 of the frame's 102 bytes came, 96 never did")),
        "{stderr}"
    );
    assert!(stderr.contains(CODE_1006), "{stderr}");
}

// A server that reads the client's message, answers it with `bytes`, and gives back the next
// frame the client sends: its close, which must carry the code for what `bytes` broke.
fn breaks_a_rule(rt: &tokio::runtime::Runtime, bytes: &'static [u8]) -> (u16, NextFrame) {
    let (tx, rx) = oneshot::channel();
    let (port, _head) = serve(rt, "", move |mut s| async move {
        let _ = read_frame(&mut s).await;
        let _ = s.write_all(bytes).await;
        let _ = tx.send(read_frame(&mut s).await);
    });
    (port, rx)
}

#[test]
fn a_rule_broken_in_reply_is_answered_with_its_close_code() {
    let rt = runtime();
    for (bytes, code, said) in [
        // A masked frame from the server (§5.1).
        (
            &[0x82, 0x82, 1, 2, 3, 4, 0x41, 0x42][..],
            1002u16,
            "this server frame is masked",
        ),
        // Text that is not UTF-8 (§8.1).
        (&[0x81, 0x02, 0xc3, 0x28][..], 1007, "not valid UTF-8"),
        // A frame declaring 16 MiB + 1, more than wslab takes (§10.4).
        (
            &[0x82, 0x7f, 0, 0, 0, 0, 1, 0, 0, 1][..],
            1009,
            "so wslab closed with 1009, message too big",
        ),
    ] {
        let (port, next) = breaks_a_rule(&rt, bytes);
        let out = wslab(&[
            "connect",
            &format!("ws://127.0.0.1:{port}/"),
            "--send",
            "Hello",
        ]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{code}: {stderr}");
        assert!(stderr.contains(said), "{code}: {stderr}");
        let close = rt
            .block_on(next)
            .expect("the server ran")
            .expect("a frame after Hello");
        assert_eq!(close.0, 8, "{code}: a close frame");
        assert_eq!(
            close.1.get(..2),
            Some(&code.to_be_bytes()[..]),
            "{code}: {stderr}"
        );
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("and what the server did then ended the wait"),
            "{stdout}"
        );
    }
}

#[test]
fn the_wait_for_replies_is_stated_and_ends_with_the_echo() {
    let rt = runtime();
    let lab = start(&rt);
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send",
        "a",
        "--send-hex",
        "01 02",
        "--brief",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Waited up to 500 ms (--linger) for a reply to each of the 2 messages sent: 2 came, the last after"),
        "{stdout}"
    );
    let json = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send",
        "a",
        "--linger",
        "2000",
        "--json",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON object");
    let waited = value["waited"].as_str().expect("a sentence");
    assert!(
        waited.starts_with(
            "waited up to 2000 ms (--linger) for a reply to each of the 1 message sent: 1 came"
        ),
        "{waited}"
    );

    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send",
        "a",
        "--linger",
        "0",
        "--brief",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("Did not wait for replies (--linger 0): closed right after the sends"),
        "{}",
        text(&out.stdout)
    );
    // --expect takes the wait's place; both at once is a usage error.
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--expect",
        "1",
        "--linger",
        "9",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_wait_ends_with_the_pong_to_the_last_ping() {
    let rt = runtime();
    let lab = start(&rt);
    // A lone ping: its pong ends the wait, which used to run its whole 500 ms.
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--ping",
        "are you there",
        "--brief",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "Waited up to 500 ms (--linger) for the pong to the ping: 1 pong back, the last after"
        ),
        "{stdout}"
    );
    // Data and pings together: the echo and the last ping's pong, both.
    let out = wslab(&[
        "connect",
        &lab.url("/echo"),
        "--send",
        "a",
        "--ping",
        "1",
        "--ping",
        "2",
        "--brief",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("for a reply to each of the 1 message sent and the pong to the last of the 2 pings: 1 came, 2 pongs back, the last after"),
        "{stdout}"
    );
}

#[test]
fn a_server_that_says_nothing_is_waited_for_then_closed_cleanly() {
    let rt = runtime();
    // Reads until the client's close and answers it; sends nothing unasked.
    let (port, _head) = serve(&rt, "", |mut s| async move {
        while let Some((opcode, _)) = read_frame(&mut s).await {
            if opcode == 8 {
                let _ = s.write_all(&[0x88, 0x02, 0x03, 0xe8]).await;
                break;
            }
        }
    });
    let out = wslab(&[
        "connect",
        &format!("ws://127.0.0.1:{port}/"),
        "--send",
        "Hello",
        "--linger",
        "50",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(
            "Waited up to 50 ms (--linger) for a reply to each of the 1 message sent: 0 came\n"
        ),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_server_that_closes_first_ends_the_wait_cleanly() {
    let rt = runtime();
    let (tx, rx) = oneshot::channel();
    // Reads the message, closes with 1000, and hands back the client's answer.
    let (port, _head) = serve(&rt, "", |mut s| async move {
        let _ = read_frame(&mut s).await;
        let _ = s.write_all(&[0x88, 0x02, 0x03, 0xe8]).await;
        let _ = tx.send(read_frame(&mut s).await);
    });
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--send", "Hello", "--brief"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "for a reply to each of the 1 message sent: 0 came, before the server closed"
        ),
        "{stdout}"
    );
    let answer = rt.block_on(rx).expect("the server ran").expect("a frame");
    assert_eq!(
        (answer.0, answer.1),
        (8, vec![0x03, 0xe8]),
        "the close echoed (§5.5.1)"
    );
}
