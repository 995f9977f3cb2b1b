//! The runner's actions on real loopback sockets, one by one: what each puts on the wire, read
//! back from the runner's transcript. No sleeps but the actions' own pacing; port 0.

use wslab::capture::{Connection, Direction, Layer};
use wslab::lesson::Action;
use wslab::lesson::check::{Unanswerable, compute};
use wslab::lesson::model::{From, InputField, Probe};
use wslab::proto::OpCode;
use wslab::run::{ActionRun, Runner, Settings};

fn action(toml: &str) -> Action {
    toml::from_str(toml).expect("a valid action")
}

async fn start(toml: &str) -> (Runner, ActionRun) {
    let runner = Runner::start(Settings {
        quick: true,
        ..Settings::default()
    })
    .await
    .unwrap();
    let run = runner.run(&action(toml), None).await;
    (runner, run)
}

fn opcodes(c: &Connection, d: Direction) -> Vec<OpCode> {
    c.flow(d)
        .frames
        .iter()
        .map(|f| f.item.header.opcode())
        .collect()
}

#[tokio::test]
async fn a_pinned_websocket_action_puts_the_rfc_bytes_on_the_wire() {
    let (runner, run) = start("kind = \"websocket\"\nkey = \"dGhlIHNhbXBsZSBub25jZQ==\"\nmask = \"37fa213d\"\nsend = [{ text = \"Hello\" }, { ping = \"hb\" }]").await;
    assert!(!run.failed(), "{:?}", run.error);
    assert_eq!(run.conns.len(), 1);
    runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).unwrap();
        let raw = t.raw(c.id, Direction::ClientToServer);
        let head = c.requests().http[0].head.len;
        assert_eq!(
            &raw[head..head + 11],
            [
                0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
            ]
        );
        assert_eq!(
            opcodes(c, Direction::ClientToServer),
            [OpCode::Text, OpCode::Ping, OpCode::Close]
        );
        // The echo, the pong (awaited before closing), and the close reply.
        assert_eq!(
            opcodes(c, Direction::ServerToClient),
            [OpCode::Text, OpCode::Pong, OpCode::Close]
        );
    });
    runner.shutdown().await;
}

#[tokio::test]
async fn a_tls_websocket_action_hides_the_text_on_the_wire_but_not_from_the_endpoints() {
    let (runner, run) = start(
        "kind = \"websocket\"\ntls = true\nsend = [{ text = \"Hello, eavesdropper\" }]\npanes = [\"tls\", \"frames\"]",
    )
    .await;
    assert!(!run.failed(), "{:?}", run.error);
    assert_eq!(run.conns.len(), 1);
    runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).unwrap();
        let tls = c.tls.as_ref().expect("a TLS layer");
        let text = b"Hello, eavesdropper";
        let has = |bytes: &[u8]| bytes.windows(text.len()).any(|w| w == text);
        for d in [Direction::ClientToServer, Direction::ServerToClient] {
            let wire = t.raw_at(Layer::Tls, c.id, d);
            assert!(
                !wire.is_empty() && !has(&wire),
                "{d:?}: the text is not on the wire"
            );
            assert!(!wire.windows(7).any(|w| w == b"Upgrade"), "nor the upgrade");
            assert!(
                tls.flow(d).records.len() >= 3,
                "{d:?}: records were dissected"
            );
        }
        // The server's echo is unmasked, so the plaintext holds the text as it is.
        assert!(has(&t.raw(c.id, Direction::ServerToClient)));
        let sent = &c.flow(Direction::ClientToServer).frames[0].item;
        assert_eq!(sent.payload.as_ref(), text);
        assert_eq!(
            opcodes(c, Direction::ServerToClient),
            [OpCode::Text, OpCode::Close]
        );
        // TLS 1.3's cost per record: 5 of header, 1 of content type, 16 of tag.
        let overhead = Probe::TlsOverhead {
            from: From::Client,
            frame: 1,
            action: None,
        };
        assert_eq!(compute(&overhead, c).as_deref(), Ok("22"));
        let records = Probe::TlsRecords {
            from: From::Server,
            action: None,
        };
        let n = tls.flow(Direction::ServerToClient).records.len();
        assert_eq!(compute(&records, c), Ok(n.to_string()));
    });
    runner.shutdown().await;
}

#[tokio::test]
async fn a_plain_websocket_action_on_the_tls_lab_has_no_tls_layer() {
    let (runner, run) = start("kind = \"websocket\"\nsend = [{ text = \"x\" }]").await;
    assert!(!run.failed(), "{:?}", run.error);
    runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).unwrap();
        assert!(c.tls.is_none());
        let records = Probe::TlsRecords {
            from: From::Client,
            action: None,
        };
        assert_eq!(compute(&records, c), Err(Unanswerable::NoTls));
        assert!(
            t.raw(c.id, Direction::ClientToServer)
                .starts_with(b"GET /echo")
        );
    });
    runner.shutdown().await;
}

#[tokio::test]
async fn a_typed_key_replaces_the_pinned_one() {
    let runner = Runner::start(Settings::default()).await.unwrap();
    let a = action("kind = \"websocket\"\nkey = \"dGhlIHNhbXBsZSBub25jZQ==\"");
    let run = runner
        .run(&a, Some((InputField::Key, "AAAAAAAAAAAAAAAAAAAAAA==")))
        .await;
    assert!(!run.failed());
    let key = runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).unwrap();
        c.requests().http[0]
            .head
            .header("sec-websocket-key")
            .map(str::to_owned)
    });
    assert_eq!(key.as_deref(), Some("AAAAAAAAAAAAAAAAAAAAAA=="));
    runner.shutdown().await;
}

#[tokio::test]
async fn a_fault_s_refusal_is_expected_not_a_failure() {
    let (runner, run) = start("kind = \"fault\"\nname = \"status-200\"").await;
    assert!(run.expected && !run.failed());
    assert!(
        run.error
            .as_deref()
            .unwrap_or_default()
            .contains("200 OK instead of 101"),
        "{:?}",
        run.error
    );
    runner.shutdown().await;
}

#[tokio::test]
async fn http_without_keep_alive_opens_a_connection_per_request() {
    let (runner, run) = start("kind = \"http\"\nrepeat = 3\nkeep_alive = false").await;
    assert!(!run.failed(), "{:?}", run.error);
    assert_eq!(run.conns.len(), 3);
    let (runner2, run2) = start("kind = \"http\"\nrepeat = 3").await;
    assert_eq!(
        run2.conns.len(),
        1,
        "kept alive: one connection for the three"
    );
    runner2.recorder().read(|t| {
        assert_eq!(
            t.connection(run2.conns[0]).unwrap().responses().http.len(),
            3
        );
    });
    runner.shutdown().await;
    runner2.shutdown().await;
}

#[tokio::test]
async fn chat_delivers_every_line_to_every_client() {
    let (runner, run) =
        start("kind = \"chat\"\nclients = 3\nlines = [\"a\", \"b\", \"c\", \"d\"]").await;
    assert!(!run.failed(), "{:?}", run.error);
    assert_eq!(run.conns.len(), 3);
    runner.recorder().read(|t| {
        for id in &run.conns {
            let c = t.connection(*id).unwrap();
            let got: Vec<String> = c
                .responses()
                .messages
                .iter()
                .filter(|m| m.item.opcode == OpCode::Text)
                .map(|m| m.item.text_lossy())
                .collect();
            assert_eq!(got, ["a", "b", "c", "d"], "{}", c.label);
        }
    });
    runner.shutdown().await;
}

#[tokio::test]
async fn duplex_sends_and_receives_on_one_connection_without_taking_turns() {
    let (runner, run) = start("kind = \"duplex\"\ntyping = 3\nupdates = 6\nevery_ms = 10").await;
    assert!(!run.failed(), "{:?}", run.error);
    assert_eq!(run.conns.len(), 1);
    runner.recorder().read(|t| {
        let c = t.connection(run.conns[0]).unwrap();
        let up: Vec<u64> = c
            .requests()
            .frames
            .iter()
            .filter(|f| f.item.header.opcode() == OpCode::Text)
            .map(|f| f.at_us)
            .collect();
        let down: Vec<u64> = c
            .responses()
            .frames
            .iter()
            .filter(|f| f.item.header.opcode() == OpCode::Text)
            .map(|f| f.at_us)
            .collect();
        assert_eq!((up.len(), down.len()), (3, 6));
        // Updates arrived between the client's own sends: both directions were in flight.
        assert!(
            down.iter().any(|d| up[0] < *d && *d < up[2]),
            "up {up:?} down {down:?}"
        );
    });
    runner.shutdown().await;
}
