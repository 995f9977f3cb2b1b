//! Who closed: the proxy's `close` line names the side whose close frame came first, and
//! when none crossed, says so and names who dropped TCP. Raw sockets on both sides, so that
//! each side closes exactly when the test says.

use crate::common::proxy::proxy;
use crate::deflate::read_head;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wslab::proto::Derivation;
use wslab::render::lines::{Line, of_transcript};

const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

fn request() -> Vec<u8> {
    format!(
        "GET /raw HTTP/1.1\r\nHost: upstream\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .into_bytes()
}

fn response() -> Vec<u8> {
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        Derivation::new(KEY).accept
    )
    .into_bytes()
}

// A close frame with `code`: the server's unmasked, the client's masked with the zero key.
fn close(code: u16, masked: bool) -> Vec<u8> {
    let [hi, lo] = code.to_be_bytes();
    if masked {
        vec![0x88, 0x82, 0, 0, 0, 0, hi, lo]
    } else {
        vec![0x88, 0x02, hi, lo]
    }
}

/// Who begins, in one connection through the proxy.
#[derive(Clone, Copy)]
enum Who {
    // The client sends close 1000; the server answers it and drops TCP first (§7.1.1).
    ClientCloses,
    // The server sends close 4001; the client answers; the server drops TCP.
    ServerCloses,
    // No close frame: the client drops TCP.
    ClientDrops,
}

async fn server(listener: &TcpListener, who: Who) {
    let (mut stream, _) = listener.accept().await.unwrap();
    read_head(&mut stream).await;
    stream.write_all(&response()).await.unwrap();
    let mut got = [0u8; 8];
    match who {
        Who::ClientCloses => {
            stream.read_exact(&mut got).await.unwrap();
            stream.write_all(&close(1000, false)).await.unwrap();
        }
        Who::ServerCloses => {
            stream.write_all(&close(4001, false)).await.unwrap();
            stream.read_exact(&mut got).await.unwrap();
        }
        Who::ClientDrops => {}
    }
    if !matches!(who, Who::ClientDrops) {
        stream.shutdown().await.unwrap();
    }
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
}

async fn client(addr: std::net::SocketAddr, who: Who) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&request()).await.unwrap();
    assert_eq!(read_head(&mut stream).await, response());
    let mut got = [0u8; 4];
    match who {
        Who::ClientCloses => {
            stream.write_all(&close(1000, true)).await.unwrap();
            stream.read_exact(&mut got).await.unwrap();
        }
        Who::ServerCloses => {
            stream.read_exact(&mut got).await.unwrap();
            stream.write_all(&close(4001, true)).await.unwrap();
        }
        Who::ClientDrops => stream.shutdown().await.unwrap(),
    }
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.unwrap();
    let _ = stream.shutdown().await;
}

// The close line of the only connection of a proxy that relayed one `who`.
async fn close_line(who: Who) -> Value {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = proxy(listener.local_addr().unwrap()).await;
    tokio::join!(server(&listener, who), client(proxy.addr(), who));
    proxy.idle().await;
    let lines = proxy.recorder().read(|t| of_transcript(t, 0));
    let Some(Line::Close(close)) = lines.into_iter().find(|l| matches!(l, Line::Close(_))) else {
        panic!("no close line")
    };
    serde_json::to_value(&close).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_by_names_the_first_close_frame_or_says_there_was_none() {
    let line = close_line(Who::ClientCloses).await;
    assert_eq!(line["by"], "client", "{line}");
    assert_eq!(line["by_close_frame"], true, "{line}");
    assert_eq!(line["code"], 1000, "{line}");
    // The server drops TCP first after the closing handshake, as §7.1.1 asks.
    assert_eq!(line["tcp_closed_by"], "server", "{line}");

    let line = close_line(Who::ServerCloses).await;
    assert_eq!(line["by"], "server", "{line}");
    assert_eq!(line["by_close_frame"], true, "{line}");
    assert_eq!(line["code"], 4001, "{line}");

    let line = close_line(Who::ClientDrops).await;
    assert_eq!(line["by"], "client", "{line}");
    assert_eq!(line["by_close_frame"], false, "{line}");
    assert_eq!(line["tcp_closed_by"], "client", "{line}");
    assert!(line["code"].is_null(), "{line}");
}
