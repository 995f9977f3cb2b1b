//! The proxy under load: 200 real tokio-tungstenite clients at once, through the proxy, to
//! the lab's /echo. Every byte is checked three times: what the clients sent and received
//! (their own taps), what the proxy relayed (its capture), and what the server received and
//! sent (the lab's capture). No sleeps, no fixed ports.

use crate::common::proxy::{proxy, roomy, streams};
use futures_util::{SinkExt as _, StreamExt as _};
use tokio_tungstenite::tungstenite::{Bytes, Message};
use wslab::capture::Direction;
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig};
use wslab::net::tcp;

const CLIENTS: usize = 200;
const SIZES: [usize; 4] = [0, 125, 126, 65536];

fn messages(client: usize) -> Vec<Message> {
    let mut out = Vec::new();
    for (i, &size) in SIZES.iter().enumerate() {
        // Different bytes per client and per message, so that a mix-up between connections
        // cannot pass as a match.
        let text: String = (0..size)
            .map(|j| char::from(b'a' + ((client + i + j) % 26) as u8))
            .collect();
        let binary: Vec<u8> = (0..size).map(|j| (client * 7 + i * 13 + j) as u8).collect();
        out.push(Message::text(text));
        out.push(Message::Binary(Bytes::from(binary)));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_clients_relayed_byte_for_byte() {
    let lab = Lab::start(LabConfig::default(), Recorder::new(roomy()))
        .await
        .unwrap();
    let proxy = proxy(lab.addr()).await;
    let clients = Recorder::new(roomy());
    let mut tasks = Vec::new();
    for n in 0..CLIENTS {
        let (addr, clients) = (proxy.addr(), clients.clone());
        tasks.push(tokio::spawn(async move {
            let tap = tcp::connect(addr, &clients, "client").await.unwrap();
            let url = format!("ws://{addr}/echo");
            let (mut ws, _) = tokio_tungstenite::client_async(url, tap).await.unwrap();
            for message in messages(n) {
                ws.send(message.clone()).await.unwrap();
                let echoed = ws.next().await.unwrap().unwrap();
                assert_eq!(echoed, message, "client {n}: the echo differs");
            }
            ws.close(None).await.unwrap();
            // Read until the server's close and the end of the stream.
            while let Some(Ok(_)) = ws.next().await {}
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    proxy.idle().await;
    let served_by = lab.recorder().clone();
    lab.shutdown().await;
    for direction in Direction::BOTH {
        let sent = streams(&clients, direction);
        let relayed = streams(proxy.recorder(), direction);
        let served = streams(&served_by, direction);
        assert_eq!(sent.len(), CLIENTS);
        assert!(
            sent == relayed,
            "{direction:?}: the proxy's capture differs from the clients'"
        );
        assert!(
            sent == served,
            "{direction:?}: the server's capture differs from the clients'"
        );
    }
    let frames: usize = proxy.recorder().read(|t| {
        t.connections()
            .map(|c| c.requests().frames.len() + c.responses().frames.len())
            .sum()
    });
    // Eight messages and a close each way, per client.
    assert_eq!(frames, CLIENTS * 2 * (SIZES.len() * 2 + 1));
    assert_eq!(proxy.active(), 0);
}
