//! `wslab connect` tells the truth about real servers (issue 23): the request goes out as
//! typed, a server that ignores the close is reported, a quiet server is not a fault. Each
//! server is raw, written here, and misbehaves in exactly one way.

use tokio::io::AsyncWriteExt as _;

use crate::connect_lab::{runtime, wslab};
use crate::raw_server::{read_frame, serve};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn headers_go_out_as_typed_in_order_and_repeated() {
    let rt = runtime();
    // Answers the client's close, as a server should.
    let (port, head) = serve(&rt, "", |mut s| async move {
        read_all_until_close(&mut s).await;
        let _ = s.write_all(&[0x88, 0x02, 0x03, 0xe8]).await;
    });
    let out = wslab(&[
        "connect",
        &format!("ws://127.0.0.1:{port}/"),
        "-H",
        "X-First: one",
        "-H",
        "Authorization: Bearer abc",
        "-H",
        "X-Third: three",
        "-H",
        "X-Dup: 1",
        "-H",
        "X-Dup: 2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let head = rt.block_on(head).expect("the server read a head");
    let lines: Vec<&str> = head.lines().skip(6).filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "X-First: one",
            "Authorization: Bearer abc",
            "X-Third: three",
            "X-Dup: 1",
            "X-Dup: 2"
        ],
        "{head}"
    );
}

// Reads frames until the client's close (or its hang-up); the frames read.
async fn read_all_until_close(s: &mut tokio::net::TcpStream) -> Vec<(u8, Vec<u8>)> {
    let mut frames = Vec::new();
    while let Some(frame) = read_frame(s).await {
        let close = frame.0 == 8;
        frames.push(frame);
        if close {
            break;
        }
    }
    frames
}

#[test]
fn a_server_that_ignores_the_close_is_reported() {
    let rt = runtime();
    // Reads up to the client's close, then drops TCP without a close frame of its own.
    let (port, _head) = serve(&rt, "", |mut s| async move {
        read_all_until_close(&mut s).await;
    });
    let url = format!("ws://127.0.0.1:{port}/");
    let out = wslab(&["connect", &url, "--json"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no close frame came back"), "{stderr}");
    assert!(
        stderr.contains("§5.5.1") && stderr.contains("1006"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let error = json["error"].as_str().expect("an error sentence");
    assert!(error.contains("no close frame came back"), "{error}");
}
