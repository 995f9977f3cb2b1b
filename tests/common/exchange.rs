//! Helpers shared by the exchange test crates: a lab on a free port, wslab's own client
//! connected to it, and the checks every exchange must pass.

// Each test crate uses a different subset of these.
#![allow(dead_code)]

use std::time::Duration;

use tokio_tungstenite::tungstenite::Message;
use wslab::capture::selfcheck::Verdict;
use wslab::capture::{ConnId, Direction};
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::url::{self, WsUrl};
use wslab::net::{ClientError, ClientOptions, Masking, Outgoing, Recorder, WsClient};

pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

pub async fn lab(tick: Duration) -> Lab {
    let config = LabConfig {
        tick,
        ..LabConfig::default()
    };
    Lab::start(config, Recorder::default())
        .await
        .expect("the lab starts")
}

pub const NEVER: Duration = Duration::from_secs(3600);

pub fn url(lab: &Lab, path: &str) -> WsUrl {
    url::parse(&lab.url(path)).expect("the lab's URL parses")
}

pub fn options() -> ClientOptions {
    ClientOptions {
        key: Some(KEY.into()),
        timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    }
}

/// RFC 6455 §5.7's masking key: pinned, so that the frames repeat byte for byte.
pub const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// [`options`] with [`MASK`] pinned.
pub fn pinned() -> ClientOptions {
    ClientOptions {
        masking: Masking::Pinned(MASK),
        ..options()
    }
}

/// Sends `outgoing` and checks that the next message from the server is `expected`.
pub async fn round_trip(client: &mut WsClient, outgoing: Outgoing, expected: Message) {
    client.send(outgoing).await.expect("sent");
    assert_eq!(client.recv().await.expect("a reply"), Some(expected));
}

pub async fn connect(lab: &Lab, path: &str, recorder: &Recorder) -> WsClient {
    WsClient::connect(&url(lab, path), recorder, &options())
        .await
        .expect("the handshake succeeds")
}

pub async fn connect_with(
    lab: &Lab,
    path: &str,
    recorder: &Recorder,
    options: &ClientOptions,
) -> Result<WsClient, ClientError> {
    WsClient::connect(&url(lab, path), recorder, options).await
}

/// The self-check, which must hold in every exchange.
pub fn assert_self_check(recorder: &Recorder, client: &WsClient, finished: bool) {
    let conn = client.conn().expect("recorded");
    let verdict = recorder.read(|t| {
        client.delivered().check(
            t.connection(conn)
                .expect("connection")
                .flow(Direction::ServerToClient),
            finished,
        )
    });
    assert!(
        matches!(verdict, Verdict::Agree(_)),
        "self-check: {verdict:?}"
    );
}

/// Both taps saw the same bytes, both ways: the client's capture and the lab's.
pub fn assert_same_bytes_both_ends(client: &Recorder, conn: ConnId, lab: &Lab) {
    for direction in Direction::BOTH {
        let ours = client.read(|t| t.raw(conn, direction));
        let theirs = lab.recorder().read(|t| {
            let last = t
                .connections()
                .last()
                .expect("the lab recorded the connection")
                .id;
            t.raw(last, direction)
        });
        assert_eq!(ours, theirs, "{direction:?} differs between the two taps");
        assert!(!ours.is_empty());
    }
}

pub async fn finish(client: &mut WsClient) {
    client.close(1000, "done").await.expect("close is sent");
    client.drain().await.expect("the server closes cleanly");
}
