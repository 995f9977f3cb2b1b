//! `wslab connect --deflate` as a user runs it: against the lab, and against Python's
//! websockets as the server (an implementation nobody here wrote), when it is installed.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use crate::connect_lab::{runtime, start, wslab};

const JSON: &str = r#"{"kind":"tick","symbol":"WSLAB","price":101.25,"ok":true}"#;

// The same message twice, then the negotiation and the frames are read from the output.
fn connect(url: &str, deflate: &str) -> String {
    let out = wslab(&[
        "connect", url, deflate, "--send", JSON, "--send", JSON, "--expect", "2", "--brief",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("✓ self-check"), "{stdout}");
    stdout
}

// The compressed sizes of the client's two messages, from the frame lines.
fn sent_sizes(stdout: &str) -> Vec<u64> {
    stdout
        .lines()
        .filter(|l| l.contains("→ text") && l.contains("RSV1"))
        .filter_map(|l| {
            let after = l.split("→ text").nth(1)?;
            after.split_whitespace().next()?.parse().ok()
        })
        .collect()
}

#[test]
fn against_the_lab_the_offer_is_explained_and_the_repeat_is_smaller() {
    let rt = runtime();
    let lab = start(&rt);
    let url = lab.url("/echo");
    let stdout = connect(&url, "--deflate");
    assert!(
        stdout.contains("offered: permessage-deflate; client_max_window_bits"),
        "{stdout}"
    );
    assert!(stdout.contains("accepted: permessage-deflate"), "{stdout}");
    let sizes = sent_sizes(&stdout);
    assert_eq!(sizes.len(), 2, "{stdout}");
    assert!(sizes[1] < sizes[0], "context takeover: {sizes:?}");
    assert!(stdout.contains("keeps it between messages"), "{stdout}");

    let stdout = connect(&url, "--deflate=client_no_context_takeover");
    let sizes = sent_sizes(&stdout);
    assert_eq!(sizes[0], sizes[1], "no context takeover: {sizes:?}");

    let out = wslab(&["connect", &url, "--deflate=client_max_window_bits=16"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("RFC 7692 §7.1.2"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

// An echo server with Python's websockets, compression on by default; it prints its port.
const PYTHON_SERVER: &str = r#"
import asyncio, websockets
async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, compression="deflate") as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
"#;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn against_python_websockets_both_directions_compress() {
    let Some(python) = ["python3", "/usr/bin/python3"].into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import websockets"])
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!(
            "skipped: python3 with the websockets module is not installed, so connect --deflate was not tried against an independent server; .ci/run installs python3-websockets"
        );
        return;
    };
    let mut child = Command::new(python)
        .args(["-c", PYTHON_SERVER])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    let stdout = child.stdout.take().expect("piped");
    let server = Killed(child);
    let mut port = String::new();
    BufReader::new(stdout)
        .read_line(&mut port)
        .expect("the server prints its port");
    let url = format!("ws://127.0.0.1:{}/", port.trim());
    for (deflate, shrinks) in [
        ("--deflate", true),
        ("--deflate=client_no_context_takeover", false),
        (
            "--deflate=server_max_window_bits=10; client_max_window_bits=12",
            true,
        ),
        // Offered by hand (issue 23, item 2): honoured as --deflate is, never a 1002.
        (
            "--header=Sec-WebSocket-Extensions: permessage-deflate",
            true,
        ),
    ] {
        let out = connect(&url, deflate);
        assert!(out.contains("accepted: permessage-deflate"), "{out}");
        let sizes = sent_sizes(&out);
        assert_eq!(sizes.len(), 2, "{out}");
        assert_eq!(sizes[1] < sizes[0], shrinks, "{deflate}: {sizes:?}");
        // The server's echoes came back compressed and were inflated to the message.
        assert_eq!(
            out.lines()
                .filter(|l| l.contains("← text") && l.contains("RSV1"))
                .count(),
            2,
            "{out}"
        );
        println!("{deflate}: the client's two messages crossed as {sizes:?} bytes");
    }
    drop(server);
}
