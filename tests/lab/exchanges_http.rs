//! Real HTTP exchanges between wslab's own HTTP client and the lab server on loopback, with
//! and without keep-alive: heads and bodies account for every captured byte. Port 0, no
//! sleeps.

use crate::common::exchange::{NEVER, lab};
use wslab::capture::Direction;
use wslab::net::Recorder;
use wslab::net::http_client::{ClientOptions as HttpOptions, HttpClient, Request};

#[tokio::test]
async fn http_exchanges_are_counted_byte_for_byte() {
    let lab = lab(NEVER).await;
    lab.publish("first");
    for keep_alive in [true, false] {
        let recorder = Recorder::default();
        let options = HttpOptions {
            keep_alive,
            ..HttpOptions::default()
        };
        let mut client = HttpClient::new(lab.addr(), recorder.clone(), options);
        let hello = client.request(Request::get("/hello")).await.expect("hello");
        assert_eq!(hello.status, 200);
        let echo = client
            .request(Request::post("/message", "ping"))
            .await
            .expect("echo");
        assert_eq!(&echo.body[..], b"ping");
        let poll = client
            .request(Request::get("/poll?since=0"))
            .await
            .expect("poll");
        assert!(String::from_utf8_lossy(&poll.body).contains("first"));
        assert_eq!(client.connections_opened(), if keep_alive { 1 } else { 3 });
        recorder.read(|t| {
            let mut exchanges = 0;
            for c in t.connections() {
                for d in Direction::BOTH {
                    let flow = c.flow(d);
                    let counted: u64 = flow
                        .http
                        .iter()
                        .map(wslab::capture::HttpMessage::wire_len)
                        .sum();
                    assert_eq!(
                        counted, flow.bytes,
                        "{d:?}: heads and bodies account for every byte"
                    );
                    assert!(flow.http.iter().all(|m| m.body_complete));
                }
                exchanges += c.responses().http.len();
            }
            assert_eq!(exchanges, 3);
        });
    }
}
