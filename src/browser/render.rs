//! One page load in the tab: navigate, let each request through the fetcher's politeness or
//! fail it, wait until the page is ready (its `wait_for` selector matches, or it has loaded
//! and its network has gone quiet), then read the DOM. Bounded by the `timeout` setting and
//! by the cancel flag, both looked at between messages.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tracing::debug;
use url::Url;

use super::cdp::Connection;
use super::Request;
use crate::fetch::{FetchError, Page, Validators};

/// How a message about a browser that stopped answering starts: [`super::Lazy`] then starts
/// a new one for the next page.
pub(super) const BROKEN: &str = "the browser stopped answering";
/// How the message about a page that did not load in time starts: the browser may be stuck
/// (a script in an endless loop answers nothing), so [`super::Lazy`] replaces it too.
pub(super) const TIMED_OUT: &str = "the browser did not load it within";
/// After `load`, how long to wait at most for the network to go quiet (a page that polls
/// forever never does).
const SETTLE: Duration = Duration::from_secs(5);
/// How often `wait_for` is tried.
const POLL: Duration = Duration::from_millis(100);
/// Requests a page's DOM does not depend on: never sent.
const SKIPPED: &[&str] = &[
    "Image",
    "Media",
    "Font",
    "Stylesheet",
    "Ping",
    "Manifest",
    "TextTrack",
    "Prefetch",
    "CSPViolationReport",
];
/// What the page is read as: its address after redirects, its markup, its HTTP status.
const SNAPSHOT: &str = "[document.URL, document.documentElement ? document.documentElement.outerHTML : '', (performance.getEntriesByType('navigation')[0] || {}).responseStatus || 0]";

/// Sends `method` and waits for its answer, ignoring events: for setting up, when no page
/// is loading.
pub(super) fn call_plain(
    conn: &mut Connection,
    method: &str,
    params: Value,
) -> Result<Value, String> {
    let id = conn.send(method, params)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let Some(message) = conn.next()? else {
            continue;
        };
        if message["id"].as_u64() == Some(id) {
            return match message.get("error") {
                Some(error) => Err(format!("{method}: {}", error["message"])),
                None => Ok(message["result"].clone()),
            };
        }
    }
    Err(format!("{method}: no answer within 30s"))
}

/// Sets the tab up for rendering; returns its main frame's id.
pub(super) fn prepare(tab: &mut Connection, user_agent: &str) -> Result<String, String> {
    call_plain(tab, "Page.enable", json!({}))?;
    call_plain(
        tab,
        "Page.setLifecycleEventsEnabled",
        json!({ "enabled": true }),
    )?;
    call_plain(
        tab,
        "Network.setUserAgentOverride",
        json!({ "userAgent": user_agent }),
    )?;
    call_plain(
        tab,
        "Fetch.enable",
        json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] }),
    )?;
    let tree = call_plain(tab, "Page.getFrameTree", json!({}))?;
    tree["frameTree"]["frame"]["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "Chromium's tab has no frame".to_string())
}

/// The state of one load.
pub(super) struct Render<'a> {
    conn: &'a mut Connection,
    frame: &'a str,
    request: &'a Request<'a>,
    timeout: Duration,
    deadline: Instant,
    /// The navigation's loader, once it has started.
    loader: Option<String>,
    /// Lifecycle events of the main frame: loader and name.
    lifecycle: Vec<(String, String)>,
    /// Why the main document's own request was refused, if it was.
    refusal: Option<FetchError>,
}

impl<'a> Render<'a> {
    pub(super) fn new(conn: &'a mut Connection, frame: &'a str, request: &'a Request<'a>) -> Self {
        let timeout = request.fetcher.settings().timeout;
        Render {
            conn,
            frame,
            request,
            timeout,
            deadline: Instant::now() + timeout,
            loader: None,
            lifecycle: Vec::new(),
            refusal: None,
        }
    }

    pub(super) fn run(mut self) -> Result<Page, FetchError> {
        let result = self.load();
        // The page's scripts would go on asking for requests while the next page loads.
        let _ = self
            .conn
            .send("Page.navigate", json!({ "url": "about:blank" }));
        result
    }

    fn load(&mut self) -> Result<Page, FetchError> {
        let url = self.request.url;
        let navigated = self.call("Page.navigate", json!({ "url": url.as_str() }))?;
        if let Some(error) = navigated["errorText"].as_str().filter(|e| !e.is_empty()) {
            return Err(self
                .refusal
                .take()
                .unwrap_or_else(|| self.failure(error.to_string())));
        }
        self.loader = navigated["loaderId"].as_str().map(str::to_string);
        match self.request.wait_for {
            Some(selector) => self.wait_for(selector)?,
            None => {
                if !self.wait_until(self.deadline, |r| r.reached("load"))? {
                    return Err(self.timed_out());
                }
                let settle = (Instant::now() + SETTLE).min(self.deadline);
                if !self.wait_until(settle, |r| r.reached("networkIdle"))? {
                    debug!("{url}: the network did not go quiet; reading the page as it is");
                }
            }
        }
        let snapshot = self.evaluate(SNAPSHOT)?;
        let final_url = snapshot[0]
            .as_str()
            .and_then(|u| Url::parse(u).ok())
            .unwrap_or_else(|| url.clone());
        let html = snapshot[1].as_str().unwrap_or_default().to_string();
        let status = match snapshot[2].as_u64().unwrap_or(0) {
            0 => 200,
            status => u16::try_from(status).unwrap_or(200),
        };
        if !(200..300).contains(&status) {
            return Err(FetchError::Status {
                url: url.clone(),
                status,
            });
        }
        let limit = self.request.fetcher.max_body_size();
        if html.len() as u64 > limit {
            return Err(FetchError::TooLarge {
                url: url.clone(),
                limit,
            });
        }
        Ok(Page {
            url: final_url,
            status,
            html,
            validators: Validators::default(),
        })
    }

    /// Polls `selector` until it matches, letting requests through in between.
    fn wait_for(&mut self, selector: &str) -> Result<(), FetchError> {
        let probe = format!(
            "document.querySelector({}) !== null",
            Value::String(selector.to_string())
        );
        loop {
            if self.evaluate(&probe)?.as_bool() == Some(true) {
                return Ok(());
            }
            let next = (Instant::now() + POLL).min(self.deadline);
            self.wait_until(next, |_| false)?;
            if Instant::now() >= self.deadline {
                return Err(self.failure(format!(
                    "wait_for \"{selector}\" matched nothing within {:?} (timeout)",
                    self.timeout
                )));
            }
        }
    }

    fn reached(&self, name: &str) -> bool {
        self.lifecycle
            .iter()
            .any(|(loader, n)| n == name && Some(loader) == self.loader.as_ref())
    }

    /// Handles messages until `done` holds (true) or `until` passes (false).
    fn wait_until(
        &mut self,
        until: Instant,
        done: impl Fn(&Self) -> bool,
    ) -> Result<bool, FetchError> {
        loop {
            if done(self) {
                return Ok(true);
            }
            if Instant::now() >= until {
                return Ok(false);
            }
            self.check_stop()?;
            if let Some(message) = self.conn.next().map_err(|e| self.broken(e))? {
                self.dispatch(&message, None)?;
            }
        }
    }

    /// Sends `method` and handles events until its answer comes.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, FetchError> {
        let id = self.conn.send(method, params).map_err(|e| self.broken(e))?;
        loop {
            self.check_stop()?;
            let Some(message) = self.conn.next().map_err(|e| self.broken(e))? else {
                continue;
            };
            if let Some(answer) = self.dispatch(&message, Some(id))? {
                return match answer.get("error") {
                    Some(error) => Err(self.failure(format!("{method}: {}", error["message"]))),
                    None => Ok(answer["result"].clone()),
                };
            }
        }
    }

    /// The value `expression` evaluates to in the page.
    fn evaluate(&mut self, expression: &str) -> Result<Value, FetchError> {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            let text = details["exception"]["description"]
                .as_str()
                .or(details["text"].as_str())
                .unwrap_or("an exception");
            let first = text.lines().next().unwrap_or(text).to_string();
            return Err(self.failure(format!("the page threw {first}")));
        }
        Ok(result["result"]["value"].clone())
    }

    /// Handles one message: returns it when it is the answer to `waiting`, acts on events.
    fn dispatch(
        &mut self,
        message: &Value,
        waiting: Option<u64>,
    ) -> Result<Option<Value>, FetchError> {
        if let Some(id) = message["id"].as_u64() {
            return Ok((Some(id) == waiting).then(|| message.clone()));
        }
        let params = &message["params"];
        match message["method"].as_str().unwrap_or_default() {
            "Fetch.requestPaused" => self.decide(params)?,
            "Page.lifecycleEvent" if params["frameId"].as_str() == Some(self.frame) => {
                self.lifecycle.push((
                    params["loaderId"].as_str().unwrap_or_default().to_string(),
                    params["name"].as_str().unwrap_or_default().to_string(),
                ));
            }
            "Inspector.detached" | "Inspector.targetCrashed" => {
                return Err(self.broken(format!("the tab went away ({})", message["method"])))
            }
            _ => {}
        }
        Ok(None)
    }

    /// Lets a paused request go on, or fails it: skipped kinds always, the rest unless
    /// [`crate::fetch::Fetcher::admit`] agrees.
    fn decide(&mut self, params: &Value) -> Result<(), FetchError> {
        let id = params["requestId"].clone();
        let kind = params["resourceType"].as_str().unwrap_or_default();
        let target = params["request"]["url"].as_str().unwrap_or_default();
        // Chromium asks for the favicon of every page it shows.
        let favicon = kind == "Other" && target.ends_with("/favicon.ico");
        let verdict = if SKIPPED.contains(&kind) || favicon {
            Err(format!("{kind} not loaded"))
        } else {
            match Url::parse(target) {
                Err(err) => Err(format!("not a URL: {err}")),
                Ok(target) => self
                    .request
                    .fetcher
                    .admit(&target, self.request.url, self.request.policy)
                    .map_err(|err| {
                        let message = err.to_string();
                        if kind == "Document" && params["frameId"].as_str() == Some(self.frame) {
                            self.refusal = Some(err);
                        }
                        message
                    }),
            }
        };
        let (method, params) = match verdict {
            Ok(()) => ("Fetch.continueRequest", json!({ "requestId": id })),
            Err(why) => {
                debug!("{}: blocked {target}: {why}", self.request.url);
                (
                    "Fetch.failRequest",
                    json!({ "requestId": id, "errorReason": "BlockedByClient" }),
                )
            }
        };
        self.conn.send(method, params).map_err(|e| self.broken(e))?;
        Ok(())
    }

    fn check_stop(&self) -> Result<(), FetchError> {
        if self
            .request
            .cancel
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
        {
            return Err(self.failure("stopped before the page was rendered".into()));
        }
        if Instant::now() >= self.deadline {
            return Err(self.timed_out());
        }
        Ok(())
    }

    fn timed_out(&self) -> FetchError {
        self.failure(format!("{TIMED_OUT} {:?} (timeout)", self.timeout))
    }

    fn failure(&self, message: String) -> FetchError {
        FetchError::Transport {
            url: self.request.url.clone(),
            message,
        }
    }

    fn broken(&self, message: String) -> FetchError {
        self.failure(format!("{BROKEN}: {message}"))
    }
}
