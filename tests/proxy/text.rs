//! `payload_text` is text only when it is: a raw upstream, behind the proxy, sends a binary
//! frame that ends inside a character, a compressed text message and a close with a reason;
//! the lines, cut as `--max-payload 8` cuts them, say which previews were cut.

use crate::common::proxy::proxy;
use crate::deflate::{read_head, request, response};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use wslab::capture::{ConnId, Direction, Learned, Update};
use wslab::proto::deflate::{Deflater, WindowBits};
use wslab::render::lines::{Line, of_update};

// Forty bytes that compress to fewer than the eight shown, so that only the inflated
// preview is cut.
const SAID: &str = "abababababababababababababababababababab";
// Cut at 8 bytes, the preview ends on a lead byte: its prefix is UTF-8, the whole is not.
const BINARY: &[u8] = b"ABCDEFG\xc3\x28 and more";
// Close code 4161 is 10 41, which reads as UTF-8: a close payload must still not be text.
const CLOSE: &[u8] = b"\x10\x41bye";

// An unmasked frame of the server's: FIN, the opcode, RSV1 when compressed.
fn frame(opcode: u8, rsv1: bool, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126);
    let first = 0x80 | opcode | if rsv1 { 0x40 } else { 0 };
    let mut out = vec![first, payload.len() as u8];
    out.extend_from_slice(payload);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payload_text_is_only_whole_utf8_inflated_and_never_a_close() {
    assert_eq!(SAID.len(), 40);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = proxy(listener.local_addr().unwrap()).await;
    let compressed = Deflater::new(WindowBits::MAX, false)
        .unwrap()
        .compress(SAID.as_bytes())
        .unwrap();
    assert!(compressed.len() <= 8, "{compressed:?}");
    let mut sent = response();
    sent.extend(frame(0x2, false, BINARY));
    sent.extend(frame(0x1, true, &compressed));
    sent.extend(frame(0x8, false, CLOSE));
    let upstream = async {
        let (mut stream, _) = listener.accept().await.unwrap();
        read_head(&mut stream).await;
        stream.write_all(&sent).await.unwrap();
        stream.shutdown().await.unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).await.unwrap();
    };
    let client = async {
        let mut stream = TcpStream::connect(proxy.addr()).await.unwrap();
        stream.write_all(&request()).await.unwrap();
        let mut all = Vec::new();
        stream.read_to_end(&mut all).await.unwrap();
        stream.shutdown().await.unwrap();
        all
    };
    let ((), got) = tokio::join!(upstream, client);
    assert_eq!(got, sent);
    proxy.idle().await;
    proxy.recorder().read(|t| {
        let learned = |l| Update::Learned(ConnId(0), Direction::ServerToClient, l);
        let line = |l| of_update(t, learned(l), 0, 8).pop();
        for i in 0..3 {
            let Some(Line::Frame(f)) = line(Learned::Frame(i)) else {
                panic!("no frame {i}")
            };
            assert_eq!(f.payload_text, None, "frame {i}: {:?}", f.payload_hex);
        }
        let Some(Line::Message(binary)) = line(Learned::Message(0)) else {
            panic!("no binary message")
        };
        assert_eq!(binary.payload_hex, "41424344454647c3");
        assert_eq!(binary.payload_text, None, "c3 28 is not UTF-8");
        assert!(binary.preview_truncated);
        let Some(Line::Message(text)) = line(Learned::Message(1)) else {
            panic!("no text message")
        };
        assert!(text.compressed);
        assert_eq!(
            text.payload_text.as_deref(),
            Some("abababab"),
            "the inflated text"
        );
        assert!(text.preview_truncated, "8 of 40 inflated bytes shown");
        let Some(Line::Message(close)) = line(Learned::Message(2)) else {
            panic!("no close message")
        };
        assert_eq!(close.payload_text, None);
        assert_eq!(close.close_code, Some(4161));
        assert_eq!(close.close_reason.as_deref(), Some("bye"));
    });
}
