//! Misbehaving-server responses for the fault-injection tests: answers that never come, bodies
//! that drip, stop short or never end, a gzip bomb, redirect loops and pages of noise.
//!
//! Raw behaviours are [`RawHandler`]s (they own the socket); the rest are canned
//! [`Response`]s. Every raw handler gives up when the client hangs up or after
//! [`HANDLER_LIFETIME`], so a test never leaves a thread behind for long.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use super::server::{RawHandler, Request};
use super::{Response, Server};

/// Longest a raw handler keeps its connection open.
pub const HANDLER_LIFETIME: Duration = Duration::from_secs(30);

/// Accepts the request and never answers: holds the socket until the client gives up.
pub fn never_answer() -> RawHandler {
    Arc::new(|mut stream: TcpStream, _: &Request| {
        stream.set_read_timeout(Some(Duration::from_millis(200)))?;
        let started = Instant::now();
        let mut buf = [0u8; 1024];
        while started.elapsed() < HANDLER_LIFETIME {
            match stream.read(&mut buf) {
                Ok(0) => break, // the client hung up
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
        Ok(())
    })
}

/// Sends a correct head for `body`, then the body one byte every `every`.
pub fn slow_drip(body: Vec<u8>, every: Duration) -> RawHandler {
    Arc::new(move |mut stream: TcpStream, _: &Request| {
        stream
            .write_all(head(200, "text/html; charset=utf-8", Some(body.len() as u64)).as_bytes())?;
        let started = Instant::now();
        for byte in &body {
            if started.elapsed() > HANDLER_LIFETIME {
                break;
            }
            stream.write_all(&[*byte])?;
            stream.flush()?;
            thread::sleep(every);
        }
        stream.shutdown(Shutdown::Write)
    })
}

/// Announces `Content-Length: claimed`, sends only `body` (shorter), then closes.
pub fn truncated(body: Vec<u8>, claimed: u64) -> RawHandler {
    assert!(
        claimed > body.len() as u64,
        "a truncated body must be short"
    );
    Arc::new(move |mut stream: TcpStream, _: &Request| {
        stream.write_all(head(200, "text/html; charset=utf-8", Some(claimed)).as_bytes())?;
        stream.write_all(&body)?;
        stream.flush()?;
        stream.shutdown(Shutdown::Both)
    })
}

/// A well-formed HTML page of `total` bytes, generated as it is sent (never held in memory),
/// with an exact `Content-Length`; it stops when the client hangs up.
pub fn huge_body(total: u64) -> RawHandler {
    Arc::new(move |mut stream: TcpStream, _: &Request| {
        stream.write_all(head(200, "text/html; charset=utf-8", Some(total)).as_bytes())?;
        let chunk =
            b"<p>filler filler filler filler filler filler filler filler filler</p>\n".repeat(1000);
        let mut sent = 0u64;
        let started = Instant::now();
        while sent < total && started.elapsed() < HANDLER_LIFETIME {
            let n = chunk.len().min((total - sent) as usize);
            stream.write_all(&chunk[..n])?;
            sent += n as u64;
        }
        stream.flush()?;
        stream.shutdown(Shutdown::Write)
    })
}

/// Uncompressed size of [`gzip_bomb`]: 25 times the default `max_body_size`.
pub const BOMB_SIZE: u64 = 256 * 1024 * 1024;

/// `BOMB_SIZE` bytes of spaces compressed to about 250 kB, served as `text/html` with
/// `Content-Encoding: gzip` (built once per test binary).
pub fn gzip_bomb() -> Response {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    let body = BOMB.get_or_init(|| {
        use flate2::{write::GzEncoder, Compression};
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        let block = vec![b' '; 1024 * 1024];
        encoder.write_all(b"<html><body>").expect("in-memory write");
        for _ in 0..BOMB_SIZE / block.len() as u64 {
            encoder.write_all(&block).expect("in-memory write");
        }
        encoder.finish().expect("in-memory write")
    });
    Response::html(body.clone()).header("Content-Encoding", "gzip")
}

/// Routes `a` -> `b` -> `a` with 302s.
pub fn redirect_loop(server: &Server, a: &str, b: &str) {
    server.route(a, redirect(&server.url(b)));
    server.route(b, redirect(&server.url(a)));
}

/// A chain of `hops` distinct redirects starting at `path` (`path?hop=1`, `path?hop=2`, ...)
/// that never reaches a page.
pub fn redirect_chain(server: &Server, path: &str, hops: usize) {
    server.route(path, redirect(&format!("{path}?hop=1")));
    for hop in 1..=hops {
        server.route(
            &format!("{path}?hop={hop}"),
            redirect(&format!("{path}?hop={}", hop + 1)),
        );
    }
}

/// A `302 Found` to `location`.
pub fn redirect(location: &str) -> Response {
    Response::redirect(302, location)
}

/// `len` pseudo-random bytes from `seed`, served as `text/html`.
pub fn random_bytes(len: usize, seed: u64) -> Response {
    let mut rng = fastrand::Rng::with_seed(seed);
    let bytes: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
    Response::html(bytes)
}

/// An empty `200 OK` HTML response.
pub fn empty_200() -> Response {
    Response::html(Vec::new())
}

/// `html` with invalid UTF-8 sequences spliced in before every `</title>` and `</h1>` and
/// into the body, served as `charset=utf-8`.
pub fn invalid_utf8(html: &str) -> Response {
    let bad: &[u8] = b"\xff\xfe\xc3\x28\xed\xa0\x80";
    let mut bytes = Vec::new();
    for (i, part) in html.split("</title>").enumerate() {
        if i > 0 {
            bytes.extend_from_slice(bad);
            bytes.extend_from_slice(b"</title>");
        }
        bytes.extend_from_slice(part.as_bytes());
    }
    bytes.extend_from_slice(b"<!-- trailing \x80\x81 -->");
    Response::html(bytes)
}

fn head(status: u16, content_type: &str, length: Option<u64>) -> String {
    let mut head = format!("HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\n");
    if let Some(length) = length {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    head
}
