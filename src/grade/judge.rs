//! The verdict of one case, from what the capture holds of the server's answer. Pure: the
//! runner hands over the connection as recorded and how it ended.

use super::case::{Case, Expect, Role};
use super::heard::{Ending, Heard, How};
use super::outcome::{Grade, Verdict};
use crate::capture::Connection;
use crate::proto::handshake::check_response;
use crate::proto::{Violation, deflate};

/// The verdict on `case`, whose connection is `connection` and ended as `ending`.
pub fn judge(case: &Case, connection: &Connection, ending: &Ending) -> Verdict {
    let heard = Heard::of(connection, case.role);
    let miss = Grade::for_miss(case.rule.level);
    if !case.handshake_only() && !heard.opened() {
        let answer = match heard.status {
            Some(status) => format!("it answered {status}"),
            None => no_answer(ending),
        };
        return Verdict::new(
            Grade::Fail,
            format!("the opening handshake did not open the connection: {answer}"),
        );
    }
    let verdict = match &case.expect {
        Expect::Refused => refused(&heard, ending),
        Expect::WrongVersion => wrong_version(&heard, ending),
        Expect::Opens => opens(case, connection, &heard, ending),
        Expect::Echo(replies) => echo(&heard, ending, replies),
        Expect::Fails { before, codes } => fails(&heard, ending, before, codes, miss),
        Expect::ClosesWith { echo } => closes_with(&heard, ending, *echo),
        Expect::NothingAfterClose => nothing_after_close(&heard, ending),
        Expect::FailsFast => fails_fast(&heard, ending),
        Expect::Takes(size) => takes(&heard, ending, *size),
        Expect::Rejects => rejects(&heard, ending),
    };
    if case.handshake_only() || verdict.grade == Grade::Fail || !heard.opened() {
        return verdict;
    }
    // Whatever the case asked, the server's own frames must keep the rules, and once both
    // closes have crossed the server must end TCP (§5.5.1).
    if let Some(broken) = peer_broke(connection, case.role) {
        return broken;
    }
    if case.role == Role::Server && heard.close.is_some() && ending.how == How::TimedOut {
        return Verdict::new(
            Grade::Fail,
            format!(
                "after the closing handshake it kept the TCP connection open for {:.1} s; the server must close it at once (§5.5.1)",
                ending.waited_secs
            ),
        );
    }
    verdict
}

// A rule the server's own frames break. A close code outside the ranges of §7.4 that the
// RFC does not forbid outright (only 1005, 1006 and 1015 are MUST NOT) is non-strict.
fn peer_broke(connection: &Connection, role: Role) -> Option<Verdict> {
    let flow = connection.flow(role.sends());
    let first = flow
        .frames
        .iter()
        .find_map(|timed| timed.item.violations.first().map(|v| (timed, v)));
    if let Some((timed, v)) = first {
        let grade = match v {
            Violation::CloseCodeNotAllowed { code, .. } if !matches!(code, 1005 | 1006 | 1015) => {
                Grade::NonStrict
            }
            _ => Grade::Fail,
        };
        return Some(Verdict::new(
            grade,
            format!(
                "its own frame {} broke a rule: {v} (§{})",
                timed.item.index,
                v.section()
            ),
        ));
    }
    flow.problem.as_ref().map(|p| {
        Verdict::new(
            Grade::Fail,
            format!("what it sent stopped being readable WebSocket: {p}"),
        )
    })
}

fn no_answer(ending: &Ending) -> String {
    match ending.how {
        How::TimedOut => format!("it sent no answer within {:.1} s", ending.waited_secs),
        How::Reset => "it reset the connection without an answer".into(),
        How::PeerClosed => "it closed the connection without an answer".into(),
        How::Answered | How::Closed => "it answered".into(),
    }
}

fn refused(heard: &Heard<'_>, ending: &Ending) -> Verdict {
    match heard.status {
        Some(101) => Verdict::new(Grade::Fail, "it answered 101 and opened the connection"),
        Some(status) => Verdict::new(Grade::Pass, format!("it refused with {status}")),
        None => Verdict::new(
            Grade::Fail,
            format!(
                "{}; it must answer with an HTTP error status",
                no_answer(ending)
            ),
        ),
    }
}

fn wrong_version(heard: &Heard<'_>, ending: &Ending) -> Verdict {
    let versions = heard
        .response
        .and_then(|h| h.header("sec-websocket-version"))
        .map(str::to_owned);
    match (heard.status, versions) {
        (Some(101), _) => Verdict::new(Grade::Fail, "it answered 101 to version 8"),
        (None, _) => Verdict::new(Grade::Fail, no_answer(ending)),
        (Some(status), None) => Verdict::new(
            Grade::Fail,
            format!("it refused with {status} but named no Sec-WebSocket-Version it speaks"),
        ),
        (Some(status), Some(v)) => Verdict::new(
            Grade::Pass,
            format!("it refused with {status} and Sec-WebSocket-Version: {v}"),
        ),
    }
}

fn opens(case: &Case, connection: &Connection, heard: &Heard<'_>, ending: &Ending) -> Verdict {
    let Some(response) = heard.response else {
        return Verdict::new(Grade::Fail, no_answer(ending));
    };
    if !heard.opened() {
        let status = heard.status.unwrap_or(0);
        return Verdict::new(
            Grade::for_miss(case.rule.level),
            format!("it refused a valid request with {status}"),
        );
    }
    let Some(request) = connection.requests().http.first().map(|m| &m.head) else {
        return Verdict::new(Grade::Fail, "the request was not captured");
    };
    if let Some(broken) = check_response(request, response)
        .into_iter()
        .find(|c| !c.passed)
    {
        return Verdict::new(
            Grade::Fail,
            format!("{} (§{})", broken.detail, broken.rule.section()),
        );
    }
    if let Some(offer) = case.deflate {
        let offered: Vec<deflate::Params> = deflate::offers([offer])
            .into_iter()
            .filter_map(Result::ok)
            .collect();
        let answers = response
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("sec-websocket-extensions"))
            .map(|h| h.value.as_str());
        return match deflate::check_answer(&offered, answers) {
            Ok(Some(_)) => Verdict::new(
                Grade::Pass,
                format!(
                    "it accepted: {}",
                    response.header("sec-websocket-extensions").unwrap_or("")
                ),
            ),
            Ok(None) => Verdict::new(Grade::Info, "it declined permessage-deflate"),
            Err(e) => Verdict::new(Grade::Fail, format!("{e} (RFC 7692 §{})", e.section())),
        };
    }
    let chose = response.header("sec-websocket-protocol");
    match (case.protocols, chose) {
        (Some(_), Some(p)) => Verdict::new(Grade::Pass, format!("it opened and chose {p}")),
        (Some(_), None) => Verdict::new(Grade::Pass, "it opened and chose no subprotocol"),
        _ => Verdict::new(
            Grade::Pass,
            "it opened with 101 and a correct Sec-WebSocket-Accept",
        ),
    }
}

// The close the server owes ours (§5.5.1), once everything expected has come back.
fn close_answer(heard: &Heard<'_>, ending: &Ending, sent: Option<u16>, done: &str) -> Verdict {
    match (heard.close, ending.how) {
        (None, How::TimedOut) => Verdict::new(
            Grade::Fail,
            format!(
                "{done}, but our close had no answer within {:.1} s; it must send a close in response (§5.5.1)",
                ending.waited_secs
            ),
        ),
        (None, _) => Verdict::new(
            Grade::Fail,
            format!("{done}, but it ended TCP without answering our close (§5.5.1)"),
        ),
        (Some(_), _) => {
            let got = heard.close_code();
            // With no code to echo, any close answers an empty one.
            if got == sent || sent.is_none() {
                Verdict::new(
                    Grade::Pass,
                    format!(
                        "{done}, and answered our close with {}",
                        heard.close_phrase()
                    ),
                )
            } else {
                Verdict::new(
                    Grade::NonStrict,
                    format!(
                        "{done}, and answered our close{} with {}; a reply typically echoes the code (§5.5.1)",
                        sent.map_or(String::new(), |c| format!(" {c}")),
                        heard.close_phrase()
                    ),
                )
            }
        }
    }
}

fn echo(heard: &Heard<'_>, ending: &Ending, replies: &[super::case::Reply]) -> Verdict {
    if let Some(missing) = heard.missing(replies) {
        // A limit is the server's to choose (§10.4): 1009 instead of an echo is reported.
        if heard.close_code() == Some(1009) {
            return Verdict::new(
                Grade::Info,
                format!("{missing}: it closed with 1009, message too big, which §10.4 allows"),
            );
        }
        let how = match (heard.close, ending.how) {
            (Some(_), _) => format!("; it sent {}", heard.close_phrase()),
            (None, How::TimedOut) => {
                format!("; nothing more came within {:.1} s", ending.waited_secs)
            }
            (None, _) => "; it closed the connection".into(),
        };
        return Verdict::new(Grade::Fail, format!("{missing}{how}"));
    }
    let done = match heard.data_count() {
        0 if replies.is_empty() => "it went on".to_owned(),
        0 => "it answered the ping".to_owned(),
        1 => "it echoed the message".to_owned(),
        n => format!("it echoed all {n} messages"),
    };
    close_answer(heard, ending, Some(1000), &done)
}

fn fails(
    heard: &Heard<'_>,
    ending: &Ending,
    before: &[super::case::Reply],
    codes: &[u16],
    miss: Grade,
) -> Verdict {
    if let Some(missing) = heard.missing_before(before) {
        return Verdict::new(Grade::Fail, format!("before the bad frame: {missing}"));
    }
    let usual = codes.first().copied().unwrap_or(1002);
    let went_on = heard.data_count()
        > before
            .iter()
            .filter(|r| matches!(r, super::case::Reply::Data(..)))
            .count();
    if went_on {
        return Verdict::new(
            miss,
            format!(
                "it took the frame: the message came back, then {}",
                heard.close_phrase()
            ),
        );
    }
    // A ping answered after the bad frame is not yet going on: an endpoint that checks text
    // as its application reads it answers the ping first and fails a moment later, and the
    // RFC sets no deadline. What it does next decides.
    if heard.probe_answered {
        let late = "it answered the ping sent after the bad frame, then";
        return match heard.close_code() {
            Some(code) if codes.contains(&code) => Verdict::new(
                Grade::Pass,
                format!("{late} failed the connection with close {code}"),
            ),
            Some(code) if code != 1000 => Verdict::new(
                Grade::NonStrict,
                format!(
                    "{late} failed the connection with close {code}; {usual} is the usual code here (§7.4.1)"
                ),
            ),
            _ => Verdict::new(miss, format!("it went on: {late} {}", heard.close_phrase())),
        };
    }
    match (heard.close, ending.how) {
        // Answered is a handshake's end; a frame case that gets here opened, so it cannot be.
        (None, How::TimedOut | How::Answered | How::Closed) => Verdict::new(
            miss,
            format!(
                "it kept the connection open for {:.1} s without a word",
                ending.waited_secs
            ),
        ),
        // §7.1.7: an endpoint that fails an established connection SHOULD send a close first.
        (None, How::Reset) => Verdict::new(
            Grade::NonStrict,
            format!(
                "it failed the connection by resetting TCP, with no close frame; it should send close {usual} first (§7.1.7)"
            ),
        ),
        (None, How::PeerClosed) => Verdict::new(
            Grade::NonStrict,
            format!(
                "it failed the connection by ending TCP, with no close frame; it should send close {usual} first (§7.1.7)"
            ),
        ),
        (Some(_), _) => match heard.close_code() {
            Some(code) if codes.contains(&code) => Verdict::new(
                Grade::Pass,
                format!("it failed the connection with close {code}"),
            ),
            Some(1000) | None => Verdict::new(
                Grade::NonStrict,
                format!(
                    "it closed, but with {}, which says all went well; {usual} names the fault (§7.4.1)",
                    heard.close_phrase()
                ),
            ),
            Some(code) => Verdict::new(
                Grade::NonStrict,
                format!(
                    "it failed the connection with close {code}; {usual} is the usual code here (§7.4.1)"
                ),
            ),
        },
    }
}

fn closes_with(heard: &Heard<'_>, ending: &Ending, sent: Option<u16>) -> Verdict {
    close_answer(heard, ending, sent, "it read the close")
}

fn nothing_after_close(heard: &Heard<'_>, ending: &Ending) -> Verdict {
    if heard.data_after_close > 0 {
        return Verdict::new(
            Grade::Fail,
            "it sent a data message after its own close, which §5.5.1 forbids",
        );
    }
    if heard.data_count() > 0 {
        return Verdict::new(
            Grade::NonStrict,
            "it echoed the data sent after our close before answering the close; it should answer a close as soon as practical (§5.5.1)",
        );
    }
    close_answer(
        heard,
        ending,
        Some(1000),
        "it ignored the data after our close",
    )
}

fn fails_fast(heard: &Heard<'_>, ending: &Ending) -> Verdict {
    let failed_at = heard.close.map(|(at, _)| at).or(heard.ended_us);
    let Some(at) = failed_at else {
        return Verdict::new(
            Grade::Fail,
            format!(
                "it never failed the connection over invalid UTF-8 (waited {:.1} s)",
                ending.waited_secs
            ),
        );
    };
    if heard.data_count() > 0 {
        return Verdict::new(Grade::Fail, "it echoed text that is not UTF-8");
    }
    let how = match heard.close {
        Some(_) => format!("it sent {}", heard.close_phrase()),
        None => "it ended TCP with no close frame".to_owned(),
    };
    match ending.last_step_us {
        Some(last) if at < last => Verdict::new(
            Grade::Info,
            format!("it failed fast, before the message's last fragment was sent: {how}"),
        ),
        _ => Verdict::new(
            Grade::Info,
            format!("it failed once the message was complete: {how}"),
        ),
    }
}

fn takes(heard: &Heard<'_>, ending: &Ending, size: u64) -> Verdict {
    let echoed = heard
        .data
        .iter()
        .any(|(_, m)| super::heard::payload(m).1 == size);
    if echoed {
        return Verdict::new(Grade::Info, format!("it took and echoed {}", bytes(size)));
    }
    let did = match (heard.close_code(), ending.how) {
        (Some(1009), _) => format!(
            "it refused {} with close 1009, message too big",
            bytes(size)
        ),
        (Some(code), _) => format!("it refused {} with close {code}", bytes(size)),
        (None, How::TimedOut) => format!(
            "it neither echoed {} nor closed within {:.1} s",
            bytes(size),
            ending.waited_secs
        ),
        (None, _) if heard.close.is_some() => {
            format!("it refused {} with an empty close", bytes(size))
        }
        (None, _) => format!("it dropped the connection on {}", bytes(size)),
    };
    Verdict::new(Grade::Info, did)
}

// A client must fail the connection when the answer to its request breaks a rule of §4.1:
// send nothing and close.
fn rejects(heard: &Heard<'_>, ending: &Ending) -> Verdict {
    if heard.data_count() > 0 || !heard.pongs.is_empty() || heard.probe_answered {
        return Verdict::new(
            Grade::Fail,
            "it took the answer: it went on and answered what the server sent next",
        );
    }
    match ending.how {
        How::TimedOut => Verdict::new(
            Grade::Fail,
            format!(
                "it sent nothing, but kept the connection open for {:.1} s instead of failing it",
                ending.waited_secs
            ),
        ),
        _ if heard.close.is_some() => Verdict::new(
            Grade::Pass,
            format!(
                "it refused the answer: it sent {} and closed",
                heard.close_phrase()
            ),
        ),
        _ => Verdict::new(
            Grade::Pass,
            "it refused the answer and closed the connection",
        ),
    }
}

fn bytes(size: u64) -> String {
    if size >= 1 << 20 && size.is_multiple_of(1 << 20) {
        format!("{} MiB", size >> 20)
    } else {
        format!("{size} bytes")
    }
}
