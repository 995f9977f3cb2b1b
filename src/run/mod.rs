//! Runs lesson actions on real sockets and hands back what they captured. Plain mode, the
//! TUI and the tests all go through [`Runner`]; the lesson files only describe.

mod conversation;
pub mod exercise;
pub mod experiment;
pub mod grade;
mod http;
mod ws;

use std::collections::BTreeSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::capture::{ConnId, Limits};
use crate::lesson::Action;
use crate::lesson::model::InputField;
pub use crate::lesson::outcome::ActionRun;
use crate::net::Recorder;
use crate::net::lab::{Lab, LabConfig, Timeouts};
use crate::net::tls::LabCert;

/// How actions run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Shorten the measured experiments, for tests; their figures are still measured.
    pub quick: bool,
    /// The longest wait for a connection, a handshake or a reply.
    pub timeout: Duration,
    /// Where `tls = true` actions append their TLS secrets (SSLKEYLOGFILE format), so that a
    /// saved pcap of the lesson can be decrypted in Wireshark.
    pub keylog: Option<std::path::PathBuf>,
    /// The longest a `grade` action may take in all. A server that answers every case slowly
    /// would otherwise hold the step for as long as its cases times their timeouts; past this,
    /// the cases run so far are shown, and the sentence says the run was cut.
    pub grade_budget: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            quick: false,
            timeout: Duration::from_secs(10),
            keylog: None,
            grade_budget: Duration::from_secs(300),
        }
    }
}

/// A lab server and the recorder of the clients that talk to it.
#[derive(Debug)]
pub struct Runner {
    settings: Settings,
    /// The clients' side of every connection: what the lessons show.
    recorder: Recorder,
    lab: Lab,
}

impl Runner {
    /// Starts a lab on 127.0.0.1 with a port the system picks, serving ws:// and wss:// there.
    ///
    /// # Errors
    /// When the lab cannot listen, or its certificate cannot be made.
    pub async fn start(settings: Settings) -> io::Result<Self> {
        // The lab records its own side apart, so the lesson's transcript holds each connection
        // once, as the client saw it. Its feed only moves when an action publishes, so a
        // step's frames are the step's own.
        let config = LabConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tick: Duration::from_secs(24 * 3600),
            // A lesson offers permessage-deflate with `deflate = "..."`, and its client then
            // speaks wslab's own session; the lab accepts as `wslab serve` does.
            deflate: true,
            ..LabConfig::default()
        };
        // A CA of its own each run, trusted by this runner's clients alone: `tls = true`
        // actions reach the same port over wss://, and plain ones are unchanged.
        let cert = LabCert::generate().map_err(io::Error::other)?;
        let lab = Lab::start_tls(
            config,
            Timeouts::default(),
            Recorder::new(Limits::default()),
            cert,
        )
        .await?;
        Ok(Self {
            settings,
            recorder: Recorder::new(Limits::default()),
            lab,
        })
    }

    /// The transcript of every action run so far.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// The lab's address.
    pub fn lab_addr(&self) -> SocketAddr {
        self.lab.addr()
    }

    /// The lab's base URL, `http://127.0.0.1:PORT`.
    pub fn lab_http_url(&self) -> String {
        self.lab.http_url("/")
    }

    /// Runs `action`; `input` replaces the value the step lets the learner type (a
    /// `websocket` action's key or first text, a `grade` action's URL).
    pub async fn run(&self, action: &Action, input: Option<(InputField, &str)>) -> ActionRun {
        self.run_reporting(action, input, &mut |_| {}).await
    }

    /// [`Runner::run`], telling `report` in a line how far a long action is (a grade: which
    /// case has just ended), so that a screen can show it while the action runs.
    pub async fn run_reporting(
        &self,
        action: &Action,
        input: Option<(InputField, &str)>,
        report: &mut (dyn FnMut(String) + Send),
    ) -> ActionRun {
        let before = self.conn_ids();
        let mut run = match action {
            Action::Http(a) => http::run(self, a).await,
            Action::Websocket(a) => ws::websocket(self, a, input).await,
            Action::Fault(a) => ws::fault(self, a).await,
            Action::Chat(a) => conversation::chat(self, a).await,
            Action::Duplex(a) => conversation::duplex(self, a).await,
            Action::Idle(_) | Action::Polling(_) | Action::Messages(_) => {
                measured(action, self.settings.quick).await
            }
            Action::Grade(a) => {
                let typed = input
                    .filter(|(field, _)| *field == InputField::Url)
                    .map(|(_, url)| url);
                exercise::grade(self, a, typed, report).await
            }
        };
        let after = self.conn_ids();
        run.conns = after.difference(&before).copied().collect();
        run
    }

    /// Stops the lab, waiting for its connections to end.
    pub async fn shutdown(self) {
        self.lab.shutdown().await;
    }

    fn conn_ids(&self) -> BTreeSet<ConnId> {
        self.recorder
            .read(|t| t.connections().map(|c| c.id).collect())
    }
}

/// Runs a measured experiment on its own lab, so its figures are its own.
async fn measured(action: &Action, quick: bool) -> ActionRun {
    let result = match action {
        Action::Polling(p) => experiment::polling(p, quick).await,
        Action::Messages(m) => experiment::messages(m, quick).await,
        Action::Idle(i) => experiment::idle(i, quick).await,
        _ => return ActionRun::default(),
    };
    match result {
        Ok(measured) => ActionRun {
            measured: Some(measured),
            ..ActionRun::default()
        },
        Err(e) => ActionRun {
            error: Some(e.to_string()),
            ..ActionRun::default()
        },
    }
}
