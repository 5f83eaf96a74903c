//! Fault injection: every way a server can misbehave, applied to a section page and to an
//! article page, against the real binary.
//!
//! Each test stages two feeds of the generated site (`tests/common/synth.rs`), runs once so
//! both have files and stored items, then breaks one page of feed `alpha` and runs again while
//! feed `beta` gains an article. Whatever the fault, the run must finish (bounded by the test
//! timeout), log one line naming the URL, keep `alpha`'s files byte-identical and its stored
//! items (or, for an article, write the feed without that article and pick it up once it
//! heals), write `beta`, leave every output file parseable and the store intact, and stay
//! under [`MAX_RSS_KIB`] of memory.
//!
//! Exit codes, decided per fault (see RELIABILITY.md):
//! - 1 for a failed source: HTTP errors, timeouts, a truncated, oversized or bomb body, a
//!   redirect loop, a non-HTML type, an empty body.
//! - 0 with a warning for a section page that answers but lists no article (a page of noise,
//!   a list that went empty): the site did answer, the feed keeps its entries, the warning
//!   reaches cron's mail.
//! - 0 for invalid UTF-8: it is decoded with replacement characters, nothing is lost.

mod common;

use std::time::Duration;

use common::faults::{self, redirect};
use common::proc::{run_measured, Measured};
use common::synth::*;
use common::{Response, Server, Workdir};

/// Bound on one run; a hung run fails the test rather than the suite.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// Peak resident memory allowed to one run, whatever the server sends.
const MAX_RSS_KIB: u64 = 200 * 1024;
const ALPHA_FILES: [&str; 3] = ["alpha.rss", "alpha.atom", "alpha.json"];

/// Two feeds, `alpha` and `beta`, with stories 1-3 each, after one good run.
fn staged() -> (Server, Workdir) {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    serve_section(&server, "beta", &[1, 2, 3]);
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha", "beta"]));
    let first = run_measured(&work, RUN_TIMEOUT);
    first.outcome.assert_code(0);
    assert_feed_ids(&work, "alpha", &article_urls(&server, "alpha", &[1, 2, 3]));
    (server, work)
}

/// What a faulty page must lead to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exit 1; the line naming the URL contains this.
    Fails(&'static str),
    /// Exit 0; the line naming the URL is a warning containing this.
    Warns(&'static str),
    /// Exit 0 and the page is used (its new article reaches the feed).
    Used,
}

/// The second run, with the checks every fault shares.
fn second_run(server: &Server, work: &Workdir) -> Measured {
    serve_section(server, "beta", &[1, 2, 3, 4]);
    let run = run_measured(work, RUN_TIMEOUT);
    assert!(
        run.peak_rss_kib < MAX_RSS_KIB,
        "peak RSS {} KiB is over {} KiB\n{}",
        run.peak_rss_kib,
        MAX_RSS_KIB,
        run.outcome.stderr
    );
    assert_feed_ids(work, "beta", &article_urls(server, "beta", &[1, 2, 3, 4]));
    assert_output_complete(&work.path().join("output"));
    assert_store_intact(&work.path().join("state.db"));
    run
}

/// Asserts the run's exit code and that exactly one stderr line names `url`, as `expect`
/// says.
#[track_caller]
fn assert_reported(run: &Measured, url: &str, expect: Expect) {
    let stderr = &run.outcome.stderr;
    let (code, fragment) = match expect {
        Expect::Fails(fragment) => (1, fragment),
        Expect::Warns(fragment) => (0, fragment),
        Expect::Used => (0, ""),
    };
    run.outcome.assert_code(code);
    let lines = lines_naming(stderr, url);
    if matches!(expect, Expect::Used) {
        assert!(
            lines.is_empty(),
            "nothing should be logged about {url}:\n{stderr}"
        );
        return;
    }
    assert_eq!(
        lines.len(),
        1,
        "expected one line naming {url}, got {}:\n{stderr}",
        lines.len()
    );
    assert!(
        lines[0].contains(fragment) && lines[0].contains("alpha"),
        "the line about {url} should name feed alpha and say {fragment:?}: {}",
        lines[0]
    );
}

/// Breaks section page `/alpha/` with `install` and checks the second run.
fn section_fault(install: impl FnOnce(&Server, &str), expect: Expect) {
    let (server, work) = staged();
    let before = snapshot(&work, &ALPHA_FILES);
    let items = stored_items(&work, "alpha");
    // Story 4 exists; only a usable section page can list it.
    serve_section(&server, "alpha", &[1, 2, 3, 4]);
    install(&server, "/alpha/");
    let run = second_run(&server, &work);
    assert_reported(&run, &server.url("/alpha/"), expect);
    match expect {
        Expect::Used => assert_feed_ids(
            &work,
            "alpha",
            &article_urls(&server, "alpha", &[1, 2, 3, 4]),
        ),
        _ => {
            assert_unchanged(&work, &before);
            assert_eq!(
                stored_items(&work, "alpha"),
                items,
                "alpha's stored items changed"
            );
        }
    }
}

/// Lists story 4 on `/alpha/`, breaks its page with `install`, checks the second run, then
/// heals the page and checks a third run picks the story up exactly once.
fn article_fault(install: impl FnOnce(&Server, &str), expect: Expect) {
    let (server, work) = staged();
    let path = article_path("alpha", 4);
    serve_section(&server, "alpha", &[1, 2, 3, 4]);
    install(&server, &path);
    let run = second_run(&server, &work);
    assert_reported(&run, &server.url(&path), expect);
    let all = article_urls(&server, "alpha", &[1, 2, 3, 4]);
    if let Expect::Fails(_) = expect {
        assert_feed_ids(&work, "alpha", &article_urls(&server, "alpha", &[1, 2, 3]));
        assert_eq!(
            stored_items(&work, "alpha").len(),
            3,
            "a failed article was stored"
        );
        server.remove(&path);
        serve_section(&server, "alpha", &[1, 2, 3, 4]);
        run_measured(&work, RUN_TIMEOUT).outcome.assert_code(0);
    }
    assert_feed_ids(&work, "alpha", &all);
}

// ---------------------------------------------------------------------------------------
// The faults, each on a section page and on an article page.

fn html_of(server: &Server, path: &str) -> String {
    if path.ends_with('/') {
        section_html(path.trim_matches('/'), &[1, 2, 3, 4])
    } else {
        article_html(server, "alpha", 4)
    }
}

fn http_500(server: &Server, path: &str) {
    server.route(path, Response::status(500));
}

fn http_404(server: &Server, path: &str) {
    server.route(path, Response::status(404));
}

fn never_answers(server: &Server, path: &str) {
    server.route_raw(path, faults::never_answer());
}

fn slow_drip(server: &Server, path: &str) {
    let html = html_of(server, path);
    server.route_raw(
        path,
        faults::slow_drip(html.into_bytes(), Duration::from_millis(100)),
    );
}

fn truncated_body(server: &Server, path: &str) {
    let html = html_of(server, path);
    let cut = html.len() / 2;
    server.route_raw(
        path,
        faults::truncated(html.as_bytes()[..cut].to_vec(), html.len() as u64 + 10_000),
    );
}

fn body_of_50_mb(server: &Server, path: &str) {
    server.route_raw(path, faults::huge_body(50 * 1024 * 1024));
}

fn gzip_bomb(server: &Server, path: &str) {
    server.route(path, faults::gzip_bomb());
}

fn redirect_loop(server: &Server, path: &str) {
    faults::redirect_loop(server, path, &format!("{path}?loop"));
}

fn endless_redirects(server: &Server, path: &str) {
    faults::redirect_chain(server, path, 50);
}

fn invalid_utf8(server: &Server, path: &str) {
    server.route(path, faults::invalid_utf8(&html_of(server, path)));
}

fn random_bytes(server: &Server, path: &str) {
    server.route(path, faults::random_bytes(64 * 1024, 0x5eed));
}

fn empty_200(server: &Server, path: &str) {
    server.route(path, faults::empty_200());
}

fn not_html(server: &Server, path: &str) {
    server.route(
        path,
        Response::ok("image/jpeg", vec![0xFF, 0xD8, 0xFF, 0xD9]),
    );
}

#[test]
fn section_500_keeps_the_feed() {
    section_fault(http_500, Expect::Fails("HTTP 500"));
}

#[test]
fn section_404_keeps_the_feed() {
    section_fault(http_404, Expect::Fails("HTTP 404"));
}

#[test]
fn section_that_never_answers_times_out() {
    section_fault(never_answers, Expect::Fails("timed out"));
}

#[test]
fn section_dripping_one_byte_per_100ms_times_out() {
    section_fault(slow_drip, Expect::Fails("timed out"));
}

#[test]
fn section_with_truncated_body_fails() {
    section_fault(truncated_body, Expect::Fails("GET"));
}

#[test]
fn section_of_50_mb_is_cut_at_max_body_size() {
    section_fault(body_of_50_mb, Expect::Fails("max_body_size"));
}

#[test]
fn section_gzip_bomb_is_cut_at_max_body_size() {
    section_fault(gzip_bomb, Expect::Fails("max_body_size"));
}

#[test]
fn section_redirect_loop_is_refused() {
    section_fault(redirect_loop, Expect::Fails("redirect loop"));
}

#[test]
fn section_endless_redirects_stop_at_max_redirects() {
    section_fault(endless_redirects, Expect::Fails("max_redirects"));
}

#[test]
fn section_with_invalid_utf8_is_decoded_and_used() {
    section_fault(invalid_utf8, Expect::Used);
}

#[test]
fn section_of_random_bytes_warns_and_keeps_the_feed() {
    section_fault(random_bytes, Expect::Warns("no article links"));
}

#[test]
fn section_empty_200_fails_and_keeps_the_feed() {
    section_fault(empty_200, Expect::Fails("empty"));
}

#[test]
fn section_without_articles_warns_and_keeps_the_feed() {
    section_fault(
        |server, path| server.route(path, Response::html(section_html("alpha", &[]))),
        Expect::Warns("no article links"),
    );
}

#[test]
fn section_served_as_an_image_fails() {
    section_fault(not_html, Expect::Fails("not an HTML page"));
}

#[test]
fn article_500_is_retried_next_pass() {
    article_fault(http_500, Expect::Fails("HTTP 500"));
}

#[test]
fn article_404_is_retried_next_pass() {
    article_fault(http_404, Expect::Fails("HTTP 404"));
}

#[test]
fn article_that_never_answers_times_out() {
    article_fault(never_answers, Expect::Fails("timed out"));
}

#[test]
fn article_dripping_one_byte_per_100ms_times_out() {
    article_fault(slow_drip, Expect::Fails("timed out"));
}

#[test]
fn article_with_truncated_body_fails() {
    article_fault(truncated_body, Expect::Fails("GET"));
}

#[test]
fn article_of_50_mb_is_cut_at_max_body_size() {
    article_fault(body_of_50_mb, Expect::Fails("max_body_size"));
}

#[test]
fn article_gzip_bomb_is_cut_at_max_body_size() {
    article_fault(gzip_bomb, Expect::Fails("max_body_size"));
}

#[test]
fn article_redirect_loop_is_refused() {
    article_fault(redirect_loop, Expect::Fails("redirect loop"));
}

#[test]
fn article_endless_redirects_stop_at_max_redirects() {
    article_fault(endless_redirects, Expect::Fails("max_redirects"));
}

#[test]
fn article_with_invalid_utf8_is_decoded_and_kept() {
    article_fault(invalid_utf8, Expect::Used);
}

#[test]
fn article_empty_200_fails_and_is_retried() {
    article_fault(empty_200, Expect::Fails("empty"));
}

#[test]
fn article_served_as_an_image_fails() {
    article_fault(not_html, Expect::Fails("not an HTML page"));
}

/// Random bytes labelled text/html decode to text without metadata: the page did answer,
/// so the article is kept (under its URL, dated when first seen) and re-checked within
/// `refresh_window`; nothing is lost and every file still parses.
#[test]
fn article_of_random_bytes_is_kept_under_its_url() {
    article_fault(random_bytes, Expect::Used);
}

/// The fault heals on the first retry: with `retries = 1` a 503 is retried and the run is
/// clean.
#[test]
fn transient_503_is_retried_within_the_pass() {
    let (server, work) = staged();
    let path = article_path("alpha", 4);
    serve_section(&server, "alpha", &[1, 2, 3, 4]);
    let good = Response::html(article_html(&server, "alpha", 4));
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    server.route_raw(
        &path,
        std::sync::Arc::new(move |mut stream, _| {
            use std::io::Write;
            let first = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0;
            let (status, body) = if first {
                ("503 Service Unavailable", Vec::new())
            } else {
                ("200 OK", good.body.clone())
            };
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            stream.write_all(&body)
        }),
    );
    let top = "retries = 1\n";
    work.write_config(&synth_config(&server, top, &["alpha", "beta"]).replace("retries = 0\n", ""));
    let run = second_run(&server, &work);
    run.outcome.assert_code(0);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_feed_ids(
        &work,
        "alpha",
        &article_urls(&server, "alpha", &[1, 2, 3, 4]),
    );
}

/// A redirect to a page of the same site is followed and the article keeps the URL it was
/// listed under as its identity when the target has no canonical link of its own.
#[test]
fn article_redirect_within_the_site_is_followed() {
    let (server, work) = staged();
    let path = article_path("alpha", 4);
    serve_section(&server, "alpha", &[1, 2, 3, 4]);
    server.route(&path, redirect(&server.url("/moved/story-4.html")));
    server.route(
        "/moved/story-4.html",
        Response::html(article_html(&server, "alpha", 4)),
    );
    let run = second_run(&server, &work);
    run.outcome.assert_code(0);
    assert_feed_ids(
        &work,
        "alpha",
        &article_urls(&server, "alpha", &[1, 2, 3, 4]),
    );
}
