//! Hostile input and confinement: pages built to break the parser, the escaping or the
//! memory budget, and pages or redirects that try to make sitefeed fetch or write where it
//! must not.
//!
//! Every hostile page must give: no panic (exit 0), a peak RSS under [`MAX_RSS_KIB`], every
//! output document parseable, no character XML forbids, fields within the documented caps
//! (title 1000 chars, summary 5000, at most 100 keywords of 100 chars).

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::thread;
use std::time::{Duration, Instant};

use common::faults::redirect;
use common::proc::{run_measured, spawn, Measured};
use common::synth::*;
use common::{Response, Server, Workdir};
use feed_rs::model::Feed;

const RUN_TIMEOUT: Duration = Duration::from_secs(60);
const MAX_RSS_KIB: u64 = 200 * 1024;

/// Feed `alpha` listing stories 1-3, story 1's page replaced by `html`; one run, measured.
fn run_with_article(html: String) -> (Server, Workdir, Measured) {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    server.route(&article_path("alpha", 1), Response::html(html));
    let work = Workdir::new();
    // With full text, so every hostile page goes through Readability and the sanitizer too.
    work.write_config(&synth_config(&server, "full_text = true\n", &["alpha"]));
    let run = run_measured(&work, RUN_TIMEOUT);
    (server, work, run)
}

/// The checks every hostile page shares; returns the three parsed documents.
#[track_caller]
fn assert_sane(work: &Workdir, run: &Measured) -> Vec<(String, Feed)> {
    run.outcome.assert_code(0);
    assert!(
        run.peak_rss_kib < MAX_RSS_KIB,
        "peak RSS {} KiB is over {MAX_RSS_KIB} KiB",
        run.peak_rss_kib
    );
    assert_output_complete(&work.path().join("output"));
    let mut feeds = Vec::new();
    for ext in ["rss", "atom", "json"] {
        let file = format!("alpha.{ext}");
        let text = work.output_text(&file);
        if ext != "json" {
            let bad = text
                .chars()
                .find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}');
            assert!(
                bad.is_none(),
                "{file} holds the character {bad:?} XML forbids"
            );
        }
        let feed = work.feed(&file);
        for entry in &feed.entries {
            let title = entry
                .title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default();
            assert!(
                title.chars().count() <= 1000,
                "{file}: title of {} chars",
                title.chars().count()
            );
            let summary = entry
                .summary
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default();
            assert!(
                summary.chars().count() <= 5000,
                "{file}: summary of {} chars",
                summary.chars().count()
            );
            assert!(
                entry.categories.len() <= 100,
                "{file}: {} categories",
                entry.categories.len()
            );
            for c in &entry.categories {
                assert!(
                    c.term.chars().count() <= 100,
                    "{file}: category of {} chars",
                    c.term.chars().count()
                );
            }
            for text in [&title, &summary] {
                assert!(
                    !text.to_ascii_lowercase().contains("<script"),
                    "{file}: markup survived into a text field: {text}"
                );
            }
            let content = entry
                .content
                .as_ref()
                .and_then(|c| c.body.clone())
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(
                content.len() <= 200 * 1024 + 4096,
                "{file}: content of {} bytes",
                content.len()
            );
            for trap in [
                "<script",
                "<style",
                "<iframe",
                " onerror=",
                "=\"javascript:",
            ] {
                assert!(!content.contains(trap), "{file}: {trap} in the content");
            }
        }
        feeds.push((file, feed));
    }
    feeds
}

/// The entry of story 1 in `feed`.
fn story_1<'f>(server: &Server, feed: &'f Feed) -> &'f feed_rs::model::Entry {
    let url = server.url(&article_path("alpha", 1));
    feed.entries
        .iter()
        .find(|e| e.id == url)
        .unwrap_or_else(|| panic!("no entry for {url}"))
}

fn page(head: &str, body: &str) -> String {
    format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">{head}</head><body>{body}</body></html>")
}

#[test]
fn cdata_ends_script_tags_and_control_characters_are_escaped_or_dropped() {
    let nasty = "Breaking ]]> news <script>alert(1)</script> \u{1}\u{8}\u{b}\u{c}\u{1b}\u{7f} &amp;lt;script&amp;gt;x&amp;lt;/script&amp;gt; </title></item>";
    let json_nasty = nasty.replace('"', "\\\"");
    let head = format!(
        "<title>{nasty}</title><meta property=\"og:title\" content=\"{nasty}\">\
         <meta name=\"description\" content=\"Summary ]]&gt; with <![CDATA[ and ]]> {nasty}\">\
         <meta name=\"keywords\" content=\"]]>, <script>k</script>, ctl\u{1}word, {nasty}\">\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"{json_nasty}\",\"datePublished\":\"2026-01-27T12:00:00Z\"}}</script>"
    );
    let (server, work, run) = run_with_article(page(&head, "<h1>x</h1>"));
    for (file, feed) in assert_sane(&work, &run) {
        let entry = story_1(&server, &feed);
        let title = &entry.title.as_ref().expect("a title").content;
        assert!(
            title.contains("]]>"),
            "{file}: `]]>` should survive as text: {title:?}"
        );
        assert!(title.starts_with("Breaking ]]> news"), "{file}: {title:?}");
    }
}

#[test]
fn hundred_kilobyte_fields_are_capped() {
    let long = "word ".repeat(20_000);
    let head = format!(
        "<title>{long}</title><meta property=\"og:title\" content=\"{long}\">\
         <meta property=\"og:description\" content=\"{long}\"><meta name=\"author\" content=\"{long}\">\
         <meta property=\"article:section\" content=\"{long}\"><meta name=\"keywords\" content=\"{long}\">"
    );
    let body = format!("<h1>{long}</h1><p>{long}</p>");
    let (server, work, run) = run_with_article(page(&head, &body));
    for (file, feed) in assert_sane(&work, &run) {
        let entry = story_1(&server, &feed);
        let title = &entry.title.as_ref().expect("a title").content;
        assert!(title.chars().count() >= 900, "{file}: title cut too short");
    }
}

#[test]
fn ten_thousand_keywords_are_capped_at_100() {
    let keywords: Vec<String> = (0..10_000).map(|i| format!("keyword{i}")).collect();
    let json: Vec<String> = keywords.iter().map(|k| format!("\"{k}\"")).collect();
    let tags: String = keywords
        .iter()
        .map(|k| format!("<a rel=\"tag\" href=\"/tag/{k}/\">{k}</a>"))
        .collect();
    let head = format!(
        "<title>Many keywords</title><meta name=\"keywords\" content=\"{}\">\
         <meta name=\"news_keywords\" content=\"{}\">\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Many\",\"keywords\":[{}]}}</script>",
        keywords.join(", "),
        keywords.join(","),
        json.join(",")
    );
    let (server, work, run) = run_with_article(page(&head, &tags));
    for (file, feed) in assert_sane(&work, &run) {
        let entry = story_1(&server, &feed);
        assert!(
            !entry.categories.is_empty(),
            "{file}: keywords were all dropped"
        );
    }
}

#[test]
fn html_nested_100000_levels_deep_does_not_crash_extraction() {
    let depth = 100_000;
    let body = format!(
        "{}<h1>Deep story</h1><p>Deep text</p>{}",
        "<div><span>".repeat(depth / 2),
        "</span></div>".repeat(depth / 2)
    );
    let head = "<title>Deep story</title><meta property=\"article:published_time\" content=\"2026-01-27T12:00:00Z\">";
    let (_server, work, run) = run_with_article(page(head, &body));
    assert_sane(&work, &run);
}

#[test]
fn section_page_nested_100000_levels_deep_does_not_crash_discovery() {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    let list: String = (1..=3)
        .map(|n| {
            format!(
                "<li><a class=\"story\" href=\"{}\">Story {n}</a></li>",
                article_path("alpha", n)
            )
        })
        .collect();
    let body = format!(
        "{}<ul class=\"list\">{list}</ul>{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    server.route(
        "/alpha/",
        Response::html(page("<title>Alpha</title>", &body)),
    );
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let run = run_measured(&work, RUN_TIMEOUT);
    assert_sane(&work, &run);
}

/// 5,000 article links on one section page, found by the automatic discovery (no selector):
/// discovery must stay fast and bounded, and the feed holds its `max_items`.
#[test]
fn section_with_5000_links_is_discovered_and_capped_at_max_items() {
    let server = Server::start();
    let numbers: Vec<usize> = (1..=5000).collect();
    server.route("/alpha/", Response::html(section_html("alpha", &numbers)));
    // Every story page answers with one small page (no canonical, so each keeps its URL).
    server.route_prefix(
        "/alpha/2026/",
        Response::html(page(
            "<title>A story</title><meta property=\"article:published_time\" content=\"2026-01-27T12:00:00Z\">",
            "<h1>A story</h1>",
        )),
    );
    let work = Workdir::new();
    let config = synth_config(&server, "", &[]).replace("max_items = 1000\n", "max_items = 50\n")
        + &common::site::fill(
            "\n[[feed]]\nname = \"alpha\"\nurl = \"{{BASE}}/alpha/\"\nrespect_robots = false\n",
            &server,
        );
    work.write_config(&config);
    let run = run_measured(&work, Duration::from_secs(300));
    let feeds = assert_sane(&work, &run);
    for (file, feed) in feeds {
        assert_eq!(feed.entries.len(), 50, "{file}");
    }
    let fetched = server
        .paths()
        .iter()
        .filter(|p| p.starts_with("/alpha/2026/"))
        .count();
    println!(
        "5000 links: {fetched} articles fetched in {:?}, peak {} KiB",
        run.elapsed, run.peak_rss_kib
    );
}

#[test]
fn json_ld_invalid_huge_and_of_wrong_types_is_survived() {
    let huge_string = "x".repeat(5 * 1024 * 1024);
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let graph: Vec<String> = (0..10_000)
        .map(|i| format!("{{\"@type\":\"NewsArticle\",\"headline\":\"Graph {i}\"}}"))
        .collect();
    let blocks = [
        "{not json at all".to_string(),
        "{\"@type\":\"NewsArticle\",\"headline\":".to_string(),
        format!("{{\"@type\":\"NewsArticle\",\"headline\":\"{huge_string}\"}}"),
        format!("{{\"@type\":\"NewsArticle\",\"author\":{deep}}}"),
        "{\"@type\":[\"NewsArticle\",5,null],\"headline\":5,\"datePublished\":{\"a\":1},\
         \"dateModified\":[true],\"keywords\":[1,null,{\"x\":[]},\"ok keyword\"],\
         \"image\":[[[\"/img/a.jpg\"]]],\"author\":{\"name\":{\"first\":\"A\"}},\
         \"description\":false,\"inLanguage\":7,\"articleSection\":[[]],\"url\":42,\
         \"mainEntityOfPage\":{\"@id\":[1]}}"
            .to_string(),
        format!("{{\"@graph\":[{}]}}", graph.join(",")),
        "[]".to_string(),
        "null".to_string(),
        "\"just a string\"".to_string(),
    ];
    let head: String = blocks
        .iter()
        .map(|b| format!("<script type=\"application/ld+json\">{b}</script>"))
        .collect::<String>()
        + "<title>JSON-LD torture</title>";
    let (_server, work, run) = run_with_article(page(&head, "<h1>JSON-LD torture</h1>"));
    assert_sane(&work, &run);
}

// ---------------------------------------------------------------------------------------
// Confinement: where sitefeed writes and what it fetches.

/// A symlink planted at `output/alpha.rss` pointing outside `output_dir`: the write replaces
/// the link (rename), the file it pointed to is untouched.
#[test]
fn symlink_planted_at_a_feed_path_does_not_write_outside_output_dir() {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let victim = work.write("outside/victim.txt", "precious\n");
    fs::create_dir_all(work.path().join("output")).unwrap();
    symlink(&victim, work.output_path("alpha.rss")).unwrap();
    run_measured(&work, RUN_TIMEOUT).outcome.assert_code(0);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    let meta = fs::symlink_metadata(work.output_path("alpha.rss")).unwrap();
    assert!(meta.file_type().is_file(), "alpha.rss is still a symlink");
    work.feed("alpha.rss");
}

/// The temp file a feed is written through (`output/.alpha.rss.<pid>.tmp`) planted as a
/// symlink to a file outside `output_dir` while the run waits for its section page: the
/// write must not follow it (the temp file should be created with O_EXCL / O_NOFOLLOW).
#[test]
fn symlink_planted_at_the_temp_path_does_not_write_outside_output_dir() {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    let html = section_html("alpha", &[1, 2, 3]).into_bytes();
    // The section page arrives after one second: time to plant the link.
    server.route_raw(
        "/alpha/",
        std::sync::Arc::new(move |mut stream, _| {
            use std::io::Write;
            thread::sleep(Duration::from_secs(1));
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                html.len()
            )?;
            stream.write_all(&html)
        }),
    );
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let victim = work.write("outside/victim.txt", "precious\n");
    let output = work.path().join("output");
    fs::create_dir_all(&output).unwrap();
    let config = work.config_path();
    let running = spawn(&work, &["run", "--config", config.to_str().unwrap()]);
    let pid = running.pid();
    for name in [
        "alpha.rss",
        "alpha.atom",
        "alpha.json",
        "index.html",
        "status.json",
    ] {
        symlink(&victim, output.join(format!(".{name}.{pid}.tmp"))).unwrap();
    }
    let run = running.finish(RUN_TIMEOUT);
    let victim_now = fs::read_to_string(&victim).unwrap();
    let rss_is_link = fs::symlink_metadata(work.output_path("alpha.rss"))
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    assert_eq!(
        victim_now, "precious\n",
        "a file outside output_dir was overwritten through a planted temp-file symlink \
         (exit {:?}, output/alpha.rss is a symlink: {rss_is_link})",
        run.outcome.code
    );
    assert!(
        !rss_is_link,
        "output/alpha.rss became a symlink out of output_dir"
    );
}

/// `file:`, `ftp:`, `javascript:` and `data:` links on a section page are never fetched
/// nor listed, even when the article selector picks them.
#[test]
fn non_http_links_on_a_section_page_are_never_requested() {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2]);
    let extra = format!(
        "<li><a class=\"story\" href=\"file:///etc/passwd\">f</a></li>\
         <li><a class=\"story\" href=\"ftp://{}/alpha/2026/story-9.html\">g</a></li>\
         <li><a class=\"story\" href=\"javascript:alert(1)\">j</a></li>\
         <li><a class=\"story\" href=\"data:text/html,&lt;p&gt;x\">d</a></li>",
        server.hostport()
    );
    let html = section_html("alpha", &[1, 2]).replace("</ul>", &format!("{extra}</ul>"));
    server.route("/alpha/", Response::html(html));
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let run = run_measured(&work, RUN_TIMEOUT);
    run.outcome.assert_code(0);
    assert_feed_ids(&work, "alpha", &article_urls(&server, "alpha", &[1, 2]));
    assert!(
        !server.paths().iter().any(|p| p.contains("story-9")),
        "{:?}",
        server.paths()
    );
    for scheme in ["file:", "ftp:", "javascript:", "data:"] {
        assert!(
            lines_naming(&run.outcome.stderr, scheme).is_empty(),
            "{}",
            run.outcome.stderr
        );
    }
}

/// Article 4 redirects to `location`; returns the run.
fn article_redirects_to(server: &Server, work: &Workdir, location: &str) -> Measured {
    serve_section(server, "alpha", &[1, 2, 3, 4]);
    server.route(&article_path("alpha", 4), redirect(location));
    run_measured(work, RUN_TIMEOUT)
}

#[test]
fn redirect_to_file_url_is_refused() {
    let server = Server::start();
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let run = article_redirects_to(&server, &work, "file:///etc/passwd");
    run.outcome.assert_code(1);
    let lines = lines_naming(&run.outcome.stderr, "file:///etc/passwd");
    assert_eq!(lines.len(), 1, "{}", run.outcome.stderr);
    assert!(
        lines[0].contains("only http and https are followed"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains(&server.url(&article_path("alpha", 4))),
        "{}",
        lines[0]
    );
    assert_feed_ids(&work, "alpha", &article_urls(&server, "alpha", &[1, 2, 3]));
}

/// A redirect to another host (a second server on 127.0.0.2) is refused and never
/// requested, unless that host is in the feed's `allowed_hosts`.
#[test]
fn redirect_to_another_host_needs_allowed_hosts() {
    let server = Server::start();
    let other = Server::start_on("127.0.0.2");
    other.route(
        "/elsewhere/story-4.html",
        Response::html(article_html(&server, "alpha", 4)),
    );
    let target = other.url("/elsewhere/story-4.html");
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let run = article_redirects_to(&server, &work, &target);
    run.outcome.assert_code(1);
    let lines = lines_naming(&run.outcome.stderr, &target);
    assert_eq!(lines.len(), 1, "{}", run.outcome.stderr);
    assert!(lines[0].contains("allowed_hosts"), "{}", lines[0]);
    assert!(other.requests().is_empty(), "the other host was contacted");

    let allowed = synth_config(&server, "", &[])
        + &common::site::fill(
            &feed_block("alpha", "allowed_hosts = [\"127.0.0.2\"]\n"),
            &server,
        );
    work.write_config(&allowed);
    run_measured(&work, RUN_TIMEOUT).outcome.assert_code(0);
    assert_eq!(other.paths(), ["/elsewhere/story-4.html"]);
    assert_feed_ids(
        &work,
        "alpha",
        &article_urls(&server, "alpha", &[1, 2, 3, 4]),
    );
}

/// Needs src: `block_private_addresses = true` (off by default) makes every request to a
/// loopback, private or link-local address fail with a line naming the URL and the key; the
/// run exits 1 and nothing reaches the server.
#[test]
fn block_private_addresses_refuses_loopback() {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    let work = Workdir::new();
    work.write_config(&synth_config(
        &server,
        "block_private_addresses = true\n",
        &["alpha"],
    ));
    let run = run_measured(&work, RUN_TIMEOUT);
    run.outcome.assert_code(1);
    let url = server.url("/alpha/");
    let lines = lines_naming(&run.outcome.stderr, &url);
    assert_eq!(lines.len(), 1, "{}", run.outcome.stderr);
    assert!(lines[0].contains("block_private_addresses"), "{}", lines[0]);
    assert!(server.requests().is_empty(), "{:?}", server.paths());
}

/// A feed named like a site file must not overwrite it: `status` with the JSON format would
/// be written to `status.json`, which the run then replaces with its status document (or the
/// other way round). Such a name is a config error.
#[test]
fn feed_name_colliding_with_status_json_is_refused() {
    let server = Server::start();
    serve_section(&server, "status", &[1, 2]);
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["status"]));
    let check = work.check();
    assert_eq!(
        check.code,
        Some(2),
        "a feed named \"status\" (written to status.json) passed check: {}",
        check.stdout
    );
}

/// Output stays inside output_dir whatever the pages say: after a run over hostile pages, no
/// file appeared anywhere else in the work directory.
#[test]
fn a_run_writes_only_inside_output_dir_and_beside_the_state() {
    let server = Server::start();
    serve_section(&server, "alpha", &[1, 2, 3]);
    server.route(
        &article_path("alpha", 1),
        Response::html(page(
            "<title>../../escape</title><link rel=\"canonical\" href=\"file:///etc/passwd\">",
            "<h1>/etc/passwd</h1>",
        )),
    );
    let work = Workdir::new();
    work.write_config(&synth_config(&server, "", &["alpha"]));
    let started = Instant::now();
    run_measured(&work, RUN_TIMEOUT).outcome.assert_code(0);
    let mut names: Vec<String> = fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let allowed = [
        "feeds.toml",
        "output",
        "state.db",
        "state.db-shm",
        "state.db-wal",
        "state.db.lock",
    ];
    assert!(
        names.iter().all(|n| allowed.contains(&n.as_str())),
        "unexpected files beside output/: {names:?} ({:?})",
        started.elapsed()
    );
}
