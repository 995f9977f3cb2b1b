//! The runner's actions on real loopback sockets, one by one: what each puts on the wire, read
//! back from the runner's transcript. No sleeps but the actions' own pacing; port 0.

use wslab::capture::{Connection, Direction};
use wslab::lesson::Action;
use wslab::lesson::model::InputField;
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
