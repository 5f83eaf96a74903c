//! A loopback HTTP/1.1 fixture server for the end-to-end tests.
//!
//! It binds a free port on `127.0.0.1` (or another loopback address, so a test can stage
//! several "hosts"), answers one request per connection from an in-memory route table and
//! records every request with the moments it arrived and was answered, so a test can both stage
//! a site and check what the binary asked for, and when. Routes can change between two runs of
//! the binary (a section that starts failing, an article that leaves a page), answer a sequence
//! (a 429, then the page), honour `If-None-Match` / `If-Modified-Since`, and misbehave on
//! purpose: answer late, drip the body, send a huge body or cut the connection mid-body. Every
//! socket read and write has a timeout, so a confused client can never hang a test.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Bound on every socket read and write of the server.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Request heads larger than this are refused (a test client never sends one).
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Request bodies are read and dropped up to this size.
const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// Size of the pieces a large or dripped body is written in.
const WRITE_CHUNK: usize = 64 * 1024;

/// A canned HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How the server sends it; the default is at once and whole.
    pub delivery: Delivery,
}

/// How a response is put on the wire, for tests of a client's limits and patience.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Wait this long after reading the request before answering.
    pub delay: Duration,
    /// Bytes of filler (spaces) sent after `body` and counted in `Content-Length`, streamed
    /// so a test can serve tens of megabytes without holding them.
    pub padding: u64,
    /// Write the body in pieces of this many bytes with this pause after each.
    pub drip: Option<(usize, Duration)>,
    /// Close the connection after this many body bytes, although `Content-Length` promised
    /// the whole body.
    pub cut_after: Option<usize>,
    /// Answer `304 Not Modified` when the request's `If-None-Match` matches the `ETag` header
    /// (or, without `If-None-Match`, its `If-Modified-Since` equals `Last-Modified`).
    pub conditional: bool,
}

impl Response {
    /// A `200 OK` with the given content type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delivery: Delivery::default(),
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
            delivery: Delivery::default(),
        }
    }

    /// A redirect with `status` (301, 302, 303, 307 or 308) to `location`.
    pub fn redirect(status: u16, location: &str) -> Response {
        Response::status(status).header("Location", location)
    }

    /// Adds one header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The value of header `name` (case-insensitive), if set.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets `ETag` and answers matching `If-None-Match` requests with 304.
    pub fn etag(mut self, etag: &str) -> Response {
        self.delivery.conditional = true;
        self.header("ETag", etag)
    }

    /// Sets `Last-Modified` and answers matching `If-Modified-Since` requests with 304.
    pub fn last_modified(mut self, date: &str) -> Response {
        self.delivery.conditional = true;
        self.header("Last-Modified", date)
    }

    /// Answers only after `delay`.
    pub fn delay(mut self, delay: Duration) -> Response {
        self.delivery.delay = delay;
        self
    }

    /// Appends `bytes` of filler to the body, streamed.
    pub fn padding(mut self, bytes: u64) -> Response {
        self.delivery.padding = bytes;
        self
    }

    /// Writes the body `chunk` bytes at a time, pausing `pause` after each.
    pub fn drip(mut self, chunk: usize, pause: Duration) -> Response {
        self.delivery.drip = Some((chunk.max(1), pause));
        self
    }

    /// Closes the connection after `bytes` of the body.
    pub fn cut_after(mut self, bytes: usize) -> Response {
        self.delivery.cut_after = Some(bytes);
        self
    }

    /// The body gzip-compressed, sent with `Content-Encoding: gzip`.
    pub fn gzip(mut self) -> Response {
        use flate2::{write::GzEncoder, Compression};
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&self.body).expect("gzip into memory");
        self.body = encoder.finish().expect("gzip into memory");
        self.header("Content-Encoding", "gzip")
    }

    /// Whether `request` carries validators that match this response's.
    fn not_modified_for(&self, request: &Request) -> bool {
        if !self.delivery.conditional || self.status != 200 {
            return false;
        }
        // RFC 9110: If-None-Match wins; If-Modified-Since only counts without it.
        match request.header("If-None-Match") {
            Some(tags) => self
                .header_value("ETag")
                .is_some_and(|etag| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*")),
            None => request
                .header("If-Modified-Since")
                .is_some_and(|since| self.header_value("Last-Modified") == Some(since)),
        }
    }

    /// The bodiless 304 that stands for this response.
    fn as_not_modified(&self) -> Response {
        let keep = ["ETag", "Last-Modified", "Cache-Control", "Date"];
        Response {
            status: 304,
            headers: self
                .headers
                .iter()
                .filter(|(n, _)| keep.iter().any(|k| n.eq_ignore_ascii_case(k)))
                .cloned()
                .collect(),
            body: Vec::new(),
            delivery: Delivery {
                delay: self.delivery.delay,
                ..Delivery::default()
            },
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path plus query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// When the request head had been read.
    pub received: Instant,
    /// When the server started writing its answer (after any [`Delivery::delay`]); `None`
    /// while it is still waiting. A client cannot have seen any of the answer before this, so
    /// a request that arrives earlier on the same host overlapped this one.
    pub answered: Option<Instant>,
    /// Unique per server, to find the request again in the log.
    id: u64,
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
    /// Paths answered by a list of responses in turn, the last one repeating.
    sequences: Mutex<HashMap<String, (Vec<Response>, usize)>>,
    raw: Mutex<HashMap<String, RawHandler>>,
    prefixes: Mutex<Vec<(String, Response)>>,
    requests: Mutex<Vec<Request>>,
    next_id: AtomicU64,
    stopping: AtomicBool,
}

impl State {
    /// A sequence route first, then the exact target, then the path without its query
    /// (servers ignore unknown parameters such as `utm_source`), then the longest matching
    /// prefix route. A conditional response whose validators match becomes a 304.
    fn answer(&self, request: &Request) -> Response {
        let response = self.route(request);
        if response.not_modified_for(request) {
            response.as_not_modified()
        } else {
            response
        }
    }

    fn route(&self, request: &Request) -> Response {
        {
            let mut sequences = lock(&self.sequences);
            let key = [request.target.as_str(), request.path()]
                .into_iter()
                .find(|k| sequences.contains_key(*k))
                .map(str::to_string);
            if let Some((responses, served)) = key.and_then(|k| sequences.get_mut(&k)) {
                let response = responses[(*served).min(responses.len() - 1)].clone();
                *served += 1;
                return response;
            }
        }
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
    /// Starts a server with no routes on a free port of 127.0.0.1.
    pub fn start() -> Server {
        Server::start_on("127.0.0.1")
    }

    /// Starts a server with no routes on a free port of loopback address `ip` (such as
    /// `127.0.0.2`: on Linux all of 127.0.0.0/8 is loopback), a host of its own for a client.
    pub fn start_on(ip: &str) -> Server {
        let listener = TcpListener::bind((ip, 0))
            .unwrap_or_else(|e| panic!("bind {ip}:0 (is {ip} a loopback address here?): {e}"));
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

    /// Answers `path` with `responses` in turn (the first request gets the first), then keeps
    /// answering with the last one. Takes precedence over [`Server::route`].
    pub fn route_sequence(&self, path: &str, responses: Vec<Response>) {
        assert!(!responses.is_empty(), "a sequence needs a response");
        lock(&self.state.sequences).insert(path.to_string(), (responses, 0));
    }

    /// Serves `response` for every path under `prefix` that has no exact route.
    pub fn route_prefix(&self, prefix: &str, response: Response) {
        lock(&self.state.prefixes).push((prefix.to_string(), response));
    }

    /// Stops serving `path`; it answers 404 from now on.
    pub fn remove(&self, path: &str) {
        lock(&self.state.routes).remove(path);
        lock(&self.state.sequences).remove(path);
        lock(&self.state.raw).remove(path);
    }

    /// Answers requests for exactly `path` (query ignored) with `handler`, which owns the
    /// socket; it takes precedence over canned routes.
    pub fn route_raw(&self, path: &str, handler: RawHandler) {
        lock(&self.state.raw).insert(path.to_string(), handler);
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.state.requests).clone()
    }

    /// The requests received so far for `path` (query dropped), in arrival order.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path() == path)
            .collect()
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
    let Some(mut request) = read_request(&mut reader)? else {
        return Ok(());
    };
    request.id = state.next_id.fetch_add(1, Ordering::SeqCst);
    lock(&state.requests).push(request.clone());
    let raw = lock(&state.raw).get(request.path()).cloned();
    if let Some(handler) = raw {
        return handler(stream, &request);
    }
    let response = state.answer(&request);
    thread::sleep(response.delivery.delay);
    if let Some(logged) = lock(&state.requests)
        .iter_mut()
        .rev()
        .find(|r| r.id == request.id)
    {
        logged.answered = Some(Instant::now());
    }
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
        received: Instant::now(),
        answered: None,
        id: 0,
    };
    let body_len = request
        .header("Content-Length")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(MAX_BODY_BYTES);
    std::io::copy(&mut reader.take(body_len), &mut std::io::sink())?;
    Ok(Some(request))
}

/// Writes `response` with an exact `Content-Length` and `Connection: close` as its
/// [`Delivery`] says, then closes.
fn write_response(
    mut stream: TcpStream,
    request: &Request,
    response: &Response,
) -> std::io::Result<()> {
    let delivery = &response.delivery;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let length = response.body.len() as u64 + delivery.padding;
    head.push_str(&format!(
        "Content-Length: {length}\r\nConnection: close\r\n\r\n"
    ));
    stream.write_all(head.as_bytes())?;
    let bodiless = request.method.eq_ignore_ascii_case("HEAD") || response.status == 304;
    if !bodiless {
        write_body(&mut stream, response)?;
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Write)
}

/// The body, then the padding, in pieces: dripped, and cut short when asked.
fn write_body(stream: &mut TcpStream, response: &Response) -> std::io::Result<()> {
    let delivery = &response.delivery;
    let (chunk, pause) = delivery.drip.unwrap_or((WRITE_CHUNK, Duration::ZERO));
    let body = response.body.len() as u64;
    let total = body + delivery.padding;
    let end = delivery
        .cut_after
        .map_or(total, |cut| total.min(cut as u64));
    let filler = vec![b' '; chunk];
    let mut sent = 0u64;
    while sent < end {
        let n = (end - sent).min(chunk as u64);
        if sent < body {
            let to = (sent + n).min(body);
            stream.write_all(&response.body[sent as usize..to as usize])?;
            sent = to;
        } else {
            stream.write_all(&filler[..n as usize])?;
            sent += n;
        }
        if !pause.is_zero() {
            stream.flush()?;
            thread::sleep(pause);
        }
    }
    if delivery.cut_after.is_some() {
        // Drop the connection without a clean end, as a server that died would.
        stream.flush()?;
        return stream.shutdown(Shutdown::Both);
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
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

    #[test]
    fn server_answers_a_sequence_then_repeats_its_last_response() {
        let server = Server::start();
        server.route_sequence(
            "/world/",
            vec![Response::status(429), Response::html("page")],
        );
        assert!(get(&server, "/world/").starts_with("HTTP/1.1 429"));
        assert!(get(&server, "/world/").ends_with("page"));
        assert!(get(&server, "/world/?again").ends_with("page"));
        assert_eq!(server.requests_for("/world/").len(), 3);
    }

    #[test]
    fn server_answers_matching_validators_with_304() {
        let server = Server::start();
        let date = "Tue, 27 Jan 2026 12:00:00 GMT";
        server.route("/e/", Response::html("e").etag("\"v1\""));
        server.route("/m/", Response::html("m").last_modified(date));
        let conditional = |target: &str, header: &str| {
            exchange(
                &server,
                &format!("GET {target} HTTP/1.1\r\nHost: t\r\n{header}\r\n\r\n"),
            )
        };
        let hit = conditional("/e/", "If-None-Match: \"v0\", \"v1\"");
        assert!(hit.starts_with("HTTP/1.1 304"), "{hit}");
        assert!(
            hit.contains("ETag: \"v1\"\r\n") && hit.ends_with("\r\n\r\n"),
            "{hit}"
        );
        assert!(conditional("/e/", "If-None-Match: \"v0\"").ends_with("\r\n\r\ne"));
        assert!(
            conditional("/m/", &format!("If-Modified-Since: {date}")).starts_with("HTTP/1.1 304")
        );
        assert!(
            conditional("/m/", "If-Modified-Since: Mon, 26 Jan 2026 12:00:00 GMT").ends_with("m")
        );
        // A stale If-None-Match wins over a matching If-Modified-Since.
        let both = format!("If-None-Match: \"old\"\r\nIf-Modified-Since: {date}");
        assert!(conditional("/m/", &both).starts_with("HTTP/1.1 200"));
    }

    #[test]
    fn server_records_arrival_and_answer_times_of_a_delayed_response() {
        let server = Server::start();
        server.route(
            "/slow/",
            Response::html("s").delay(Duration::from_millis(200)),
        );
        let before = Instant::now();
        assert!(get(&server, "/slow/").ends_with("s"));
        let request = &server.requests()[0];
        assert!(request.received >= before);
        let answered = request.answered.expect("answered");
        assert!(answered - request.received >= Duration::from_millis(200));
    }

    #[test]
    fn server_pads_drips_and_cuts_bodies() {
        let server = Server::start();
        server.route("/big", Response::html("<p>").padding(100_000));
        let big = get(&server, "/big");
        assert!(
            big.contains("Content-Length: 100003\r\n"),
            "{}",
            &big[..200]
        );
        assert!(big.ends_with(&format!("\r\n\r\n<p>{}", " ".repeat(100_000))));

        server.route(
            "/drip",
            Response::html("abcdef").drip(2, Duration::from_millis(10)),
        );
        assert!(get(&server, "/drip").ends_with("\r\n\r\nabcdef"));

        server.route("/cut", Response::html("abcdef").cut_after(3));
        let cut = get(&server, "/cut");
        assert!(cut.contains("Content-Length: 6\r\n"), "{cut}");
        assert!(cut.ends_with("\r\n\r\nabc"), "{cut}");
    }

    #[test]
    fn server_gzips_bodies() {
        use flate2::read::GzDecoder;
        let server = Server::start();
        server.route("/z", Response::html("x".repeat(10_000)).gzip());
        let mut stream = TcpStream::connect(server.hostport()).unwrap();
        stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        stream
            .write_all(b"GET /z HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = String::from_utf8_lossy(&raw[..split]);
        assert!(head.contains("Content-Encoding: gzip\r\n"), "{head}");
        assert!(raw.len() - split < 1000, "not compressed");
        let mut text = String::new();
        GzDecoder::new(&raw[split..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "x".repeat(10_000));
    }

    #[test]
    fn servers_on_two_loopback_addresses_are_two_hosts() {
        let a = Server::start();
        let b = Server::start_on("127.0.0.2");
        assert!(b.base().starts_with("http://127.0.0.2:"), "{}", b.base());
        b.route("/", Response::html("b"));
        assert!(get(&b, "/").ends_with("b"));
        assert!(a.requests().is_empty());
        assert_eq!(b.paths(), ["/"]);
    }
}
