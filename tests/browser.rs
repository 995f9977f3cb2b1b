//! The lab's page in a real headless browser: its JavaScript opens a WebSocket to /echo, sends
//! a line and shows the echo, and the lab's own transcript holds the browser's handshake (with
//! its User-Agent), its masked frames and the lab's unmasked echo. Loopback, port 0, no sleeps.
//!
//! Chromium is driven over its remote debugging protocol (CDP) on a pipe
//! (`--remote-debugging-pipe`: JSON messages, each ending in a NUL byte, on the browser's fds 3
//! and 4), not with `--dump-dom`, which prints the page when the virtual time budget is spent:
//! WebSocket frames do not hold virtual time back, and 2 runs of 64 printed the page before the
//! echo came. Here the page is asked for a promise that settles when the echo is shown.
//!
//! Which browser: `WSLAB_CHROMIUM`, when set and not empty, names the only one tried (a path,
//! or a name looked up on PATH); otherwise the first of `chromium`, `chromium-browser` and
//! `google-chrome` on PATH. With none, the test writes one line saying why and passes, so that
//! `cargo test` needs no browser; `.ci/run` installs chromium. `WSLAB_CHROMIUM=/nonexistent`
//! is how to check that skip on a machine that has one.

#![cfg(unix)]

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufRead as _, BufReader, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::sync::broadcast::{self, error::RecvError};
use wslab::capture::{ConnId, Connection, Direction, Flow, Layer, Transcript, Update};
use wslab::net::Recorder;
use wslab::net::lab::{Lab, LabConfig, Timeouts};
use wslab::net::tls::LabCert;
use wslab::proto::http::StartLine;
use wslab::proto::{Inflated, OpCode};

/// What the page sends once its socket is open (page.html).
const HELLO: &str = "Hello from the browser";

/// How long the whole exchange may take, browser start included, before the test fails.
const DEADLINE: Duration = Duration::from_secs(30);

/// No tick during the test: /echo is all the page uses.
const NEVER: Duration = Duration::from_secs(3600);

/// Run in the page once it has loaded: settles when the page has shown an echo (page.html sets
/// `data-last-received` on the log as it does), with what the page shows and who it is.
const WAIT_FOR_ECHO: &str = r#"new Promise((resolve) => {
  const log = document.getElementById("log");
  const report = () => ({
    received: log.dataset.lastReceived,
    shown: Array.from(log.children, (item) => item.textContent),
    status: document.getElementById("status").textContent,
    userAgent: navigator.userAgent,
  });
  if (log.dataset.lastReceived !== undefined) {
    resolve(report());
    return;
  }
  new MutationObserver((_, observer) => {
    observer.disconnect();
    resolve(report());
  }).observe(log, { attributes: true, attributeFilter: ["data-last-received"] });
})"#;

// A second socket from the same page: 100 KB of repetitive JSON to /echo and back, and what
// the browser agreed (its `extensions`, which Chromium fills with permessage-deflate).
const BIG_ECHO: &str = r#"new Promise((resolve, reject) => {
  const message = JSON.stringify({ kind: "tick", symbol: "WSLAB", price: 101.25 })
    .repeat(3000)
    .slice(0, 100000);
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const ws = new WebSocket(scheme + location.host + "/echo");
  ws.onopen = () => ws.send(message);
  ws.onmessage = (event) => {
    resolve({ same: event.data === message, length: event.data.length, extensions: ws.extensions });
    ws.close();
  };
  ws.onerror = () => reject("the second socket failed");
})"#;

#[tokio::test]
async fn the_page_echoes_in_a_real_browser_and_the_lab_captured_its_masked_frames() {
    echo_in_browser(false).await;
}

/// The same page over https://, its WebSocket over wss://: the browser trusts exactly the
/// lab's key (by its SPKI hash), and the lab holds both layers of the connection.
#[tokio::test]
async fn over_wss_the_browser_s_frames_are_captured_above_tls_and_hidden_below() {
    echo_in_browser(true).await;
}

/// `wslab grade --client` grades a browser: the page it serves at / is an Autobahn driver in
/// JavaScript, so opening the address is all a browser needs to be the client under test.
#[tokio::test]
async fn a_browser_is_graded_by_the_page_the_grader_serves() {
    use wslab::grade::{Grade, suite};
    use wslab::net::tcp::Listener;
    let chromium = match find_chromium() {
        Ok(path) => path,
        Err(why) => {
            let _ = writeln!(io::stderr(), "browser: skipped: {why}");
            return;
        }
    };
    let recorder = Recorder::default();
    let listener = Listener::bind("127.0.0.1:0".parse().unwrap(), &recorder, "grade")
        .await
        .unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let (mut browser, _devtools) = Browser::launch(&chromium, &[url])
        .unwrap_or_else(|e| panic!("{} does not start: {e}", chromium.display()));
    let cases = suite::client::all();
    let served =
        wslab::run::grade::serve(&listener, &cases, &recorder, Duration::from_secs(5), |_| {});
    // The whole suite, 16 MiB included, in the browser: a minute is ample.
    let card = tokio::time::timeout(DEADLINE * 2, served)
        .await
        .unwrap_or_else(|_| panic!("no report within {:?}\n{}", DEADLINE * 2, browser.report()))
        .expect("the grader serves");
    assert!(card.target.contains("Chrome"), "{}", card.target);
    assert_eq!(card.outcomes.len(), cases.len(), "every case ran");
    let failed: Vec<String> = card
        .outcomes
        .iter()
        .filter(|o| o.verdict.grade == Grade::Fail)
        .map(|o| format!("{} {}", o.case.id, o.verdict.did))
        .collect();
    assert!(failed.is_empty(), "a MUST broken by Chromium: {failed:?}");
    eprintln!("browser: {}", card.overall());
    drop(browser);
}

async fn echo_in_browser(tls: bool) {
    let chromium = match find_chromium() {
        Ok(path) => path,
        Err(why) => {
            // Straight to stderr, past the harness's capture, so that a plain `cargo test`
            // shows it.
            let _ = writeln!(io::stderr(), "browser: skipped: {why}");
            return;
        }
    };
    let config = LabConfig {
        tick: NEVER,
        ..LabConfig::default()
    };
    let (lab, extra) = start_lab(config, tls).await;
    // Subscribed before the browser starts, so no update can slip past.
    let mut updates = lab.recorder().subscribe();
    let started = Instant::now();
    let (mut browser, mut devtools) = Browser::launch(&chromium, &extra)
        .unwrap_or_else(|e| panic!("{} does not start: {e}", chromium.display()));
    let url = if tls {
        lab.http_url("/").replacen("http://", "https://", 1)
    } else {
        lab.http_url("/")
    };
    let page = tokio::task::spawn_blocking(move || devtools.load_and_wait_for_echo(&url));

    // Past the deadline, or on the browser's error, the panic drops `browser`, which kills it.
    let outcome = tokio::time::timeout(DEADLINE, async {
        let page = page.await.expect("the CDP thread does not panic")?;
        let conn = wait_for_echo(lab.recorder(), &mut updates).await;
        Ok::<_, String>((page, conn))
    })
    .await
    .unwrap_or_else(|_elapsed| Err(format!("no echo shown within {DEADLINE:?}")));
    let (page, conn) = outcome.unwrap_or_else(|error| {
        panic!(
            "{error}\nthe lab captured: {}\n{}",
            lab.recorder().read(summary),
            browser.report()
        )
    });
    // Shown with --nocapture: how long a browser takes here.
    eprintln!(
        "browser: {} showed the echo {:?} after starting",
        chromium.display(),
        started.elapsed()
    );

    // 1. The page's echo works: it sent its line, and shows the same line coming back.
    assert_eq!(page["received"], HELLO, "{page}");
    assert_eq!(page["status"], "open", "{page}");
    assert_eq!(
        page["shown"],
        json!([format!("sent: {HELLO}"), format!("received: {HELLO}")]),
        "{page}"
    );
    let user_agent = page["userAgent"].as_str().unwrap_or_default().to_owned();

    // 2. The lab captured that browser's handshake and frames.
    lab.recorder().read(|t| {
        let c = t.connection(conn).expect("the echo's connection is held");
        let head = &c.requests().http[0].head;
        let sent_by = head.header("user-agent").unwrap_or_default();
        assert!(
            sent_by.contains("Chrome"),
            "the handshake's User-Agent: {sent_by:?}"
        );
        assert_eq!(
            sent_by, user_agent,
            "the handshake comes from the browser that ran the page"
        );
        assert!(
            matches!(
                c.responses().http[0].head.start,
                StartLine::Response { status: 101, .. }
            ),
            "the lab switched protocols"
        );

        let from_browser = c.requests();
        assert_eq!(texts(from_browser), [HELLO], "the browser's messages");
        assert!(
            from_browser.frames.iter().all(|f| f.item.header.masked()),
            "every client frame has MASK=1: {:?}",
            from_browser.frames
        );
        let from_lab = c.responses();
        assert_eq!(texts(from_lab), [HELLO], "the lab's echo");
        assert!(
            from_lab.frames.iter().all(|f| !f.item.header.masked()),
            "no server frame is masked: {:?}",
            from_lab.frames
        );

        // 3. Over wss://, the wire held only TLS records: neither the line nor the upgrade.
        assert_eq!(
            c.tls.is_some(),
            tls,
            "a TLS layer exactly when the page came over https"
        );
        if tls {
            assert_hidden_below_tls(t, conn);
        }

        // 4. The browser offered permessage-deflate and the lab took it.
        assert_compressed(t, conn, &page);
    });

    drop(browser);
    lab.shutdown().await;
}

/// 100 KB of JSON came back intact to the page, and crossed the wire far smaller than the page
/// held it, compressed both ways.
fn assert_compressed(t: &Transcript, conn: ConnId, page: &Value) {
    let big = &page["big"];
    assert_eq!(big["same"], true, "{page}");
    assert_eq!(big["length"], 100_000, "{page}");
    assert!(
        big["extensions"]
            .as_str()
            .is_some_and(|e| e.starts_with("permessage-deflate")),
        "{page}"
    );
    let second = t
        .connections()
        .filter(|c| c.id != conn)
        .find(|c| c.requests().messages.iter().any(|m| m.item.compressed))
        .expect("the second socket's connection, with a compressed message");
    for flow in [second.requests(), second.responses()] {
        let message = &flow.messages[0].item;
        let inflated = message.inflated.as_ref().and_then(Inflated::length);
        assert_eq!(inflated, Some(100_000));
        assert!(message.length * 10 < 100_000, "{} bytes", message.length);
        eprintln!(
            "browser: 100000 bytes crossed as {} (compressed {})",
            message.length, message.compressed
        );
    }
}

/// A lab, over TLS too when `tls`, and the flags that make chromium trust exactly its key.
async fn start_lab(config: LabConfig, tls: bool) -> (Lab, Vec<String>) {
    if !tls {
        return (
            Lab::start(config, Recorder::default()).await.unwrap(),
            Vec::new(),
        );
    }
    let cert = LabCert::generate().unwrap();
    let trust = format!(
        "--ignore-certificate-errors-spki-list={}",
        cert.spki_sha256()
    );
    let lab = Lab::start_tls(config, Timeouts::default(), Recorder::default(), cert)
        .await
        .unwrap();
    (lab, vec![trust])
}

fn assert_hidden_below_tls(t: &Transcript, conn: ConnId) {
    for d in Direction::BOTH {
        let wire = t.raw_at(Layer::Tls, conn, d);
        assert!(!wire.is_empty());
        for needle in [HELLO.as_bytes(), b"Upgrade".as_slice()] {
            assert!(
                !wire.windows(needle.len()).any(|w| w == needle),
                "{d:?} shows {needle:?}"
            );
        }
    }
}

/// Where chromium is, or why the test is skipped; see the top of this file.
fn find_chromium() -> Result<PathBuf, String> {
    if let Some(chosen) = std::env::var_os("WSLAB_CHROMIUM").filter(|v| !v.is_empty()) {
        return executable(&chosen).ok_or_else(|| {
            format!(
                "WSLAB_CHROMIUM={} is not an executable file",
                chosen.display()
            )
        });
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(|name| executable(OsStr::new(name)))
        .ok_or_else(|| {
            "no chromium, chromium-browser or google-chrome on PATH; .ci/run installs it".into()
        })
}

/// `name` itself when it is a path, else the first match on PATH; executable files only.
fn executable(name: &OsStr) -> Option<PathBuf> {
    let is_executable = |path: &Path| {
        path.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    let path = Path::new(name);
    if path.components().count() > 1 {
        return is_executable(path).then(|| path.to_owned());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// Waits on the recorder's updates until the lab has echoed a text message on /echo.
async fn wait_for_echo(recorder: &Recorder, updates: &mut broadcast::Receiver<Update>) -> ConnId {
    loop {
        if let Some(conn) = recorder.read(echoed) {
            return conn;
        }
        match updates.recv().await {
            // Missed updates don't matter: the transcript is read again either way.
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => panic!("the lab's recorder went away"),
        }
    }
}

fn echoed(t: &Transcript) -> Option<ConnId> {
    t.connections()
        .find(|c| is_echo(c) && !texts(c.responses()).is_empty())
        .map(|c| c.id)
}

fn is_echo(c: &Connection) -> bool {
    c.requests().http.first().is_some_and(
        |m| matches!(&m.head.start, StartLine::Request { target, .. } if target == "/echo"),
    )
}

// The text messages as the page saw them: inflated by the capture when they crossed
// compressed.
fn texts(flow: &Flow) -> Vec<String> {
    flow.messages
        .iter()
        .filter(|m| m.item.opcode == OpCode::Text)
        .map(|m| match &m.item.inflated {
            Some(Inflated::Done { preview, .. }) => String::from_utf8_lossy(preview).into_owned(),
            _ => String::from_utf8_lossy(&m.item.preview).into_owned(),
        })
        .collect()
}

/// The lab's connections in a line, for failure messages.
fn summary(t: &Transcript) -> String {
    let lines: Vec<String> = t
        .connections()
        .map(|c| {
            let target = match c.requests().http.first().map(|m| &m.head.start) {
                Some(StartLine::Request { method, target, .. }) => format!("{method} {target}"),
                _ => "no request".into(),
            };
            format!(
                "{} {target}: {} messages in, {} out",
                c.id,
                c.requests().messages.len(),
                c.responses().messages.len()
            )
        })
        .collect();
    if lines.is_empty() {
        "no connection".into()
    } else {
        lines.join("; ")
    }
}

/// A running chromium. Dropping it kills and reaps the process, on every path, then removes
/// its profile.
struct Browser {
    child: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts headless chromium with a fresh profile, its debugging pipe on our end.
    fn launch(chromium: &Path, extra: &[String]) -> io::Result<(Browser, Devtools)> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        // Under cargo's scratch directory for tests, so that a profile left behind (below)
        // goes with `cargo clean`.
        let profile = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("browser-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&profile)?;
        let log = File::create(profile.join("chromium.log"))?;
        // The pipe must be the browser's fds 3 (commands in) and 4 (answers out): the shell
        // moves our stdin and stdout pipes there, then execs chromium (Debian's launcher
        // execs the binary in turn, so the child's pid is the browser's). Its stdout joins
        // its stderr, in the log.
        let spawned = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>&2"#)
            .arg(chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-pipe",
            ])
            .args(extra)
            .arg(format!("--user-data-dir={}", profile.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            // Its own process group, so that one signal ends its helpers too (see Drop). Should
            // the test die without dropping it, chromium quits anyway when its pipe closes.
            .process_group(0)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                let _ = fs::remove_dir_all(&profile);
                return Err(error);
            }
        };
        let devtools = Devtools {
            commands: child.stdin.take().expect("piped"),
            answers: BufReader::new(child.stdout.take().expect("piped")),
            next_id: 0,
            events: Vec::new(),
        };
        Ok((Browser { child, profile }, devtools))
    }

    /// Whether chromium still runs, and the end of what it wrote, for failure messages.
    fn report(&mut self) -> String {
        let state = match self.child.try_wait() {
            Ok(Some(status)) => format!("chromium exited ({status})"),
            Ok(None) => "chromium still runs".into(),
            Err(error) => format!("chromium's state is unknown: {error}"),
        };
        let log = fs::read_to_string(self.profile.join("chromium.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        format!("{state}; the end of its output:\n{tail}")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group at once: killed alone, the browser leaves its network process to
        // write the profile's cache while the profile is being removed. Killing also closes the
        // debugging pipe, which ends a read blocked on it.
        // The shell's own kill, since slim images may have no kill program.
        let _ = Command::new("sh")
            .args([
                "-c",
                r#"kill -s KILL -- "-$0""#,
                &self.child.id().to_string(),
            ])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.profile);
    }
}

/// Our end of chromium's debugging pipe.
struct Devtools {
    commands: ChildStdin,
    answers: BufReader<ChildStdout>,
    next_id: u64,
    /// Events that came while waiting for an answer, kept for `wait_for_event`.
    events: Vec<Value>,
}

impl Devtools {
    /// Opens `url` in a new tab and waits, without a deadline of its own, until the page shows
    /// an echo; returns the page's report (see [`WAIT_FOR_ECHO`]).
    fn load_and_wait_for_echo(&mut self, url: &str) -> Result<Value, String> {
        let target = self.call(None, "Target.createTarget", json!({ "url": "about:blank" }))?;
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        )?;
        let session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_owned();
        let session = Some(session.as_str());
        self.call(session, "Page.enable", json!({}))?;
        let navigated = self.call(session, "Page.navigate", json!({ "url": url }))?;
        if let Some(error) = navigated.get("errorText") {
            return Err(format!("navigating to {url}: {error}"));
        }
        // The page's script runs before its load event; after it, the promise below only has
        // to wait for the socket.
        self.wait_for_event(session, "Page.loadEventFired")?;
        let evaluated = self.call(
            session,
            "Runtime.evaluate",
            json!({ "expression": WAIT_FOR_ECHO, "awaitPromise": true, "returnByValue": true }),
        )?;
        if let Some(exception) = evaluated.get("exceptionDetails") {
            return Err(format!("the page threw: {exception}"));
        }
        let mut report = evaluated["result"]["value"].clone();
        let big = self.call(
            session,
            "Runtime.evaluate",
            json!({ "expression": BIG_ECHO, "awaitPromise": true, "returnByValue": true }),
        )?;
        if let Some(exception) = big.get("exceptionDetails") {
            return Err(format!("the page threw: {exception}"));
        }
        report["big"] = big["result"]["value"].clone();
        Ok(report)
    }

    /// Sends one command (to the browser, or to a page's session) and waits for its answer.
    fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut command = json!({ "id": id, "method": method });
        command["params"] = params;
        if let Some(session) = session {
            command["sessionId"] = session.into();
        }
        let mut bytes = command.to_string().into_bytes();
        bytes.push(0);
        self.commands
            .write_all(&bytes)
            .and_then(|()| self.commands.flush())
            .map_err(|e| format!("{method}: writing to chromium: {e}"))?;
        loop {
            let message = self.receive()?;
            if message["id"] == id {
                if let Some(error) = message.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(message["result"].clone());
            }
            self.events.push(message);
        }
    }

    /// Waits for an event of a session (one that already came counts).
    fn wait_for_event(&mut self, session: Option<&str>, method: &str) -> Result<Value, String> {
        let wanted = |m: &Value| {
            m["method"] == method && m.get("sessionId").and_then(Value::as_str) == session
        };
        if let Some(at) = self.events.iter().position(wanted) {
            return Ok(self.events.remove(at));
        }
        loop {
            let message = self.receive()?;
            if wanted(&message) {
                return Ok(message);
            }
        }
    }

    /// The next message from chromium.
    fn receive(&mut self) -> Result<Value, String> {
        let mut message = Vec::new();
        self.answers
            .read_until(0, &mut message)
            .map_err(|e| format!("reading from chromium: {e}"))?;
        if message.pop() != Some(0) {
            return Err("chromium closed its debugging pipe".into());
        }
        serde_json::from_slice(&message).map_err(|e| format!("chromium sent no JSON: {e}"))
    }
}
