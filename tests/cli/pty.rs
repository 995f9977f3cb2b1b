//! The binary on a pseudo-terminal of its own, as a person runs it: stdin and stdout are the
//! terminal's slave side and stderr is a pipe the test reads. Everything the screens write is
//! collected from the master side by a thread, so the child never blocks on a full terminal.

use std::io::Read as _;
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{LocalModes, Winsize, tcgetattr, tcsetwinsize};

/// A child on a terminal of `cols`×`rows`.
pub(crate) struct OnPty {
    pub child: Child,
    /// Kept open so that the terminal's settings can be read after the child ends.
    slave: OwnedFd,
    master: OwnedFd,
    seen: Arc<(Mutex<Vec<u8>>, Condvar)>,
}

impl OnPty {
    /// Starts `command` on a new terminal.
    pub(crate) fn spawn(mut command: Command, cols: u16, rows: u16) -> Self {
        let flags = OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC;
        let master = openpt(flags).expect("a pseudo-terminal");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("its name");
        let slave: OwnedFd = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().expect("a path"))
            .expect("the slave side")
            .into();
        let size = Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        tcsetwinsize(&slave, size).expect("a size");
        command
            .stdin(Stdio::from(slave.try_clone().expect("dup")))
            .stdout(Stdio::from(slave.try_clone().expect("dup")))
            .stderr(Stdio::piped());
        let child = command.spawn().expect("the binary runs");
        let seen = Arc::new((Mutex::new(Vec::new()), Condvar::new()));
        let mut reader = std::fs::File::from(master.try_clone().expect("dup"));
        let shared = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Reads until the test drops its copies; the thread then ends with an error.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let (lock, cond) = &*shared;
                lock.lock().expect("lock").extend_from_slice(&buf[..n]);
                cond.notify_all();
            }
        });
        Self {
            child,
            slave,
            master,
            seen,
        }
    }
    /// Waits until the screen has written `text` (in one run, as ratatui writes a span), or
    /// `patience` has passed; whether it was seen. The bound only keeps a broken run from
    /// hanging the suite: a passing run never waits on it.
    pub(crate) fn wait_for(&self, text: &str, patience: Duration) -> bool {
        let (lock, cond) = &*self.seen;
        let guard = lock.lock().expect("lock");
        let (guard, _) = cond
            .wait_timeout_while(guard, patience, |seen| {
                !String::from_utf8_lossy(seen).contains(text)
            })
            .expect("lock");
        String::from_utf8_lossy(&guard).contains(text)
    }

    /// Everything the screen wrote so far.
    pub(crate) fn screen(&self) -> String {
        String::from_utf8_lossy(&self.seen.0.lock().expect("lock")).into_owned()
    }

    /// Types `bytes` at the terminal.
    pub(crate) fn type_bytes(&self, bytes: &[u8]) {
        let mut file = std::fs::File::from(self.master.try_clone().expect("dup"));
        std::io::Write::write_all(&mut file, bytes).expect("typed");
    }

    /// Sends `signal` (such as "TERM") to the child.
    pub(crate) fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -{signal}");
    }

    /// Whether the terminal is back as the child found it: line editing and echo on, which
    /// raw mode turns off.
    pub(crate) fn restored(&self) -> bool {
        tcgetattr(&self.slave).is_ok_and(|t| {
            t.local_modes
                .contains(LocalModes::ICANON | LocalModes::ECHO)
        })
    }

    /// Waits for the child; its exit code and stderr.
    pub(crate) fn wait(&mut self) -> (Option<i32>, String) {
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = self.child.wait().expect("the run ends");
        (status.code(), stderr)
    }
}
