//! A bare student for the tests: tokio-tungstenite over a loopback socket, so that the tests
//! can send what wslab's own client never would.

use std::net::SocketAddr;

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use wslab::class::protocol::parse_from_hub;
use wslab::class::{FromHub, FromStudent, Position};
use wslab::net::class::{Hub, HubOptions};

pub type Ws = WebSocketStream<TcpStream>;

pub const CODE: &str = "K7M2PQ";

pub async fn hub(max: usize) -> Hub {
    let mut options = HubOptions::new(
        "127.0.0.1:0".parse().unwrap(),
        CODE.to_owned(),
        "NOTESKEY".to_owned(),
    );
    options.max_students = max;
    Hub::start(options).await.unwrap()
}

pub fn at(step: u32, check: u32) -> Position {
    Position {
        lesson: "frames".to_owned(),
        step,
        check,
    }
}

/// Opens a connection with `query` as the join URL's query.
pub async fn open(addr: SocketAddr, query: &str) -> Ws {
    let stream = TcpStream::connect(addr).await.unwrap();
    let url = format!("ws://{addr}/class?{query}");
    tokio_tungstenite::client_async(url, stream)
        .await
        .unwrap()
        .0
}

/// Joins with the right code as `name`, and returns the connection and its welcome.
pub async fn join(addr: SocketAddr, name: &str, resume: Option<&str>) -> (Ws, FromHub) {
    let mut ws = open(addr, &wslab::class::join::query(CODE, name, resume, false)).await;
    let welcome = next(&mut ws).await.expect("a welcome");
    assert!(matches!(welcome, FromHub::Welcome { .. }), "{welcome:?}");
    (ws, welcome)
}

/// The next message from the hub; `None` once it closed.
pub async fn next(ws: &mut Ws) -> Option<FromHub> {
    loop {
        match ws.next().await? {
            Ok(Message::Text(t)) => return Some(parse_from_hub(t.as_str()).unwrap()),
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Reads to the close frame: its code and reason.
pub async fn closed(ws: &mut Ws) -> (u16, String) {
    loop {
        match ws.next().await {
            Some(Ok(Message::Close(Some(f)))) => return (u16::from(f.code), f.reason.to_string()),
            Some(Ok(Message::Close(None))) => return (1005, String::new()),
            Some(Ok(_)) => {}
            other => panic!("the connection ended without a close frame: {other:?}"),
        }
    }
}

pub async fn send(ws: &mut Ws, m: &FromStudent) {
    ws.send(Message::text(m.encode())).await.unwrap();
}

/// Waits until the hub's view satisfies `ok`.
pub async fn until(hub: &Hub, ok: impl Fn(&wslab::net::class::RoomView) -> bool) {
    let mut view = hub.view();
    loop {
        if ok(&view.borrow_and_update()) {
            return;
        }
        view.changed().await.unwrap();
    }
}
