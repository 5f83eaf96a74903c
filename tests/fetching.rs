//! Polite, incremental fetching, the run lock and the command line's feed selection, tested
//! against the real `sitefeed` binary and loopback fixture servers.
//!
//! Each test starts its own servers and temp directory. Time is only ever asserted from below
//! (a gap is at least the configured one, less [`TOLERANCE`]) or as an order (one request
//! arrived before another was answered), never as an upper bound, so a busy machine cannot make
//! these tests flake: it can only make them slower. Most sections here are tiny pages without
//! article links, so the fetch policy is tested apart from discovery; the tests about articles
//! use the Sputnik fixture with an `article_selector`.

mod common;

use common::server::Request;
use common::site::{page, serve_sputnik, THREE_SECTIONS};
use common::{config_with, Response, Server, Workdir};
use std::fs::File;
use std::time::{Duration, Instant, SystemTime};

/// How much earlier than the client's schedule a request may seem to arrive at the server: the
/// previous request may have taken that much longer to travel.
const TOLERANCE: Duration = Duration::from_millis(75);

/// How much of a `watch` interval a pass may spend before its first request, beyond
/// [`TOLERANCE`] (a busy machine creating the store and fetching robots.txt on the first pass).
const PASS_OVERHEAD: Duration = Duration::from_millis(400);

/// A section page with no article links.
const EMPTY_SECTION: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
     <title>Quiet section</title></head><body><main><h1>Quiet section</h1>\
     <p>No stories yet.</p></main></body></html>";

/// Settings every test here starts from: short retry backoff, so a wait that is seen must come
/// from the rule under test.
const QUICK: &[(&str, &str)] = &[("retry_backoff", "\"50ms\""), ("timeout", "\"20s\"")];

/// The Sputnik World section with the main list selected explicitly.
const WORLD_FEED: &str = r#"
[[feed]]
name = "world"
url = "{{BASE}}/world/"
article_selector = "a.list__title"
"#;

/// Paths of the articles on the World page's main list, in page order.
const WORLD_ARTICLES: &[&str] = &[
    "/20260127/beijing-and-moscow-agree-to-expand-joint-naval-drills-1123541207.html",
    "/20260127/un-panel-warns-of-grain-shortfall-in-east-africa-1123540388.html",
    "/20260127/volcano-eruption-forces-evacuation-of-9000-in-eastern-indonesia-1123531870.html",
    "/20260126/ceasefire-talks-resume-in-geneva-after-two-week-pause-1123537020.html",
    "/20260125/brazil-and-argentina-sign-lithium-pact-1123530415.html",
];

/// The story only on the later World page (`later/world/index.html`).
const TSUNAMI: &str =
    "/20260127/tsunami-warning-drill-held-across-indian-ocean-coastlines-1123541650.html";

// ---------------------------------------------------------------------------------------------
// Conditional requests and incremental fetching.

#[test]
fn etag_is_sent_back_and_a_304_run_fetches_nothing_else_and_rewrites_nothing() {
    let server = sputnik_server();
    server.route(
        "/world/",
        page(&server, "site/world/index.html").etag("\"w1\""),
    );
    let work = workdir(&server, &[], WORLD_FEED);

    work.run().assert_code(0);
    let first = server.requests_for("/world/");
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].header("If-None-Match"), None);
    let files = snapshot(&work, &["world.rss", "world.atom"]);
    server.clear_requests();

    let outcome = work.run();
    outcome.assert_code(0);
    assert_eq!(
        server.paths(),
        ["/world/"],
        "a 304 run asks for the section page only (robots.txt is cached)"
    );
    let second = &server.requests()[0];
    assert_eq!(second.header("If-None-Match"), Some("\"w1\""));
    assert_eq!(second.header("If-Modified-Since"), None);
    assert_summary(&outcome, &["0 changed", "0 new articles", "1 not modified"]);
    assert_unchanged(&work, &files);
}

#[test]
fn last_modified_is_sent_back_as_if_modified_since() {
    let date = "Tue, 27 Jan 2026 12:00:00 GMT";
    let server = sputnik_server();
    server.route(
        "/world/",
        page(&server, "site/world/index.html").last_modified(date),
    );
    let work = workdir(&server, &[], WORLD_FEED);

    work.run().assert_code(0);
    assert_eq!(
        server.requests_for("/world/")[0].header("If-Modified-Since"),
        None
    );
    let files = snapshot(&work, &["world.rss", "world.atom"]);
    server.clear_requests();

    let outcome = work.run();
    outcome.assert_code(0);
    assert_eq!(server.paths(), ["/world/"]);
    let second = &server.requests()[0];
    assert_eq!(second.header("If-Modified-Since"), Some(date));
    assert_eq!(second.header("If-None-Match"), None);
    assert_summary(&outcome, &["0 new articles", "1 not modified"]);
    assert_unchanged(&work, &files);
}

#[test]
fn changed_section_page_is_parsed_again_and_its_new_validators_kept() {
    let server = sputnik_server();
    server.route(
        "/world/",
        page(&server, "site/world/index.html").etag("\"w1\""),
    );
    let work = workdir(&server, &[], WORLD_FEED);
    work.run().assert_code(0);
    assert_eq!(article_paths(&server), WORLD_ARTICLES);

    server.route(
        "/world/",
        page(&server, "later/world/index.html").etag("\"w2\""),
    );
    server.clear_requests();
    let outcome = work.run();
    outcome.assert_code(0);
    assert_eq!(world_if_none_match(&server).as_deref(), Some("\"w1\""));
    assert_eq!(article_paths(&server), [TSUNAMI], "only the new story");
    assert_summary(&outcome, &["1 new article,", "0 not modified"]);

    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(world_if_none_match(&server).as_deref(), Some("\"w2\""));
    assert_eq!(server.paths(), ["/world/"]);
}

#[test]
fn section_validators_are_kept_only_once_every_new_article_is_stored() {
    let server = sputnik_server();
    server.route(
        "/world/",
        page(&server, "site/world/index.html").etag("\"w1\""),
    );
    let grain = WORLD_ARTICLES[1];
    server.route(grain, Response::status(404));
    let work = workdir(&server, &[], WORLD_FEED);

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(outcome.stderr.contains(grain), "{}", outcome.stderr);

    // The failed article must not hide behind a 304: the page is fetched in full again.
    server.route(grain, page(&server, &format!("site{grain}")));
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(
        world_if_none_match(&server).as_deref(),
        None,
        "validators were kept although an article of the page failed"
    );
    assert_eq!(article_paths(&server), [grain], "only the missing article");

    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(world_if_none_match(&server).as_deref(), Some("\"w1\""));
    assert_eq!(server.paths(), ["/world/"]);
}

#[test]
fn recent_articles_are_rechecked_conditionally_at_most_once_per_refresh_interval() {
    let server = sputnik_server();
    for (n, path) in WORLD_ARTICLES.iter().enumerate() {
        server.route(
            path,
            page(&server, &format!("site{path}")).etag(&format!("\"a{n}\"")),
        );
    }
    let work = workdir(&server, &[("refresh_interval", "\"3s\"")], WORLD_FEED);
    work.run().assert_code(0);
    assert_eq!(article_paths(&server), WORLD_ARTICLES);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("If-None-Match").is_none()));

    // Within refresh_interval: no article is asked for again.
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_paths(&server), Vec::<String>::new());

    // Past it: each one is re-checked once, with its own validator.
    std::thread::sleep(Duration::from_millis(3200));
    server.clear_requests();
    let outcome = work.run();
    outcome.assert_code(0);
    assert_eq!(article_paths(&server), WORLD_ARTICLES);
    for (n, path) in WORLD_ARTICLES.iter().enumerate() {
        let request = &server.requests_for(path)[0];
        assert_eq!(
            request.header("If-None-Match"),
            Some(format!("\"a{n}\"").as_str()),
            "{path}"
        );
    }
    assert_summary(&outcome, &["0 new articles", "5 not modified"]);

    // Just re-checked: not due again yet.
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_paths(&server), Vec::<String>::new());
}

#[test]
fn articles_first_seen_before_refresh_window_are_never_fetched_again() {
    let server = sputnik_server();
    let work = workdir(
        &server,
        &[
            ("refresh_window", "\"0s\""),
            ("refresh_interval", "\"100ms\""),
        ],
        WORLD_FEED,
    );
    work.run().assert_code(0);
    assert_eq!(article_paths(&server), WORLD_ARTICLES);

    std::thread::sleep(Duration::from_millis(300));
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(server.paths(), ["/world/"]);
}

// ---------------------------------------------------------------------------------------------
// robots.txt

#[test]
fn section_disallowed_by_robots_txt_fails_without_being_requested() {
    let server = Server::start();
    // The `*` group allows everything: the `sitefeed` group is the one that must apply.
    server.route(
        "/robots.txt",
        Response::ok(
            "text/plain",
            "User-agent: *\nDisallow:\n\nUser-agent: sitefeed\nDisallow: /world/\n",
        ),
    );
    server.route("/world/", Response::html(EMPTY_SECTION));
    server.route("/russia/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &two_feeds("/world/", "/russia/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("robots.txt") && outcome.stderr.contains(&server.url("/world/")),
        "the failure should name robots.txt and the URL:\n{}",
        outcome.stderr
    );
    assert!(server.requests_for("/world/").is_empty());
    assert_eq!(server.requests_for("/robots.txt").len(), 1);
    assert_eq!(server.requests_for("/russia/").len(), 1);
    assert_eq!(feeds_written(&work), ["b"]);
}

#[test]
fn respect_robots_false_on_a_feed_fetches_what_robots_txt_disallows() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Response::ok("text/plain", "User-agent: *\nDisallow: /\n"),
    );
    server.route("/world/", Response::html(EMPTY_SECTION));
    server.route("/russia/", Response::html(EMPTY_SECTION));
    let feeds = r#"
[[feed]]
name = "ignores"
url = "{{BASE}}/world/"
respect_robots = false

[[feed]]
name = "respects"
url = "{{BASE}}/russia/"
"#;
    let work = workdir(&server, &[], feeds);

    let outcome = work.run_with(&["-v"]);
    outcome.assert_code(1);
    assert_eq!(server.requests_for("/world/").len(), 1);
    assert!(server.requests_for("/russia/").is_empty());
    assert!(work.output_path("ignores.rss").exists());
    assert!(!work.output_path("respects.rss").exists());
    assert!(
        outcome.stderr.contains("respect_robots = false"),
        "skipping robots.txt should be logged at info:\n{}",
        outcome.stderr
    );
}

#[test]
fn respect_robots_false_at_the_top_never_asks_for_robots_txt() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Response::ok("text/plain", "User-agent: *\nDisallow: /\n"),
    );
    server.route("/world/", Response::html(EMPTY_SECTION));
    server.route("/russia/", Response::html(EMPTY_SECTION));
    let work = workdir(
        &server,
        &[("respect_robots", "false")],
        &two_feeds("/world/", "/russia/"),
    );

    work.run().assert_code(0);
    let mut paths = server.paths();
    paths.sort();
    assert_eq!(paths, ["/russia/", "/world/"]);
}

#[test]
fn robots_txt_is_fetched_once_per_host_and_cached_between_runs() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Response::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    server.route("/world/", Response::html(EMPTY_SECTION));
    server.route("/russia/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &two_feeds("/world/", "/russia/"));

    work.run().assert_code(0);
    work.run().assert_code(0);
    assert_eq!(server.requests_for("/robots.txt").len(), 1);
    assert_eq!(server.requests_for("/world/").len(), 2);
    assert_eq!(
        server.paths()[0],
        "/robots.txt",
        "robots.txt comes before any page"
    );
}

#[test]
fn missing_robots_txt_allows_everything() {
    let server = Server::start();
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/world/"));

    work.run().assert_code(0);
    assert_eq!(server.paths(), ["/robots.txt", "/world/"]);
}

#[test]
fn unreachable_robots_txt_disallows_the_host() {
    let server = Server::start();
    server.route("/robots.txt", Response::status(503));
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/world/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(outcome.stderr.contains("robots.txt"), "{}", outcome.stderr);
    assert!(server.requests_for("/world/").is_empty());
}

#[test]
fn unreachable_robots_txt_is_asked_for_again_next_run() {
    // RFC 9309 2.4: a cached robots.txt may be used for up to 24 hours "unless the robots.txt
    // is unreachable". One 503 must not block the host for a day.
    let server = Server::start();
    server.route("/robots.txt", Response::status(503));
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/world/"));
    work.run().assert_code(1);

    server.route("/robots.txt", Response::status(404));
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(server.paths(), ["/robots.txt", "/world/"]);
}

#[test]
fn robots_txt_behind_a_redirect_is_followed() {
    // RFC 9309 2.3.1.2: crawlers should follow at least five redirects for robots.txt. Sites
    // commonly redirect it (http to https, bare domain to www.).
    let server = Server::start();
    server.route("/robots.txt", Response::redirect(301, "/robots-2026.txt"));
    server.route(
        "/robots-2026.txt",
        Response::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/world/"));

    work.run().assert_code(0);
    assert_eq!(server.requests_for("/world/").len(), 1);
}

#[test]
fn crawl_delay_raises_the_gap_between_requests_to_the_host() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Response::ok("text/plain", "User-agent: sitefeed\nCrawl-delay: 1\n"),
    );
    let sections = ["/a/", "/b/", "/c/"];
    for section in sections {
        server.route(section, Response::html(EMPTY_SECTION));
    }
    let work = workdir(&server, &[], &one_feed_of(&sections));

    work.run().assert_code(0);
    let pages: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.path() != "/robots.txt")
        .collect();
    assert_eq!(paths_of(&pages), sections);
    assert_gaps_at_least(&pages, Duration::from_secs(1));
}

#[test]
fn crawl_delay_also_separates_robots_txt_from_the_first_page() {
    let server = Server::start();
    server.route(
        "/robots.txt",
        Response::ok("text/plain", "User-agent: sitefeed\nCrawl-delay: 1\n"),
    );
    server.route("/a/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/a/"));

    work.run().assert_code(0);
    let requests = server.requests();
    assert_eq!(paths_of(&requests), ["/robots.txt", "/a/"]);
    assert_gaps_at_least(&requests, Duration::from_secs(1));
}

// ---------------------------------------------------------------------------------------------
// Retries.

#[test]
fn retry_after_on_429_is_waited_for_then_the_page_is_read() {
    retry_after_is_honoured(429, "1", Duration::from_secs(1));
}

#[test]
fn retry_after_on_503_is_waited_for_then_the_page_is_read() {
    retry_after_is_honoured(503, "1", Duration::from_secs(1));
}

#[test]
fn retry_after_as_an_http_date_is_waited_for() {
    // Whole seconds: three from now is at least two once the request arrives.
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    retry_after_is_honoured(503, &date, Duration::from_secs(1));
}

fn retry_after_is_honoured(status: u16, retry_after: &str, at_least: Duration) {
    let server = Server::start();
    server.route_sequence(
        "/world/",
        vec![
            Response::status(status).header("Retry-After", retry_after),
            Response::html(EMPTY_SECTION),
        ],
    );
    let work = workdir(&server, &[], &one_feed("/world/"));

    work.run().assert_code(0);
    let requests = server.requests_for("/world/");
    assert_eq!(requests.len(), 2, "one retry");
    assert_gaps_at_least(&requests, at_least);
    assert!(work.output_path("a.rss").exists());
}

#[test]
fn retry_after_beyond_two_minutes_fails_the_source_without_waiting() {
    let server = Server::start();
    server.route(
        "/world/",
        Response::status(503).header("Retry-After", "3600"),
    );
    let work = workdir(&server, &[], &one_feed("/world/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(outcome.stderr.contains("503"), "{}", outcome.stderr);
    assert_eq!(server.requests_for("/world/").len(), 1);
}

#[test]
fn not_found_is_not_retried() {
    let server = Server::start();
    let work = workdir(&server, &[], &one_feed("/world/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("404") && outcome.stderr.contains(&server.url("/world/")),
        "{}",
        outcome.stderr
    );
    assert_eq!(server.requests_for("/world/").len(), 1);
}

#[test]
fn server_errors_are_retried_up_to_retries_times() {
    let server = Server::start();
    server.route("/down/", Response::status(500));
    server.route_sequence(
        "/flaky/",
        vec![
            Response::status(502),
            Response::status(500),
            Response::html(EMPTY_SECTION),
        ],
    );
    let work = workdir(
        &server,
        &[("retries", "2")],
        &two_feeds("/down/", "/flaky/"),
    );

    let outcome = work.run();
    outcome.assert_code(1);
    assert_eq!(
        server.requests_for("/down/").len(),
        3,
        "first try and two retries"
    );
    assert_eq!(server.requests_for("/flaky/").len(), 3);
    assert!(
        work.output_path("b.rss").exists(),
        "the flaky feed recovered"
    );
    assert!(!work.output_path("a.rss").exists());

    work.write_config(&config_with(
        &server,
        &[("retries", "0")],
        &one_feed("/down/"),
    ));
    server.clear_requests();
    work.run().assert_code(1);
    assert_eq!(server.requests_for("/down/").len(), 1);
}

#[test]
fn connection_cut_mid_body_is_retried() {
    let server = Server::start();
    server.route_sequence(
        "/world/",
        vec![
            Response::html(EMPTY_SECTION).cut_after(40),
            Response::html(EMPTY_SECTION),
        ],
    );
    let work = workdir(&server, &[], &one_feed("/world/"));

    work.run().assert_code(0);
    assert_eq!(server.requests_for("/world/").len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Politeness across hosts.

#[test]
fn requests_to_one_host_start_at_least_delay_apart() {
    let server = Server::start();
    let sections = ["/a/", "/b/", "/c/"];
    for section in sections {
        server.route(section, Response::html(EMPTY_SECTION));
    }
    let work = workdir(&server, &[("delay", "\"300ms\"")], &one_feed_of(&sections));

    work.run().assert_code(0);
    let requests = server.requests();
    assert_eq!(paths_of(&requests), ["/robots.txt", "/a/", "/b/", "/c/"]);
    assert_gaps_at_least(&requests, Duration::from_millis(300));
}

#[test]
fn a_slow_host_does_not_hold_up_another_host() {
    let slow = Server::start_on("127.0.0.1");
    let fast = Server::start_on("127.0.0.2");
    slow.route(
        "/world/",
        Response::html(EMPTY_SECTION).delay(Duration::from_secs(3)),
    );
    fast.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&slow, &[], &two_hosts(&slow, &fast));

    work.run().assert_code(0);
    let slow_page = &slow.requests_for("/world/")[0];
    let fast_first = &fast.requests()[0];
    assert!(
        fast_first.received < slow_page.answered.expect("answered"),
        "the fast host was only asked after the slow one answered"
    );
    assert_eq!(fast.paths(), ["/robots.txt", "/world/"]);
}

#[test]
fn concurrency_1_fetches_one_host_after_the_other() {
    let one = Server::start_on("127.0.0.1");
    let two = Server::start_on("127.0.0.2");
    for server in [&one, &two] {
        server.route(
            "/world/",
            Response::html(EMPTY_SECTION).delay(Duration::from_millis(300)),
        );
    }
    let work = workdir(&one, &[("concurrency", "1")], &two_hosts(&one, &two));

    work.run().assert_code(0);
    let (first, second) = if one.requests()[0].received < two.requests()[0].received {
        (one.requests(), two.requests())
    } else {
        (two.requests(), one.requests())
    };
    let first_done = first.last().unwrap().answered.expect("answered");
    assert!(
        second[0].received >= first_done,
        "the second host was asked while the first was still being fetched"
    );
}

#[test]
fn one_request_at_a_time_per_host_even_across_feed_groups() {
    // Feed "x" is grouped under host A; feed "y" under host B, but its second section is on A,
    // so the two groups' threads both want A at once.
    let a = Server::start_on("127.0.0.1");
    let b = Server::start_on("127.0.0.2");
    for path in ["/x/", "/y/"] {
        a.route(
            path,
            Response::html(EMPTY_SECTION).delay(Duration::from_millis(800)),
        );
    }
    b.route("/y/", Response::html(EMPTY_SECTION));
    let feeds = format!(
        "[[feed]]\nname = \"x\"\nurl = \"{}\"\n\n[[feed]]\nname = \"y\"\nurls = [\"{}\", \"{}\"]\n",
        a.url("/x/"),
        b.url("/y/"),
        a.url("/y/")
    );
    let work = workdir(&a, &[], &feeds);

    work.run().assert_code(0);
    let on_a = a.requests();
    let mut paths = paths_of(&on_a);
    paths.sort();
    assert_eq!(paths, ["/robots.txt", "/x/", "/y/"]);
    for pair in on_a.windows(2) {
        assert!(
            pair[1].received >= pair[0].answered.expect("answered"),
            "{} arrived while {} was in flight",
            pair[1].target,
            pair[0].target
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Limits.

#[test]
fn body_over_max_body_size_fails_naming_it() {
    let server = Server::start();
    server.route(
        "/huge/",
        Response::html(EMPTY_SECTION).padding(50 * 1024 * 1024),
    );
    let work = workdir(
        &server,
        &[("max_body_size", "1048576")],
        &one_feed("/huge/"),
    );

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("max_body_size"),
        "{}",
        outcome.stderr
    );
    assert_eq!(server.requests_for("/huge/").len(), 1, "not retried");
    assert!(!work.output_path("a.rss").exists());
}

#[test]
fn gzip_bomb_is_capped_after_decompression() {
    let server = Server::start();
    let bomb = Response::html(vec![b' '; 16 * 1024 * 1024]).gzip();
    assert!(
        bomb.body.len() < 1024 * 1024,
        "the bomb is small on the wire"
    );
    server.route("/bomb/", bomb);
    let work = workdir(
        &server,
        &[("max_body_size", "1048576")],
        &one_feed("/bomb/"),
    );

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("max_body_size"),
        "{}",
        outcome.stderr
    );
    assert_eq!(server.requests_for("/bomb/").len(), 1, "not retried");
}

#[test]
fn gzip_section_page_is_decoded() {
    let server = sputnik_server();
    server.route("/world/", page(&server, "site/world/index.html").gzip());
    let work = workdir(&server, &[], WORLD_FEED);

    work.run().assert_code(0);
    let accept = server.requests_for("/world/")[0]
        .header("Accept-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(accept.contains("gzip"), "Accept-Encoding: {accept:?}");
    assert_eq!(article_paths(&server), WORLD_ARTICLES);
}

#[test]
fn body_slower_than_timeout_fails_naming_timeout() {
    let server = Server::start();
    server.route(
        "/slow/",
        Response::html(EMPTY_SECTION).drip(10, Duration::from_millis(200)),
    );
    let work = workdir(&server, &[("timeout", "\"1s\"")], &one_feed("/slow/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(outcome.stderr.contains("timeout"), "{}", outcome.stderr);
}

// ---------------------------------------------------------------------------------------------
// Redirects.

#[test]
fn redirect_within_the_site_is_followed() {
    let server = Server::start();
    server.route("/old-world/", Response::redirect(301, "/world/"));
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/old-world/"));

    work.run().assert_code(0);
    assert_eq!(server.paths(), ["/robots.txt", "/old-world/", "/world/"]);
}

#[test]
fn redirect_loop_fails_naming_the_loop() {
    let server = Server::start();
    server.route("/world/", Response::redirect(302, "/world-loop/"));
    server.route("/world-loop/", Response::redirect(302, "/world/"));
    let work = workdir(&server, &[], &one_feed("/world/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("redirect loop"),
        "{}",
        outcome.stderr
    );
    assert_eq!(server.requests_for("/world/").len(), 1);
    assert_eq!(server.requests_for("/world-loop/").len(), 1);
}

#[test]
fn redirects_beyond_max_redirects_fail() {
    let server = Server::start();
    for (from, to) in [("/r1/", "/r2/"), ("/r2/", "/r3/"), ("/r3/", "/r4/")] {
        server.route(from, Response::redirect(302, to));
    }
    server.route("/r4/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[("max_redirects", "2")], &one_feed("/r1/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("max_redirects"),
        "{}",
        outcome.stderr
    );
    assert!(server.requests_for("/r4/").is_empty());
}

#[test]
fn redirect_to_another_host_needs_allowed_hosts() {
    let site = Server::start_on("127.0.0.1");
    let other = Server::start_on("127.0.0.2");
    for (from, to) in [
        ("/refused/", "/r/"),
        ("/named/", "/n/"),
        ("/anything/", "/s/"),
    ] {
        site.route(from, Response::redirect(302, &other.url(to)));
        other.route(to, Response::html(EMPTY_SECTION));
    }
    let feeds = r#"
[[feed]]
name = "refused"
url = "{{BASE}}/refused/"

[[feed]]
name = "named"
url = "{{BASE}}/named/"
allowed_hosts = ["127.0.0.2"]

[[feed]]
name = "anything"
url = "{{BASE}}/anything/"
allowed_hosts = ["*"]
"#;
    let work = workdir(&site, &[], feeds);

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("allowed_hosts") && outcome.stderr.contains(&other.url("/r/")),
        "the refusal should name the target and allowed_hosts:\n{}",
        outcome.stderr
    );
    assert!(other.requests_for("/r/").is_empty());
    assert_eq!(other.requests_for("/n/").len(), 1);
    assert_eq!(other.requests_for("/s/").len(), 1);
    assert_eq!(feeds_written(&work), ["anything", "named"]);
}

#[test]
fn redirect_to_a_non_http_scheme_is_refused() {
    let server = Server::start();
    server.route(
        "/world/",
        Response::redirect(302, &format!("ftp://{}/world/", server.hostport())),
    );
    let work = workdir(&server, &[], &one_feed("/world/"));

    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("only http and https"),
        "{}",
        outcome.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// The run lock.

#[test]
fn held_lock_makes_a_run_give_up_after_lock_timeout() {
    let server = Server::start();
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(
        &server,
        &[("lock_timeout", "\"200ms\"")],
        &one_feed("/world/"),
    );
    let lock = File::create(work.path().join("state.db.lock")).expect("create lock file");
    lock.try_lock().expect("take the lock");

    let started = Instant::now();
    let outcome = work.run();
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("another sitefeed run holds")
            && outcome.stderr.contains("state.db.lock"),
        "{}",
        outcome.stderr
    );
    assert!(started.elapsed() >= Duration::from_millis(200) - TOLERANCE);
    assert!(server.requests().is_empty(), "a locked-out run fetched");

    drop(lock);
    work.run().assert_code(0);
}

#[test]
fn second_run_during_a_slow_run_gives_up_and_the_first_completes() {
    let server = Server::start();
    server.route(
        "/world/",
        Response::html(EMPTY_SECTION).delay(Duration::from_secs(2)),
    );
    let work = workdir(
        &server,
        &[("lock_timeout", "\"200ms\"")],
        &one_feed("/world/"),
    );
    let first = spawn_run(&work);
    wait_for_request(&server, "/world/");

    let second = work.run();
    second.assert_code(1);
    assert!(
        second.stderr.contains("another sitefeed run holds"),
        "{}",
        second.stderr
    );
    first.wait_for(Duration::from_secs(60)).assert_code(0);
    assert_eq!(server.requests_for("/world/").len(), 1);
    assert!(work.output_path("a.rss").exists());
}

#[test]
fn second_run_waits_for_the_lock_then_runs() {
    let server = Server::start();
    server.route(
        "/world/",
        Response::html(EMPTY_SECTION).delay(Duration::from_millis(1500)),
    );
    let work = workdir(&server, &[], &one_feed("/world/"));
    let first = spawn_run(&work);
    wait_for_request(&server, "/world/");

    work.run().assert_code(0);
    first.wait_for(Duration::from_secs(60)).assert_code(0);
    let pages = server.requests_for("/world/");
    assert_eq!(pages.len(), 2);
    assert!(
        pages[1].received >= pages[0].answered.expect("answered"),
        "the second run fetched while the first one held the lock"
    );
}

// ---------------------------------------------------------------------------------------------
// Choosing feeds on the command line.

#[test]
fn feed_option_runs_only_the_named_feeds() {
    let server = Server::start();
    for section in ["/world/", "/russia/", "/economy/"] {
        server.route(section, Response::html(EMPTY_SECTION));
    }
    let work = workdir(&server, &[], THREE_SECTIONS);

    work.run_with(&["--feed", "russia"]).assert_code(0);
    assert_eq!(server.paths(), ["/robots.txt", "/russia/"]);
    assert_eq!(feeds_written(&work), ["russia"]);

    server.clear_requests();
    work.run_with(&["--feed", "economy", "--feed", "world"])
        .assert_code(0);
    let mut paths = server.paths();
    paths.sort();
    assert_eq!(paths, ["/economy/", "/world/"]);
}

#[test]
fn unknown_feed_option_exits_2_without_fetching() {
    let server = Server::start();
    server.route("/world/", Response::html(EMPTY_SECTION));
    let work = workdir(&server, &[], &one_feed("/world/"));

    let outcome = work.run_with(&["--feed", "a", "--feed", "nowhere"]);
    outcome.assert_code(2);
    assert!(outcome.stderr.contains("nowhere"), "{}", outcome.stderr);
    assert!(server.requests().is_empty());
    assert!(work.output_files().is_empty());
}

// ---------------------------------------------------------------------------------------------
// `sitefeed watch`.

#[test]
fn watch_runs_each_feed_at_its_own_interval() {
    let server = Server::start();
    server.route("/fast/", Response::html(EMPTY_SECTION));
    server.route("/slow/", Response::html(EMPTY_SECTION));
    let feeds = r#"
[[feed]]
name = "fast"
url = "{{BASE}}/fast/"
interval = "1s"

[[feed]]
name = "slow"
url = "{{BASE}}/slow/"
interval = "3s"
"#;
    let work = workdir(&server, &[], feeds);
    let watch = spawn_watch(&work);
    wait_for_request(&server, "/robots.txt");
    std::thread::sleep(Duration::from_secs(7));
    watch.signal("TERM");
    watch.wait_for(Duration::from_secs(30)).assert_code(0);

    let fast = server.requests_for("/fast/");
    let slow = server.requests_for("/slow/");
    // Intervals run from pass start to pass start; a pass's own work before its request
    // (the lock, the store, robots.txt on the first pass) varies, hence the wider margin.
    assert_gaps_at_least(&fast, Duration::from_secs(1) - PASS_OVERHEAD);
    assert_gaps_at_least(&slow, Duration::from_secs(3) - PASS_OVERHEAD);
    assert!(slow.len() >= 2, "slow ran {} times in 7 s", slow.len());
    assert!(
        fast.len() >= 4 && fast.len() > slow.len(),
        "fast ran {} times, slow {} times",
        fast.len(),
        slow.len()
    );
    assert_eq!(
        server.requests_for("/robots.txt").len(),
        1,
        "robots.txt is cached across passes"
    );
    work.feed("fast.rss");
    work.feed("slow.atom");
}

#[test]
fn watch_stops_on_sigterm_after_finishing_the_fetch_in_progress() {
    let server = sputnik_server();
    let first = WORLD_ARTICLES[0];
    server.route(
        first,
        page(&server, &format!("site{first}")).delay(Duration::from_millis(1500)),
    );
    let feeds = format!("{WORLD_FEED}interval = \"2s\"\n");
    let work = workdir(&server, &[], &feeds);
    let watch = spawn_watch(&work);
    wait_for_request(&server, first);
    watch.signal("TERM");
    let outcome = watch.wait_for(Duration::from_secs(30));
    outcome.assert_code(0);

    assert_eq!(
        article_paths(&server),
        [first],
        "no fetch may start after SIGTERM"
    );
    for file in ["world.rss", "world.atom"] {
        let feed = work.feed(file);
        assert_eq!(feed.entries.len(), 1, "{file} holds the article in flight");
    }
    let leftovers: Vec<String> = work
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with('.') || f.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // The lock is free and the store consistent: a run picks up exactly the rest.
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_paths(&server), WORLD_ARTICLES[1..]);
}

#[test]
fn watch_stops_on_sigint_between_passes() {
    let server = Server::start();
    server.route("/world/", Response::html(EMPTY_SECTION));
    let feeds = format!("{}interval = \"1s\"\n", one_feed("/world/"));
    let work = workdir(&server, &[], &feeds);
    let watch = spawn_watch(&work);
    wait_for_request(&server, "/world/");
    std::thread::sleep(Duration::from_millis(300));
    watch.signal("INT");
    watch.wait_for(Duration::from_secs(30)).assert_code(0);
    work.feed("a.rss");
}

#[test]
fn watch_rereads_the_config_on_sighup() {
    let server = Server::start();
    server.route("/a/", Response::html(EMPTY_SECTION));
    server.route("/b/", Response::html(EMPTY_SECTION));
    let one = "[[feed]]\nname = \"a\"\nurl = \"{{BASE}}/a/\"\ninterval = \"1s\"\n";
    let work = workdir(&server, &[], one);
    let watch = spawn_watch(&work);
    wait_for_request(&server, "/a/");

    let two =
        format!("{one}\n[[feed]]\nname = \"b\"\nurl = \"{{{{BASE}}}}/b/\"\ninterval = \"1s\"\n");
    work.write_config(&config_with(&server, QUICK, &two));
    watch.signal("HUP");
    wait_for_request(&server, "/b/");
    watch.signal("TERM");
    watch.wait_for(Duration::from_secs(30)).assert_code(0);
    work.feed("b.rss");
}

#[test]
fn watch_keeps_the_running_config_when_the_new_one_is_bad() {
    let server = Server::start();
    server.route("/a/", Response::html(EMPTY_SECTION));
    let feeds = "[[feed]]\nname = \"a\"\nurl = \"{{BASE}}/a/\"\ninterval = \"1s\"\n";
    let work = workdir(&server, &[], feeds);
    let watch = spawn_watch(&work);
    wait_for_request(&server, "/a/");

    work.write_config(&format!(
        "{}colour = \"red\"\n",
        config_with(&server, QUICK, feeds)
    ));
    watch.signal("HUP");
    let reloaded = Instant::now();
    let deadline = reloaded + Duration::from_secs(30);
    while server
        .requests_for("/a/")
        .iter()
        .filter(|r| r.received > reloaded)
        .count()
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "feed a stopped after a bad reload"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    watch.signal("TERM");
    let outcome = watch.wait_for(Duration::from_secs(30));
    outcome.assert_code(0);
    assert!(
        outcome.stderr.contains("feeds.toml") && outcome.stderr.contains("colour"),
        "the bad reload should be logged naming the file and key:\n{}",
        outcome.stderr
    );
}

#[test]
fn watch_stops_on_sigterm_while_waiting_for_the_lock() {
    let server = Server::start();
    server.route("/world/", Response::html(EMPTY_SECTION));
    let feeds = format!("{}interval = \"1s\"\n", one_feed("/world/"));
    let work = workdir(&server, &[("lock_timeout", "\"30s\"")], &feeds);
    let lock = File::create(work.path().join("state.db.lock")).expect("create lock file");
    lock.try_lock().expect("take the lock");
    let watch = spawn_watch(&work);
    // The first pass starts within half a second (jitter) and then waits for the lock.
    std::thread::sleep(Duration::from_secs(2));
    watch.signal("TERM");
    let outcome = watch.wait_for(Duration::from_secs(60));
    outcome.assert_code(0);
    assert!(
        !outcome.stderr.contains("another sitefeed run holds"),
        "the stop request waited out lock_timeout:\n{}",
        outcome.stderr
    );
    assert!(server.requests().is_empty());
}

#[test]
fn watch_with_a_bad_config_exits_2() {
    let work = Workdir::new();
    work.write_config("colour = \"red\"\n");
    let config = work.config_path();
    let outcome = work.sitefeed(&["watch", "--config", config.to_str().expect("utf-8 path")]);
    outcome.assert_code(2);
    assert!(outcome.stderr.contains("colour"), "{}", outcome.stderr);
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// A server serving the Sputnik fixture site.
fn sputnik_server() -> Server {
    let server = Server::start();
    serve_sputnik(&server);
    server
}

/// A workdir whose `feeds.toml` has [`QUICK`] plus `settings` at the top and then `feeds`.
fn workdir(server: &Server, settings: &[(&str, &str)], feeds: &str) -> Workdir {
    let mut all: Vec<(&str, &str)> = QUICK
        .iter()
        .filter(|(key, _)| !settings.iter().any(|(k, _)| k == key))
        .copied()
        .collect();
    all.extend_from_slice(settings);
    Workdir::with_config(&config_with(server, &all, feeds))
}

/// One feed "a" reading `path`.
fn one_feed(path: &str) -> String {
    one_feed_of(&[path])
}

/// One feed "a" reading the section pages `paths` (on one host).
fn one_feed_of(paths: &[&str]) -> String {
    let urls: Vec<String> = paths
        .iter()
        .map(|p| format!("\"{{{{BASE}}}}{p}\""))
        .collect();
    format!("[[feed]]\nname = \"a\"\nurls = [{}]\n", urls.join(", "))
}

/// Feeds "a" and "b" reading `first` and `second`.
fn two_feeds(first: &str, second: &str) -> String {
    format!(
        "[[feed]]\nname = \"a\"\nurl = \"{{{{BASE}}}}{first}\"\n\n\
         [[feed]]\nname = \"b\"\nurl = \"{{{{BASE}}}}{second}\"\n"
    )
}

/// Feeds "a" and "b" reading `/world/` on two servers.
fn two_hosts(a: &Server, b: &Server) -> String {
    format!(
        "[[feed]]\nname = \"a\"\nurl = \"{}\"\n\n[[feed]]\nname = \"b\"\nurl = \"{}\"\n",
        a.url("/world/"),
        b.url("/world/")
    )
}

/// `sitefeed run` in the background.
fn spawn_run(work: &Workdir) -> common::Running {
    let config = work.config_path();
    work.spawn(&["run", "--config", config.to_str().expect("utf-8 path")])
}

/// `sitefeed watch` in the background.
fn spawn_watch(work: &Workdir) -> common::Running {
    let config = work.config_path();
    work.spawn(&["watch", "--config", config.to_str().expect("utf-8 path")])
}

/// Blocks until `server` has received a request for `path` (at most 30 s).
fn wait_for_request(server: &Server, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.requests_for(path).is_empty() {
        assert!(Instant::now() < deadline, "no request for {path} came");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Names of the feeds with files in `output/` (by their RSS file), sorted.
fn feeds_written(work: &Workdir) -> Vec<String> {
    work.output_files()
        .iter()
        .filter_map(|f| f.strip_suffix(".rss"))
        .map(str::to_string)
        .collect()
}

fn paths_of(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| r.path().to_string()).collect()
}

/// Paths of the article pages requested, in order.
/// The `If-None-Match` the first request for `/world/` carried.
fn world_if_none_match(server: &Server) -> Option<String> {
    server.requests_for("/world/")[0]
        .header("If-None-Match")
        .map(str::to_string)
}

fn article_paths(server: &Server) -> Vec<String> {
    server
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

/// Every two consecutive `requests` arrived at least `gap` (less [`TOLERANCE`]) apart.
#[track_caller]
fn assert_gaps_at_least(requests: &[Request], gap: Duration) {
    for pair in requests.windows(2) {
        let seen = pair[1].received - pair[0].received;
        assert!(
            seen + TOLERANCE >= gap,
            "{} came {seen:?} after {}, expected at least {gap:?}",
            pair[1].target,
            pair[0].target
        );
    }
}

/// The summary line is on stderr and holds each of `parts`.
#[track_caller]
fn assert_summary(outcome: &common::Outcome, parts: &[&str]) {
    let summary = outcome
        .stderr
        .lines()
        .find(|l| l.starts_with("sitefeed: ") && l.contains(" not modified, "))
        .unwrap_or_else(|| panic!("no summary line in:\n{}", outcome.stderr));
    for part in parts {
        assert!(summary.contains(part), "{part:?} not in {summary:?}");
    }
}

fn snapshot(work: &Workdir, files: &[&str]) -> Vec<(String, Vec<u8>, SystemTime)> {
    files
        .iter()
        .map(|f| (f.to_string(), work.output(f), work.output_mtime(f)))
        .collect()
}

#[track_caller]
fn assert_unchanged(work: &Workdir, before: &[(String, Vec<u8>, SystemTime)]) {
    for (file, bytes, mtime) in before {
        assert!(work.output(file) == *bytes, "{file} changed");
        assert_eq!(work.output_mtime(file), *mtime, "{file} was rewritten");
    }
}
