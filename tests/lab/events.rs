//! `GET /events`, the feed as Server-Sent Events, over real loopback sockets: a raw client
//! reads each event as it is published, `Last-Event-ID` resumes, other methods get 405, the
//! stream ends when the client leaves or the lab stops, and Python's urllib, a client nobody
//! here wrote, reads the same stream.

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wslab::net::lab::Lab;

use crate::common::lab::{NEVER, exchange, lab, split};

/// Opens `/events` with `extra` header lines and reads the whole response head.
async fn open(lab: &Lab, extra: &str) -> (TcpStream, String, Vec<u8>) {
    let mut stream = TcpStream::connect(lab.addr()).await.unwrap();
    let request =
        format!("GET /events HTTP/1.1\r\nHost: lab\r\nAccept: text/event-stream\r\n{extra}\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before the head: {got:?}");
        got.extend_from_slice(&chunk[..n]);
    }
    let (head, rest) = split(&got);
    (stream, head, rest)
}

/// Reads until `got` holds `wanted`; every byte read stays in `got`.
async fn read_until(stream: &mut TcpStream, got: &mut Vec<u8>, wanted: &str) {
    let mut chunk = [0u8; 4096];
    while !got.windows(wanted.len()).any(|w| w == wanted.as_bytes()) {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(
            n > 0,
            "closed before {wanted:?}: {}",
            String::from_utf8_lossy(got)
        );
        got.extend_from_slice(&chunk[..n]);
    }
}

/// The `id:` and `data:` lines of update `id`, whose text is `text`, as the stream carries
/// them (its `at_ms` varies, so the data line is matched up to it and from its text on).
fn has_event(got: &[u8], id: u64, text: &str) -> bool {
    let got = String::from_utf8_lossy(got);
    let start = format!("id: {id}\ndata: {{\"id\":{id},\"at_ms\":");
    got.match_indices(&start).any(|(at, _)| {
        let rest = &got[at + start.len()..];
        let end = format!(",\"text\":\"{text}\"}}\n\n");
        rest.trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(&end)
    })
}

#[tokio::test]
async fn each_update_arrives_as_an_event_when_it_is_published() {
    let lab = lab(NEVER).await;
    // The head comes at once, before any update: the client knows the stream is open.
    let (mut stream, head, mut got) = open(&lab, "").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/event-stream\r\n"),
        "{head}"
    );
    assert!(head.contains("Cache-Control: no-cache\r\n"), "{head}");
    // No length: the body is chunked and never ends on its own.
    assert!(head.contains("Transfer-Encoding: chunked\r\n"), "{head}");
    assert!(!head.contains("Content-Length"), "{head}");
    assert!(got.is_empty(), "nothing before the first update: {got:?}");

    // One at a time: each is read before the next exists, so each was sent when published.
    for (id, text) in [(1, "first"), (2, "second"), (3, "third")] {
        assert_eq!(lab.publish(text), id);
        read_until(&mut stream, &mut got, &format!("\"text\":\"{text}\"}}\n\n")).await;
        assert!(
            has_event(&got, id, text),
            "{}",
            String::from_utf8_lossy(&got)
        );
    }
    assert!(!String::from_utf8_lossy(&got).contains("retry:"));
    lab.shutdown().await;
}

#[tokio::test]
async fn last_event_id_resumes_after_that_update() {
    let lab = lab(NEVER).await;
    for text in ["one", "two", "three"] {
        lab.publish(text);
    }
    let (mut stream, head, mut got) = open(&lab, "Last-Event-ID: 1\r\n").await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    read_until(&mut stream, &mut got, "\"text\":\"three\"}\n\n").await;
    assert!(has_event(&got, 2, "two") && has_event(&got, 3, "three"));
    assert!(
        !has_event(&got, 1, "one"),
        "{}",
        String::from_utf8_lossy(&got)
    );
    // Then on as usual.
    lab.publish("four");
    read_until(&mut stream, &mut got, "\"text\":\"four\"}\n\n").await;
    assert!(has_event(&got, 4, "four"));

    // Without the header, a client gets only what is published after it came.
    let (mut fresh, _, mut got) = open(&lab, "").await;
    lab.publish("five");
    read_until(&mut fresh, &mut got, "\"text\":\"five\"}\n\n").await;
    let text = String::from_utf8_lossy(&got);
    assert!(
        has_event(&got, 5, "five") && !text.contains("id: 4\n"),
        "{text}"
    );

    // An id this feed never reached (a lab restarted since) is said, and the stream goes on.
    let (mut ahead, _, mut got) = open(&lab, "Last-Event-ID: 99\r\n").await;
    read_until(&mut ahead, &mut got, "ahead of this feed").await;
    lab.publish("six");
    read_until(&mut ahead, &mut got, "\"text\":\"six\"}\n\n").await;
    assert!(has_event(&got, 6, "six"));
    lab.shutdown().await;
}

#[tokio::test]
async fn updates_the_feed_no_longer_keeps_are_said_in_a_comment() {
    let lab = lab(NEVER).await;
    let kept = wslab::net::lab::feed::KEPT_UPDATES as u64;
    for _ in 0..kept + 5 {
        lab.publish("x");
    }
    let (mut stream, _, mut got) = open(&lab, "Last-Event-ID: 2\r\n").await;
    read_until(&mut stream, &mut got, &format!("id: {}\n", kept + 5)).await;
    let text = String::from_utf8_lossy(&got);
    assert!(
        text.contains(": updates 3 to 5 are no longer kept: the feed keeps its last 1000\n"),
        "{}",
        &text[..300.min(text.len())]
    );
    assert!(text.contains("id: 6\n") && !text.contains("id: 5\n"));
    lab.shutdown().await;
}

#[tokio::test]
async fn other_methods_get_405_with_allow_and_head_gets_the_head_alone() {
    let lab = lab(NEVER).await;
    let post =
        b"POST /events HTTP/1.1\r\nHost: lab\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    let (head, _) = split(&exchange(&lab, post).await);
    assert!(
        head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
        "{head}"
    );
    assert!(head.contains("Allow: GET, HEAD\r\n"), "{head}");

    let request = b"HEAD /events HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n";
    let answer = exchange(&lab, request).await;
    let (head, body) = split(&answer);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/event-stream\r\n"),
        "{head}"
    );
    assert!(body.is_empty(), "{body:?}");

    // The other endpoints' 405s name what they answer too.
    let put = b"PUT /poll HTTP/1.1\r\nHost: lab\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    let (head, _) = split(&exchange(&lab, put).await);
    assert!(head.contains("Allow: GET\r\n"), "{head}");
    lab.shutdown().await;
}

/// Waits until the lab's own end of its only `/events` connection has closed.
async fn lab_side_closed(lab: &Lab) {
    let mut updates = lab.recorder().subscribe();
    let closed = || {
        lab.recorder().read(|t| {
            t.connections()
                .any(|c| c.closed_us.is_some() && c.requests().http.len() == 1)
        })
    };
    while !closed() {
        updates.recv().await.unwrap();
    }
}

#[tokio::test]
async fn the_stream_ends_when_the_client_leaves_or_the_lab_stops() {
    let lab = lab(NEVER).await;
    let (stream, _, _) = open(&lab, "").await;
    // Leaving with no update to write: the lab notices the end of the request side.
    drop(stream);
    lab_side_closed(&lab).await;

    let (mut stream, _, _) = open(&lab, "").await;
    lab.shutdown().await;
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    // The body had begun no chunk and the lab hung up: no last chunk, just the end.
    assert!(rest.is_empty(), "{rest:?}");
}

// urllib sends Last-Event-ID: 1, so it gets update 2 at once, then 3 when it comes.
const SCRIPT: &str = r#"
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Last-Event-ID": "1"})
with urllib.request.urlopen(request, timeout=20) as response:
    print(response.headers["Content-Type"])
    seen = 0
    while seen < 2:
        line = response.readline().decode("utf-8")
        if not line:
            break
        if line.startswith(("id:", "data:")):
            print(line.rstrip("\n"))
            seen += line.startswith("data:")
"#;

#[tokio::test]
async fn pythons_urllib_reads_the_events() {
    let Some(python) = ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .arg("-c")
            .arg("import urllib.request")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!("skipped: no python3, so /events was not read by urllib");
        return;
    };
    let lab = lab(NEVER).await;
    lab.publish("one");
    lab.publish("two");
    let url = lab.http_url("/events");
    let reading = crate::common::python::run(python, SCRIPT, vec![url]);
    let publish = async {
        // Once urllib has asked, update 3 is one it can only get by the stream staying open.
        let mut updates = lab.recorder().subscribe();
        let asked = || {
            lab.recorder()
                .read(|t| t.connections().any(|c| c.requests().http.len() == 1))
        };
        while !asked() {
            updates.recv().await.unwrap();
        }
        lab.publish("three");
    };
    let (said, ()) = tokio::join!(reading, publish);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.first(), Some(&"text/event-stream"), "{said}");
    assert_eq!(lines.get(1), Some(&"id: 2"), "{said}");
    assert!(
        lines
            .get(2)
            .is_some_and(|l| l.starts_with("data: {\"id\":2,")),
        "{said}"
    );
    assert_eq!(lines.get(3), Some(&"id: 3"), "{said}");
    assert!(
        lines
            .get(4)
            .is_some_and(|l| l.ends_with("\"text\":\"three\"}")),
        "{said}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn the_capture_shows_an_unfinished_stream_as_expected_not_as_an_error() {
    use wslab::capture::Direction;
    use wslab::net::Recorder;
    use wslab::net::http_client::{ClientOptions, HeaderSet, HttpClient, Request};
    use wslab::proto::sse::SseParser;
    use wslab::render::exchange::summary;
    use wslab::render::lesson::http_heads;
    use wslab::render::style::Palette;

    let lab = lab(NEVER).await;
    let recorder = Recorder::default();
    let options = ClientOptions {
        headers: HeaderSet::minimal()
            .with("Accept", "text/event-stream")
            .unwrap(),
        label: "sse".to_owned(),
        ..ClientOptions::default()
    };
    let mut client = HttpClient::new(lab.addr(), recorder.clone(), options);
    let mut stream = client.stream(Request::get("/events")).await.unwrap();
    assert_eq!(stream.status, 200);
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let conn = stream.conn.expect("recorded");
    let mut parser = SseParser::new();
    let mut events = Vec::new();
    for text in ["a", "b"] {
        let id = lab.publish(text);
        while events.len() < usize::try_from(id).unwrap() {
            let piece = stream.next().await.unwrap().expect("the stream goes on");
            events.extend(parser.feed(&piece).unwrap());
        }
    }
    assert_eq!(parser.last_event_id(), "2");
    assert!(events[1].data.ends_with(",\"text\":\"b\"}"), "{events:?}");
    stream.close().await;

    recorder.read(|t| {
        let c = t.connection(conn).expect("the connection");
        assert!(c.closed_us.is_some() && c.error.is_none(), "{:?}", c.error);
        let response = &c.responses().http[0];
        assert!(!response.body_complete, "the stream had not ended");
        assert!(response.body_len > 0);
        for direction in Direction::BOTH {
            assert!(c.flow(direction).problem.is_none());
        }
        let p = Palette::plain();
        // The heads pane of a lesson, and the summary of `connect` and the saved captures.
        let shown = [http_heads(&[c], 5, true), summary(c, p)].concat();
        assert!(shown.contains("Content-Type: text/event-stream"), "{shown}");
        assert!(shown.contains("so far, still open"), "{shown}");
        for wrong in ["✗", "error", "incomplete", "never ended", "failed"] {
            assert!(!shown.contains(wrong), "{wrong:?} in:\n{shown}");
        }
        let lines = wslab::render::lines::of_transcript(t, 0);
        let mut json = Vec::new();
        for line in &lines {
            wslab::render::lines::write(&mut json, line).unwrap();
        }
        let json = String::from_utf8(json).unwrap();
        assert!(json.contains("\"GET /events HTTP/1.1\""), "{json}");
        // The close is the client's, with no error; nothing says the body went wrong.
        assert!(json.contains("\"error\":null"), "{json}");
        for wrong in ["\"error\":\"", "problem", "incomplete"] {
            assert!(!json.contains(wrong), "{wrong:?} in:\n{json}");
        }
    });
    lab.shutdown().await;
}
