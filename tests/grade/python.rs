//! Python's websockets serving echo, an implementation nobody here wrote, graded: no false
//! failure. Each failure it gets is a MUST it really breaks, with the bytes that show it.

use wslab::grade::Grade;

use crate::common::python;
use crate::peers::{grade, ids, outcome, problems};

const ECHO: &str = r#"
import asyncio, sys, websockets
async def echo(ws, path=None):
    try:
        async for m in ws:
            await ws.send(m)
    except Exception:
        pass
async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, max_size=2**25) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        # Until the test closes stdin: read off the event loop, which must keep serving.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
asyncio.run(main())
"#;

#[tokio::test]
async fn pythons_websockets_fails_only_where_it_breaks_a_must() {
    let Some(python) = python::websockets("grading Python's websockets") else {
        return;
    };
    let mut server = std::process::Command::new(python)
        .args(["-c", ECHO])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python starts");
    let port = {
        use std::io::BufRead as _;
        let stdout = server.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the port");
        line.trim().to_owned()
    };
    let card = grade(&format!("ws://127.0.0.1:{port}/")).await;
    let _ = server.kill();
    let _ = server.wait();
    // Both are true breaks: §4.4 asks a server that refuses a version to name the versions it
    // speaks in Sec-WebSocket-Version, and §4.2.1 (and RFC 9112 §3.2) a request without Host
    // to be refused. Every rule of framing, masking, UTF-8, closing and deflate holds.
    assert_eq!(
        ids(&card, Grade::Fail),
        ["4.5", "4.14"],
        "{}",
        problems(&card)
    );
    let version = outcome(&card, "4.5");
    let answer = version
        .evidence
        .response
        .as_deref()
        .expect("the answer is shown");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        !answer
            .to_ascii_lowercase()
            .contains("sec-websocket-version"),
        "{answer}"
    );
    let host = outcome(&card, "4.14");
    assert!(
        !host
            .evidence
            .request
            .as_deref()
            .unwrap_or_default()
            .contains("Host:")
    );
    assert!(
        host.evidence
            .response
            .as_deref()
            .unwrap_or_default()
            .starts_with("HTTP/1.1 101")
    );
    assert!(
        ids(&card, Grade::NonStrict).is_empty(),
        "{}",
        problems(&card)
    );
    assert!(
        ids(&card, Grade::Skipped).is_empty(),
        "it accepts permessage-deflate"
    );
}
