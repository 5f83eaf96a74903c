//! `render = "browser"`: pages whose article list only exists once their scripts have run,
//! loaded in headless Chromium over the DevTools protocol.
//!
//! The browser is a peer of [`crate::fetch::Fetcher`], not a way around it: every request a
//! rendered page makes is paused ([`Fetch.requestPaused`]) and let through only once
//! [`Fetcher::admit`] agrees (the feed's hosts, robots.txt, the per-host gap), under
//! sitefeed's User-Agent; images, fonts, media and stylesheets are never fetched. What comes
//! out is a [`Page`] like the fetcher's, so discovery and extraction do not know the
//! difference. One browser serves a whole pass ([`Lazy`]), started on the first page that
//! needs it and killed with the pass ([`process`] makes sure it cannot outlive sitefeed).
//!
//! We speak the protocol ourselves ([`cdp`]) rather than through `headless_chrome`: it is
//! a handful of commands, and owning the launch is what lets us put Chromium in its own
//! process group with a parent-death signal.
//!
//! [`Fetch.requestPaused`]: https://chromedevtools.github.io/devtools-protocol/tot/Fetch/

mod cdp;
mod process;
mod render;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use serde_json::json;
use url::Url;

use crate::fetch::{FetchError, Fetcher, Page, Policy};
pub use process::kill_on_termination;

/// Overrides the config's `browser` and `PATH`: the Chromium to run.
pub const BROWSER_VAR: &str = "SITEFEED_CHROMIUM";
/// Programs looked for in `PATH`, in order.
pub const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome"];
/// How to get one, for the message when there is none.
pub const INSTALL_HINT: &str = "install it (Debian/Ubuntu: apt install chromium) or set SITEFEED_CHROMIUM or `browser` in the config to its path";

/// The Chromium to run: `SITEFEED_CHROMIUM`, else the config's `browser`, else the first of
/// [`CANDIDATES`] in `PATH`. The error is the one line a feed that needs it reports.
pub fn locate(configured: Option<&Path>) -> Result<PathBuf, String> {
    let missing =
        |what: String| format!("render = \"browser\" needs Chromium, and {what}: {INSTALL_HINT}");
    if let Some(path) = std::env::var_os(BROWSER_VAR).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return find_program(&path)
            .ok_or_else(|| missing(format!("{BROWSER_VAR}={} is not a program", path.display())));
    }
    if let Some(path) = configured {
        return find_program(path)
            .ok_or_else(|| missing(format!("browser = \"{}\" is not a program", path.display())));
    }
    CANDIDATES
        .iter()
        .find_map(|name| find_program(Path::new(name)))
        .ok_or_else(|| missing(format!("none of {} is in PATH", CANDIDATES.join(", "))))
}

/// `program` itself when it is a path to an executable file, else its match in `PATH`.
fn find_program(program: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let executable = |p: &Path| {
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.components().count() > 1 || program.is_absolute() {
        return executable(program).then(|| program.to_path_buf());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| executable(p))
}

/// One page to render, and what its loads must obey.
pub struct Request<'a> {
    pub url: &'a Url,
    pub fetcher: &'a Fetcher,
    pub policy: &'a Policy,
    /// Read the DOM once this CSS selector matches (else once the page has loaded and its
    /// network has settled).
    pub wait_for: Option<&'a str>,
    /// Set to give up at once (SIGTERM of `sitefeed watch`).
    pub cancel: Option<&'a AtomicBool>,
}

/// A running Chromium with one tab, ready to render.
pub struct Browser {
    tab: cdp::Connection,
    /// The tab's main frame, to tell its document from those of iframes.
    frame: String,
    // Dropped last: the tab's socket closes before the process group is killed.
    _process: process::Process,
}

impl Browser {
    /// Starts `program` and opens a tab that sends `user_agent` and pauses every request
    /// for [`Fetcher::admit`]. `max_body_size` bounds a page's DOM.
    pub fn launch(program: &Path, user_agent: &str, max_body_size: u64) -> Result<Browser, String> {
        let process = process::Process::launch(program)?;
        let max_message = usize::try_from(max_body_size.saturating_mul(4))
            .unwrap_or(usize::MAX)
            .max(64 << 20);
        let mut browser = cdp::Connection::open(&process.endpoint, max_message)?;
        let target = render::call_plain(
            &mut browser,
            "Target.createTarget",
            json!({ "url": "about:blank" }),
        )?;
        let target = target["targetId"]
            .as_str()
            .ok_or("Chromium opened no tab")?
            .to_string();
        let (base, _) = process
            .endpoint
            .split_once("/devtools/")
            .ok_or("unexpected DevTools endpoint")?;
        let mut tab =
            cdp::Connection::open(&format!("{base}/devtools/page/{target}"), max_message)?;
        let frame = render::prepare(&mut tab, user_agent)?;
        Ok(Browser {
            tab,
            frame,
            _process: process,
        })
    }

    /// Loads `request.url` and returns its DOM as a page.
    pub fn render(&mut self, request: &Request<'_>) -> Result<Page, FetchError> {
        render::Render::new(&mut self.tab, &self.frame, request).run()
    }
}

/// The browser of one pass: started by the first page that needs it, shared by the pass's
/// workers one page at a time, killed when the pass drops it.
pub struct Lazy {
    configured: Option<PathBuf>,
    state: Mutex<State>,
}

enum State {
    NotStarted,
    Running(Box<Browser>),
    /// Not found, or would not start: every page that needs it fails with this line.
    Failed(String),
}

impl Lazy {
    pub fn new(configured: Option<PathBuf>) -> Lazy {
        Lazy {
            configured,
            state: Mutex::new(State::NotStarted),
        }
    }

    /// Renders `request`, starting the browser first if this is the pass's first page.
    pub fn render(&self, request: &Request<'_>) -> Result<Page, FetchError> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if matches!(*state, State::NotStarted) {
            let settings = request.fetcher.settings();
            *state = match locate(self.configured.as_deref()).and_then(|program| {
                Browser::launch(&program, &settings.user_agent, settings.max_body_size).map_err(
                    |err| {
                        format!(
                            "render = \"browser\": Chromium {}: {err}",
                            program.display()
                        )
                    },
                )
            }) {
                Ok(browser) => State::Running(Box::new(browser)),
                Err(message) => State::Failed(message),
            };
        }
        match &mut *state {
            State::Running(browser) => {
                let result = browser.render(request);
                if let Err(FetchError::Transport { message, .. }) = &result {
                    // A browser that crashed or hung is killed, and replaced for the next page.
                    if message.starts_with(render::BROKEN) || message.starts_with(render::TIMED_OUT)
                    {
                        *state = State::NotStarted;
                    }
                }
                result
            }
            State::Failed(message) => Err(FetchError::NoBrowser {
                message: message.clone(),
            }),
            State::NotStarted => unreachable!("started above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_paths_to_executables_or_names_in_path() {
        assert_eq!(
            find_program(Path::new("/bin/sh")),
            Some(PathBuf::from("/bin/sh"))
        );
        assert_eq!(find_program(Path::new("/nonexistent/chromium")), None);
        let plain = tempfile::NamedTempFile::new().unwrap();
        assert_eq!(find_program(plain.path()), None, "not executable");
        assert!(find_program(Path::new("sh")).is_some_and(|p| p.is_absolute()));
        assert_eq!(find_program(Path::new("no-such-program-sitefeed")), None);
    }
}
