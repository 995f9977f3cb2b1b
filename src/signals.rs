//! The signals that end a run early: SIGINT (Ctrl-C), SIGTERM (`kill`) and SIGHUP (the
//! terminal gone). A command that listens keeps what it captured: it closes an open
//! connection with 1001 going away (RFC 6455 §7.4.1), prints and saves, and exits 128+N, the
//! shell's convention for a process ended by signal N.

/// The handlers, installed before the first socket opens, so no signal is missed.
pub struct Stop {
    #[cfg(unix)]
    signals: [(tokio::signal::unix::Signal, Caught); 3],
}

/// The exit status of a run that `caught` ended: 128+N, the shell's convention, or success
/// when no signal ended it.
pub fn exit(caught: Option<Caught>) -> std::process::ExitCode {
    caught.map_or(std::process::ExitCode::SUCCESS, |c| {
        std::process::ExitCode::from(128 + c.number)
    })
}

/// A signal that ended a run: its name and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caught {
    /// `SIGINT`, `SIGTERM` or `SIGHUP`.
    pub name: &'static str,
    /// Its number, for the exit status 128+N.
    pub number: u8,
}

const SIGINT: Caught = Caught {
    name: "SIGINT",
    number: 2,
};

impl Stop {
    /// Installs the handlers; they replace the default action (ending at once, capture lost)
    /// for the rest of the process. Must run inside a tokio runtime.
    ///
    /// # Errors
    /// When the operating system refuses a handler.
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let caught = |name, number| Caught { name, number };
            Ok(Self {
                signals: [
                    (signal(SignalKind::interrupt())?, SIGINT),
                    (signal(SignalKind::terminate())?, caught("SIGTERM", 15)),
                    (signal(SignalKind::hangup())?, caught("SIGHUP", 1)),
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Waits for the first of the signals.
    pub async fn wait(&mut self) -> Caught {
        #[cfg(unix)]
        {
            let [(int, a), (term, b), (hup, c)] = &mut self.signals;
            tokio::select! {
                _ = int.recv() => *a,
                _ = term.recv() => *b,
                _ = hup.recv() => *c,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            SIGINT
        }
    }
}
