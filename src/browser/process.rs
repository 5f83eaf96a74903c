//! Chromium as a child process that can never outlive sitefeed.
//!
//! Chromium forks a dozen helpers (zygotes, renderers, the network service), so killing the
//! one process we started is not enough. Each browser gets a process group of its own, killed
//! whole when the [`Process`] is dropped, when `sitefeed run` is stopped by a signal
//! ([`kill_on_termination`]), and by the kernel if sitefeed dies any other way
//! (`PR_SET_PDEATHSIG`, which fires when the *thread* that forked exits: hence the keeper
//! thread that forks and lives exactly as long as the browser). The profile is a fresh
//! temporary directory, removed once the group is gone.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use tracing::debug;

/// How long Chromium may take to say where its DevTools endpoint is.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Process groups of the browsers alive now, for the signal handler (which may only read
/// atomics). 0 is a free slot.
static GROUPS: [AtomicI32; 8] = [const { AtomicI32::new(0) }; 8];

/// The switches every launch gets: headless, a DevTools port the kernel picks, a throwaway
/// profile, and nothing that phones home or draws. (`--disable-crashpad-for-testing` would
/// keep the crash handler from starting, but makes this Chromium's renderers crash.)
const SWITCHES: &[&str] = &[
    "--headless",
    "--remote-debugging-port=0",
    "--remote-debugging-address=127.0.0.1",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-dev-shm-usage",
    "--mute-audio",
    // A tab nobody looks at gets its timers slowed to one a second; a list built from a
    // timer would then come after the page is read.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--no-pings",
    "--blink-settings=imagesEnabled=false",
];

/// A running Chromium: its DevTools address, and the keeper thread that owns the child.
pub(super) struct Process {
    /// `ws://127.0.0.1:PORT/devtools/browser/ID`.
    pub(super) endpoint: String,
    stop: Option<mpsc::Sender<()>>,
    keeper: Option<JoinHandle<()>>,
}

impl Process {
    /// Starts `program` and waits until it prints its DevTools endpoint. The error is one
    /// line saying what went wrong.
    pub(super) fn launch(program: &Path) -> Result<Process, String> {
        let profile = tempfile::Builder::new()
            .prefix("sitefeed-chromium-")
            .tempdir()
            .map_err(|err| format!("cannot create a profile directory for Chromium: {err}"))?;
        let mut command = Command::new(program);
        command
            .args(SWITCHES)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // The crash handler double-forks out of the process group (it exits on its own
            // once the browser is gone); this keeps its database in the profile, not $HOME.
            .env("XDG_CONFIG_HOME", profile.path());
        // The sandbox needs user namespaces that root in a container does not get.
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            command.arg("--no-sandbox");
        }
        command.arg("about:blank");
        let parent = std::process::id() as i32;
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                libc::setpgid(0, 0);
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                // sitefeed may have died before prctl took effect.
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }

        let (started_tx, started_rx) = mpsc::channel::<Result<String, String>>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let program = program.to_path_buf();
        let keeper = std::thread::Builder::new()
            .name("chromium".into())
            .spawn(move || keep(command, program, profile, started_tx, stop_rx))
            .map_err(|err| format!("cannot start a thread for Chromium: {err}"))?;
        let mut process = Process {
            endpoint: String::new(),
            stop: Some(stop_tx),
            keeper: Some(keeper),
        };
        match started_rx.recv_timeout(LAUNCH_TIMEOUT) {
            Ok(Ok(endpoint)) => {
                process.endpoint = endpoint;
                Ok(process)
            }
            Ok(Err(message)) => Err(message),
            Err(_) => Err(format!(
                "Chromium printed no DevTools endpoint within {LAUNCH_TIMEOUT:?}"
            )),
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
    }
}

/// The keeper thread: forks Chromium, reports its endpoint, then waits to be told to stop
/// (or for the [`Process`] to go away) and kills the whole group.
fn keep(
    mut command: Command,
    program: PathBuf,
    profile: tempfile::TempDir,
    started: mpsc::Sender<Result<String, String>>,
    stop: mpsc::Receiver<()>,
) {
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            let _ = started.send(Err(format!("cannot run {}: {err}", program.display())));
            return;
        }
    };
    let group = child.id() as i32;
    let slot = GROUPS.iter().find(|slot| {
        slot.compare_exchange(0, group, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    });
    let stderr = child.stderr.take().expect("stderr is piped");
    let reported = started.clone();
    // Chromium keeps writing to stderr (D-Bus complaints, mostly): drained here, kept at debug.
    std::thread::spawn(move || {
        let mut last = String::new();
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(endpoint) = line.strip_prefix("DevTools listening on ") {
                sent = reported.send(Ok(endpoint.trim().to_string())).is_ok();
            } else if !line.trim().is_empty() {
                debug!("chromium: {line}");
                last = line;
            }
        }
        if !sent {
            let said = if last.is_empty() {
                String::new()
            } else {
                format!(": {last}")
            };
            let _ = reported.send(Err(format!("Chromium exited before it was ready{said}")));
        }
    });
    drop(started);
    let _ = stop.recv();
    // SAFETY: killpg on a group we created; a group already gone only yields ESRCH.
    unsafe {
        libc::killpg(group, libc::SIGKILL);
    }
    let _ = child.wait();
    if let Some(slot) = slot {
        slot.store(0, Ordering::SeqCst);
    }
    debug!("chromium (process group {group}) stopped");
    drop(profile);
}

/// Kills every browser's process group; safe inside a signal handler.
fn kill_all() {
    for slot in &GROUPS {
        let group = slot.load(Ordering::SeqCst);
        if group > 0 {
            // SAFETY: killpg is async-signal-safe.
            unsafe {
                libc::killpg(group, libc::SIGKILL);
            }
        }
    }
}

/// For `sitefeed run`, which stops at once on SIGTERM, SIGINT or SIGHUP: kill the browsers
/// first, then let the signal do what it would have done.
pub fn kill_on_termination() {
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
        // SAFETY: the action only reads atomics, calls killpg and re-raises the signal with
        // its default disposition, all async-signal-safe.
        let registered = unsafe {
            signal_hook::low_level::register(signal, move || {
                kill_all();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
            })
        };
        if let Err(err) = registered {
            debug!("cannot watch signal {signal} for the browser: {err}");
        }
    }
}
