//! What an action will put on the wire, as far as the file alone tells: enough for `lessons
//! check` to reject a check about a frame that will never exist.

use super::model::{Action, From, Send};
use crate::routes::Endpoint;

/// Whether the action opens a connection a check can read: the measured experiments run on
/// their own lab, so their bytes are figures, not frames to point at.
pub fn opens_connection(action: &Action) -> bool {
    matches!(
        action,
        Action::Http(_)
            | Action::Websocket(_)
            | Action::Fault(_)
            | Action::Chat(_)
            | Action::Duplex(_)
    )
}

/// How many frames `from` sends on the action's first connection, when that is known before
/// running it; `None` when it depends on the peer or on time.
pub fn frames_sent(action: &Action, from: From) -> Option<usize> {
    let Action::Websocket(ws) = action else {
        return None;
    };
    let closes = ws.send.iter().any(|s| matches!(s, Send::Close { .. }));
    match from {
        // The client's final close, when the file did not write one, is sent all the same.
        From::Client => {
            Some(ws.send.iter().map(client_frames).sum::<usize>() + usize::from(!closes))
        }
        From::Server if ws.path == Endpoint::Echo => {
            Some(ws.send.iter().map(echo_frames).sum::<usize>() + usize::from(!closes))
        }
        From::Server => None,
    }
}

fn client_frames(send: &Send) -> usize {
    match send {
        Send::Fragments { parts, ping } => parts.len() + usize::from(ping.is_some()),
        _ => 1,
    }
}

/// /echo answers each message with one frame, each ping with a pong, a close with a close,
/// and an unsolicited pong with nothing.
fn echo_frames(send: &Send) -> usize {
    match send {
        Send::Pong(_) => 0,
        Send::Fragments { ping, .. } => 1 + usize::from(ping.is_some()),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::model::Websocket;

    fn ws(path: &str, send: Vec<Send>) -> Action {
        let text = format!("kind = \"websocket\"\npath = \"{path}\"\n");
        let Ok(Action::Websocket(mut w)) = toml::from_str::<Action>(&text) else {
            panic!("parses")
        };
        w.send = send;
        Action::Websocket(Websocket { ..w })
    }

    #[test]
    fn echo_frames_are_counted_both_ways() {
        let sends = vec![
            Send::Text("a".into()),
            Send::Fragments {
                parts: vec!["a".into(), "b".into(), "c".into()],
                ping: Some(b"p".to_vec()),
            },
            Send::Pong(b"x".to_vec()),
        ];
        let action = ws("/echo", sends);
        assert_eq!(frames_sent(&action, From::Client), Some(1 + 4 + 1 + 1));
        assert_eq!(frames_sent(&action, From::Server), Some(1 + 2 + 1));
        let closing = ws(
            "/ticker",
            vec![Send::Close {
                code: 1000,
                reason: String::new(),
            }],
        );
        assert_eq!(frames_sent(&closing, From::Client), Some(1));
        assert_eq!(frames_sent(&closing, From::Server), None);
    }
}
