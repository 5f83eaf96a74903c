//! Helpers shared by the end-to-end tests: the loopback fixture [`server`], the hand-written
//! Sputnik-shaped fixture site ([`site`]), and [`Workdir`], a temp directory holding a
//! `feeds.toml` in which the real `sitefeed` binary is run with a timeout, or started in the
//! background ([`Running`]) for tests of locking and of the long-running scheduler.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

pub mod faults;
pub mod proc;
pub mod readers;
pub mod server;
pub mod site;
pub mod synth;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime};

pub use server::{Response, Server};

/// `found`, after saying what the test skips without it: a program or module a test needs
/// that is missing fails the test under CI (`.ci/run` installs them all) and skips it
/// elsewhere.
pub fn required(what: &str, found: bool, install: &str) -> bool {
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{what} is not installed ({install}) and CI is set"
        );
        eprintln!("skipped: {what} is not installed ({install})");
    }
    found
}

/// Whether `program args...` runs and exits 0.
pub fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Longest a single `sitefeed` invocation may take before it is killed and the test fails.
/// Generous because a failing source may be retried with backoff.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Public URL the tests give as `base_url`; self links must be derived from it.
pub const PUBLIC_BASE: &str = "https://feeds.example.org/sputnik/";

/// User agent the tests configure; every request must carry it.
pub const USER_AGENT: &str = "sitefeed-e2e/1.0 (+https://feeds.example.org/)";

/// A `feeds.toml` with the top-level keys every test uses, followed by `feeds` (TOML `[[feed]]`
/// tables) in which `{{BASE}}` stands for the server's `http://127.0.0.1:PORT`.
pub fn config(server: &Server, feeds: &str) -> String {
    config_with(server, &[], feeds)
}

/// A workdir whose `feeds.toml` is [`config`] of `feeds` for `server`.
pub fn workdir(server: &Server, feeds: &str) -> Workdir {
    Workdir::with_config(&config(server, feeds))
}

/// Like [`config`], with top-level `settings` (key and TOML value, such as
/// `("delay", "\"300ms\"")`) replacing the standard ones or added after them.
pub fn config_with(server: &Server, settings: &[(&str, &str)], feeds: &str) -> String {
    let standard = [
        ("output_dir", "\"output\"".to_string()),
        ("state", "\"state.db\"".to_string()),
        ("base_url", format!("\"{PUBLIC_BASE}\"")),
        ("user_agent", format!("\"{USER_AGENT}\"")),
        ("delay", "\"0s\"".to_string()),
    ];
    let mut header = String::new();
    for (key, value) in &standard {
        let value = settings
            .iter()
            .find(|(k, _)| k == key)
            .map_or(value.as_str(), |(_, v)| v);
        header.push_str(&format!("{key} = {value}\n"));
    }
    for (key, value) in settings {
        if !standard.iter().any(|(k, _)| k == key) {
            header.push_str(&format!("{key} = {value}\n"));
        }
    }
    header + &site::fill(feeds, server)
}

/// How one run of the binary ended.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the process was killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Panics, showing both streams, unless the exit code is `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Outcome {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// A temp directory holding `feeds.toml` (and, after a run, `output/` and the state file).
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::Builder::new()
                .prefix("sitefeed-e2e-")
                .tempdir()
                .expect("create temp dir"),
        }
    }

    /// A new directory whose `feeds.toml` is `toml`.
    pub fn with_config(toml: &str) -> Workdir {
        let work = Workdir::new();
        work.write_config(toml);
        work
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `relative` inside the directory and returns the full path.
    pub fn write(&self, relative: &str, contents: &str) -> PathBuf {
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create parent dir");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Path of the directory's `feeds.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.path().join("feeds.toml")
    }

    /// Writes `feeds.toml`.
    pub fn write_config(&self, toml: &str) -> PathBuf {
        self.write("feeds.toml", toml)
    }

    /// `sitefeed run --config <dir>/feeds.toml`.
    pub fn run(&self) -> Outcome {
        let config = self.config_path();
        self.sitefeed(&["run", "--config", config.to_str().expect("utf-8 path")])
    }

    /// `sitefeed run --config <dir>/feeds.toml` followed by `extra` arguments.
    pub fn run_with(&self, extra: &[&str]) -> Outcome {
        let config = self.config_path();
        let mut args = vec!["run", "--config", config.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        self.sitefeed(&args)
    }

    /// `sitefeed check --config <dir>/feeds.toml`.
    pub fn check(&self) -> Outcome {
        let config = self.config_path();
        self.sitefeed(&["check", "--config", config.to_str().expect("utf-8 path")])
    }

    /// Runs the binary with `args` from inside the directory, bounded by [`RUN_TIMEOUT`].
    /// Proxy variables are cleared so requests to 127.0.0.1 go straight to the fixture server.
    pub fn sitefeed(&self, args: &[&str]) -> Outcome {
        self.spawn(args).wait_for(RUN_TIMEOUT)
    }

    /// Starts the binary with `args` from inside the directory and returns at once.
    pub fn spawn(&self, args: &[&str]) -> Running {
        let (child, stdout, stderr) = spawn_piped(self.path(), args);
        Running {
            child,
            args: args.iter().map(|a| a.to_string()).collect(),
            pipes: Some((stdout, stderr)),
        }
    }

    /// Path of `output/<file>`.
    pub fn output_path(&self, file: &str) -> PathBuf {
        self.path().join("output").join(file)
    }

    /// Bytes of `output/<file>`; panics with the directory listing when it is missing.
    pub fn output(&self, file: &str) -> Vec<u8> {
        let path = self.output_path(file);
        fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "read {}: {e}; output/ holds {:?}",
                path.display(),
                self.output_files()
            )
        })
    }

    /// `output/<file>` as text.
    pub fn output_text(&self, file: &str) -> String {
        String::from_utf8(self.output(file)).expect("feed is UTF-8")
    }

    /// Modification time of `output/<file>`.
    pub fn output_mtime(&self, file: &str) -> SystemTime {
        let path = self.output_path(file);
        fs::metadata(&path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
    }

    /// `output/<file>` parsed with feed-rs.
    pub fn feed(&self, file: &str) -> feed_rs::model::Feed {
        feed_rs::parser::parse(self.output(file).as_slice())
            .unwrap_or_else(|e| panic!("output/{file} does not parse as a feed: {e}"))
    }

    /// Names of the files in `output/`, sorted.
    pub fn output_files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.path().join("output"))
            .map(|dir| {
                dir.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// A `sitefeed` process started with [`Workdir::spawn`]; killed if dropped while running.
pub struct Running {
    child: Child,
    args: Vec<String>,
    pipes: Option<(JoinHandle<String>, JoinHandle<String>)>,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has exited (it is not reaped for good: [`Running::wait_for`] still
    /// returns its outcome).
    pub fn has_exited(&mut self) -> bool {
        self.child.try_wait().expect("poll sitefeed").is_some()
    }

    /// Sends `signal` (a name `kill` knows, like `TERM` or `HUP`) to the process.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {} failed", self.pid());
    }

    /// Waits up to `timeout` for the process to exit and returns how it ended; panics, showing
    /// its output, if it had to be killed.
    pub fn wait_for(mut self, timeout: Duration) -> Outcome {
        let status = wait_with_timeout(&mut self.child, timeout);
        let (stdout, stderr) = self.pipes.take().expect("waited once");
        let stdout = stdout.join().expect("stdout reader");
        let stderr = stderr.join().expect("stderr reader");
        let Some(status) = status else {
            panic!(
                "sitefeed {:?} ran longer than {timeout:?} and was killed\n\
                 --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
                self.args
            );
        };
        Outcome {
            code: status.code(),
            stdout,
            stderr,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.pipes.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts `sitefeed args...` in `dir` with proxy variables cleared (so requests to 127.0.0.1 go
/// straight to the fixture server) and both pipes drained on threads, so a chatty child cannot
/// block on a full pipe.
pub fn spawn_piped(dir: &Path, args: &[&str]) -> (Child, JoinHandle<String>, JoinHandle<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitefeed"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sitefeed");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    (child, stdout, stderr)
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for `child` up to `timeout`; on overrun kills it, reaps it and returns `None`.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("wait for sitefeed") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}
