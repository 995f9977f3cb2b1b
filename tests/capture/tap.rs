//! The tap under real tokio-tungstenite peers: what the Transcript reassembles from the
//! captured bytes is what the library sent and delivered, on both ends of one connection.

use futures_util::{SinkExt as _, StreamExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use wslab::capture::{Direction, Limits};
use wslab::net::{End, Recorder, Tap};
use wslab::proto::OpCode;

#[tokio::test]
async fn both_ends_capture_the_same_exchange() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server_rec = Recorder::new(Limits::default());
    let client_rec = Recorder::new(Limits::default());

    let srec = server_rec.clone();
    let server = tokio::spawn(async move {
        let (tcp, peer) = listener.accept().await.unwrap();
        let conn = srec.open("lab", Some(peer), Some(addr));
        let mut ws = tokio_tungstenite::accept_async(Tap::new(tcp, srec, conn, End::Server))
            .await
            .unwrap();
        while let Some(Ok(message)) = ws.next().await {
            if message.is_text() || message.is_binary() {
                ws.send(message).await.unwrap();
            }
        }
    });

    let tcp = TcpStream::connect(addr).await.unwrap();
    let conn = client_rec.open("client", Some(tcp.local_addr().unwrap()), Some(addr));
    let tap = Tap::new(tcp, client_rec.clone(), conn, End::Client);
    let (mut ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/echo"), tap)
        .await
        .unwrap();
    ws.send(Message::text("Hello")).await.unwrap();
    let echoed = ws.next().await.unwrap().unwrap();
    assert_eq!(echoed.to_text().unwrap(), "Hello");
    ws.send(Message::binary(vec![7u8; 70_000])).await.unwrap();
    assert_eq!(ws.next().await.unwrap().unwrap().len(), 70_000);
    ws.close(None).await.unwrap();
    while ws.next().await.is_some() {}
    drop(ws);
    server.await.unwrap();

    for rec in [&client_rec, &server_rec] {
        rec.read(|t| {
            let connection = t.connections().next().expect("one connection");
            let request = &connection.requests().http[0];
            assert!(request.raw.starts_with(b"GET /echo HTTP/1.1\r\n"));
            let response = &connection.responses().http[0];
            assert!(response.raw.starts_with(b"HTTP/1.1 101"));
            let sent: Vec<(OpCode, u64)> = connection
                .flow(Direction::ClientToServer)
                .messages
                .iter()
                .map(|m| (m.item.opcode, m.item.length))
                .collect();
            assert_eq!(
                sent,
                [
                    (OpCode::Text, 5),
                    (OpCode::Binary, 70_000),
                    (OpCode::Close, 0)
                ]
            );
            let got: Vec<(OpCode, u64)> = connection
                .responses()
                .messages
                .iter()
                .map(|m| (m.item.opcode, m.item.length))
                .collect();
            assert_eq!(
                got,
                [
                    (OpCode::Text, 5),
                    (OpCode::Binary, 70_000),
                    (OpCode::Close, 0)
                ]
            );
            for flow in [connection.requests(), connection.responses()] {
                assert!(
                    flow.frames.iter().all(|f| f.item.violations.is_empty()),
                    "{:?}",
                    flow.frames
                );
                assert_eq!(flow.problem, None);
                assert!(flow.ended_us.is_some());
            }
            assert_eq!(
                t.raw(connection.id, Direction::ClientToServer).len() as u64,
                connection.requests().bytes
            );
        });
    }
}
