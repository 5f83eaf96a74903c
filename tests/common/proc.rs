//! Running the binary as a child the test controls: measured (peak RSS from `wait4`), killed
//! with SIGKILL at a chosen moment, or signalled (SIGTERM for `watch`).

use std::process::Child;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::{spawn_piped, Outcome, Workdir};

/// A `sitefeed` process started by a test.
pub struct Running {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
    pub started: Instant,
}

/// How a measured run ended.
#[derive(Debug)]
pub struct Measured {
    pub outcome: Outcome,
    /// Peak resident set size of the child, in KiB (`ru_maxrss`).
    pub peak_rss_kib: u64,
    pub elapsed: Duration,
}

/// Starts `sitefeed args...` in `work`, with the same environment as `Workdir::sitefeed`.
pub fn spawn(work: &Workdir, args: &[&str]) -> Running {
    let (child, stdout, stderr) = spawn_piped(work.path(), args);
    Running {
        child,
        stdout,
        stderr,
        started: Instant::now(),
    }
}

/// `sitefeed run --config <work>/feeds.toml`, measured.
pub fn run_measured(work: &Workdir, timeout: Duration) -> Measured {
    let config = work.config_path();
    spawn(
        work,
        &["run", "--config", config.to_str().expect("utf-8 path")],
    )
    .finish(timeout)
}

impl Running {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`) to the process.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own, not yet reaped child.
        let rc = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(rc, 0, "kill({}, {signal})", self.pid());
    }

    /// Whether the process has exited (without reaping it).
    pub fn has_exited(&self) -> bool {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waitid with WNOWAIT only peeks at our own child.
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                self.pid() as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        rc == 0 && unsafe { info.si_pid() } != 0
    }

    /// SIGKILL now (whatever it is doing), then reap it.
    pub fn kill9(mut self) -> Outcome {
        let _ = self.child.kill();
        let status = self.child.wait().expect("reap killed sitefeed");
        Outcome {
            code: status.code(),
            stdout: self.stdout.join().expect("stdout reader"),
            stderr: self.stderr.join().expect("stderr reader"),
        }
    }

    /// Waits up to `timeout` for the process to exit and reports its peak RSS. Panics (after
    /// killing it) when it overruns.
    pub fn finish(mut self, timeout: Duration) -> Measured {
        let pid = self.pid();
        let deadline = self.started + timeout;
        let (status, usage) = loop {
            let mut status = 0;
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: wait4 on our own child with valid out pointers.
            let rc = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
            assert!(rc >= 0, "wait4({pid}) failed");
            if rc == pid {
                break (status, usage);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let stderr = self.stderr.join().unwrap_or_default();
                panic!(
                    "sitefeed ran longer than {timeout:?} and was killed\n--- stderr ---\n{stderr}"
                );
            }
            thread::sleep(Duration::from_millis(10));
        };
        let elapsed = self.started.elapsed();
        let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
        Measured {
            outcome: Outcome {
                code,
                stdout: self.stdout.join().expect("stdout reader"),
                stderr: self.stderr.join().expect("stderr reader"),
            },
            peak_rss_kib: usage.ru_maxrss as u64,
            elapsed,
        }
    }
}
