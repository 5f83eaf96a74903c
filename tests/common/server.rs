//! A loopback HTTP/1.1 fixture server for the end-to-end tests.
//!
//! It binds `127.0.0.1:0`, answers one request per connection from an in-memory route table
//! and records every request, so a test can both stage a site and check what the binary asked
//! for. Routes can change between two runs of the binary (a section that starts failing, an
//! article that leaves a page). Every socket read and write has a timeout, so a confused client
//! can never hang a test.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Bound on every socket read and write of the server.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Request heads larger than this are refused (a test client never sends one).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Request bodies are read and dropped up to this size.
const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// A canned HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A `200 OK` with the given content type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    /// A `200 OK` UTF-8 HTML page.
    pub fn html(body: impl Into<Vec<u8>>) -> Response {
        Response::ok("text/html; charset=utf-8", body)
    }

    /// A response with `status` and its reason phrase as a plain-text body.
    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            body: reason(status).as_bytes().to_vec(),
        }
    }

    /// Adds one header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path plus query.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The target without its query string.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A route that writes its own bytes to the socket (see `faults.rs`): for responses a canned
/// [`Response`] cannot express, such as one that never comes or a body cut short.
pub type RawHandler = Arc<dyn Fn(TcpStream, &Request) -> std::io::Result<()> + Send + Sync>;

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Response>>,
    raw: Mutex<HashMap<String, RawHandler>>,
    prefixes: Mutex<Vec<(String, Response)>>,
    requests: Mutex<Vec<Request>>,
    stopping: AtomicBool,
}

impl State {
    /// The exact target first, then the path without its query (servers ignore unknown
    /// parameters such as `utm_source`), then the longest matching prefix route.
    fn answer(&self, request: &Request) -> Response {
        let routes = lock(&self.routes);
        if let Some(response) = routes
            .get(&request.target)
            .or_else(|| routes.get(request.path()))
        {
            return response.clone();
        }
        lock(&self.prefixes)
            .iter()
            .filter(|(prefix, _)| request.path().starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, response)| response.clone())
            .unwrap_or_else(|| Response::status(404))
    }
}

/// The running server; it stops when dropped.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server with no routes on a free loopback port.
    pub fn start() -> Server {
        Server::start_on("127.0.0.1")
    }

    /// Starts a server with no routes on a free port of loopback address `ip` (Linux answers
    /// on all of 127.0.0.0/8, so `127.0.0.2` is a second "host" for redirect tests).
    pub fn start_on(ip: &str) -> Server {
        let listener = TcpListener::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip}:0: {e}"));
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State::default());
        let acceptor = {
            let state = Arc::clone(&state);
            thread::spawn(move || accept_loop(listener, state))
        };
        Server {
            addr,
            state,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`.
    pub fn hostport(&self) -> String {
        self.addr.to_string()
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// Serves `response` at `path` (a path, or a path plus query for an exact match),
    /// replacing what was there.
    pub fn route(&self, path: &str, response: Response) {
        lock(&self.state.routes).insert(path.to_string(), response);
    }

    /// Serves `response` for every path under `prefix` that has no exact route.
    pub fn route_prefix(&self, prefix: &str, response: Response) {
        lock(&self.state.prefixes).push((prefix.to_string(), response));
    }

    /// Stops serving `path`; it answers 404 from now on.
    pub fn remove(&self, path: &str) {
        lock(&self.state.routes).remove(path);
        lock(&self.state.raw).remove(path);
    }

    /// Answers requests for exactly `path` (query ignored) with `handler`, which owns the
    /// socket; it takes precedence over canned routes.
    #[allow(dead_code)]
    pub fn route_raw(&self, path: &str, handler: RawHandler) {
        lock(&self.state.raw).insert(path.to_string(), handler);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.state.requests).clone()
    }

    /// The paths (queries dropped) of every request received so far.
    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| r.path().to_string())
            .collect()
    }

    /// Forgets the recorded requests, typically between two runs of the binary.
    pub fn clear_requests(&self) {
        lock(&self.state.requests).clear();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the loop sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, IO_TIMEOUT);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn accept_loop(listener: TcpListener, state: Arc<State>) {
    for stream in listener.incoming() {
        if state.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let state = Arc::clone(&state);
        // Handlers are detached: their socket timeouts bound how long they can live.
        thread::spawn(move || {
            let _ = handle(stream, &state);
        });
    }
}

fn handle(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    lock(&state.requests).push(request.clone());
    let raw = lock(&state.raw).get(request.path()).cloned();
    if let Some(handler) = raw {
        return handler(stream, &request);
    }
    let response = state.answer(&request);
    write_response(stream, &request, &response)
}

/// Reads one request head and drops its body. `None` when the peer sent nothing usable.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut head_bytes = 0;
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line)?;
        head_bytes += n;
        if n == 0 || head_bytes > MAX_HEAD_BYTES {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let Some(request_line) = lines.first() else {
        return Ok(None);
    };
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let headers: Vec<(String, String)> = lines[1..]
        .iter()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
        .collect();
    let request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
    };
    let body_len = request
        .header("Content-Length")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(MAX_BODY_BYTES);
    std::io::copy(&mut reader.take(body_len), &mut std::io::sink())?;
    Ok(Some(request))
}

/// Writes `response` with an exact `Content-Length` and `Connection: close`, then closes.
fn write_response(
    mut stream: TcpStream,
    request: &Request,
    response: &Response,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    let bodiless = request.method.eq_ignore_ascii_case("HEAD") || response.status == 304;
    if !bodiless {
        stream.write_all(&response.body)?;
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    //! The server is test infrastructure; these check it with a raw std client so the suite
    //! has something that passes before the binary exists.

    use super::*;

    /// Sends `raw` and returns the whole response as text.
    fn exchange(server: &Server, raw: &str) -> String {
        let mut stream = TcpStream::connect(server.hostport()).expect("connect");
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        stream.write_all(raw.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read response");
        response
    }

    fn get(server: &Server, target: &str) -> String {
        exchange(
            server,
            &format!("GET {target} HTTP/1.1\r\nHost: {}\r\nUser-Agent: selftest\r\nConnection: keep-alive\r\n\r\n", server.hostport()),
        )
    }

    #[test]
    fn server_answers_routes_with_length_and_close() {
        let server = Server::start();
        server.route(
            "/world/",
            Response::html("<p>hi</p>").header("ETag", "\"v1\""),
        );
        let response = get(&server, "/world/");
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.contains("ETag: \"v1\"\r\n"), "{response}");
        assert!(response.contains("Content-Length: 9\r\n"), "{response}");
        assert!(response.contains("Connection: close\r\n"), "{response}");
        assert!(response.ends_with("\r\n\r\n<p>hi</p>"), "{response}");
    }

    #[test]
    fn server_ignores_query_and_404s_unknown_paths() {
        let server = Server::start();
        server.route("/a.html", Response::html("a"));
        assert!(get(&server, "/a.html?utm_source=x").ends_with("\r\n\r\na"));
        assert!(get(&server, "/nope.html").starts_with("HTTP/1.1 404 Not Found"));
    }

    #[test]
    fn server_routes_can_change_between_requests() {
        let server = Server::start();
        server.route("/world/", Response::html("first"));
        assert!(get(&server, "/world/").ends_with("first"));
        server.route("/world/", Response::status(500));
        assert!(get(&server, "/world/").starts_with("HTTP/1.1 500 Internal Server Error"));
        server.remove("/world/");
        assert!(get(&server, "/world/").starts_with("HTTP/1.1 404"));
    }

    #[test]
    fn server_prefix_routes_and_head_requests() {
        let server = Server::start();
        server.route_prefix(
            "/img/",
            Response::ok("image/jpeg", vec![0xFF, 0xD8, 0xFF, 0xD9]),
        );
        let response = exchange(
            &server,
            "HEAD /img/07ea/x.jpg HTTP/1.1\r\nHost: test\r\n\r\n",
        );
        assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
        assert!(response.contains("Content-Length: 4\r\n"), "{response}");
        assert!(
            response.ends_with("\r\n\r\n"),
            "HEAD must have no body: {response}"
        );
    }

    #[test]
    fn server_records_method_target_and_headers() {
        let server = Server::start();
        get(&server, "/russia/?page=2");
        exchange(
            &server,
            "POST /form HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello",
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].method, "GET");
        assert_eq!(requests[0].target, "/russia/?page=2");
        assert_eq!(requests[0].path(), "/russia/");
        assert_eq!(requests[0].header("user-agent"), Some("selftest"));
        assert_eq!(requests[1].method, "POST");
        assert_eq!(server.paths(), ["/russia/", "/form"]);
        server.clear_requests();
        assert!(server.requests().is_empty());
    }
}
