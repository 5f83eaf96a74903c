//! More ways in: feeds made from a site's sitemaps (a Google News sitemap, an index of gzipped
//! ones, the one robots.txt names), from the feed a section page advertises
//! (`source = "feed"`), and feeds that `sitefeed add` writes the config block for.
//!
//! The fixture site is written here, dated relative to now so `max_age` has something to
//! keep and something to drop: article pages state their time in the newsroom's zone
//! (+03:00), an image and keywords; the sitemaps and the upstream RSS say less (or other).

mod common;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use common::{config, config_with, workdir, Response, Server, Workdir};
use serde_json::Value;

/// The newsroom's zone, in which article pages write their times.
fn msk() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap()
}

/// The moment the fixtures are dated from, to the second, fixed once per test binary so a
/// page and the assertion about it agree.
static NOW: std::sync::LazyLock<i64> = std::sync::LazyLock::new(|| Utc::now().timestamp());

/// A publication time `hours` before [`NOW`], in +03:00.
fn hours_ago(hours: i64) -> DateTime<FixedOffset> {
    let at = DateTime::from_timestamp(*NOW, 0).unwrap() - Duration::hours(hours);
    at.with_timezone(&msk())
}

/// One article of the fixture site.
struct Story {
    path: &'static str,
    title: &'static str,
    hours: i64,
    /// Whether its page names an image and keywords (else the source fills them).
    rich: bool,
}

const STORIES: &[Story] = &[
    Story {
        path: "/world/2026/talks-resume-1.html",
        title: "Talks Resume in Geneva",
        hours: 1,
        rich: true,
    },
    Story {
        path: "/world/2026/grain-shortfall-2.html",
        title: "Grain Shortfall Feared",
        hours: 5,
        rich: false,
    },
    Story {
        path: "/world/2026/old-news-3.html",
        title: "Old News",
        hours: 24 * 10,
        rich: true,
    },
];

fn story_page(story: &Story) -> String {
    let published = hours_ago(story.hours).to_rfc3339();
    let extra = if story.rich {
        format!(
            r#"<meta property="og:image" content="/img/{0}.jpg">
<meta name="keywords" content="world, {0}">"#,
            story
                .path
                .rsplit('-')
                .next()
                .unwrap()
                .trim_end_matches(".html")
        )
    } else {
        String::new()
    };
    format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} - Example News</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{published}">
{extra}
</head><body><article><h1>{title}</h1><p>Body text of the story.</p></article></body></html>"#,
        title = story.title
    )
}

/// The section page: a list of the stories, and (when `advertise`) its own RSS feed.
fn section_page(advertise: bool) -> String {
    let link = if advertise {
        r#"<link rel="alternate" type="application/rss+xml" title="World" href="/world/rss.xml">"#
    } else {
        ""
    };
    let items: String = STORIES
        .iter()
        .map(|s| format!("<li><a href=\"{}\">{}</a></li>\n", s.path, s.title))
        .collect();
    format!(
        r#"<!doctype html><html><head><title>World - Example News</title>{link}</head>
<body><nav><a href="/">Home</a></nav><main><ul class="list">{items}</ul></main></body></html>"#
    )
}

/// A Google News sitemap of the stories (and one off the site), with news titles that differ
/// from the pages' so a test can tell which one won.
fn news_sitemap(server: &Server) -> String {
    let mut urls = String::new();
    for (i, s) in STORIES.iter().enumerate() {
        urls.push_str(&format!(
            r#"<url><loc>{base}{path}</loc>
  <news:news><news:publication><news:name>Example</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>{date}</news:publication_date>
  <news:title>Sitemap: {title}</news:title>
  <news:keywords>sitemap-kw-{i}, world</news:keywords></news:news>
  <image:image><image:loc>{base}/img/sitemap-{i}.jpg</image:loc></image:image>
</url>
"#,
            base = server.base(),
            path = s.path,
            date = hours_ago(s.hours).to_rfc3339(),
            title = s.title,
        ));
    }
    urls.push_str(&format!(
        "<url><loc>https://elsewhere.example/world/x.html</loc><lastmod>{}</lastmod></url>\n",
        hours_ago(1).to_rfc3339()
    ));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{urls}</urlset>"#
    )
}

/// The site's own RSS: UTC times only, no images, no keywords, a description per item.
fn upstream_rss(server: &Server) -> String {
    let items: String = STORIES
        .iter()
        .map(|s| {
            format!(
                "<item><title>RSS: {}</title><link>{}{}</link><pubDate>{}</pubDate>\
                 <description>Summary of {}.</description></item>\n",
                s.title,
                server.base(),
                s.path,
                hours_ago(s.hours).with_timezone(&Utc).to_rfc2822(),
                s.title
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Example World</title>
<link>{}/world/</link>{items}</channel></rss>"#,
        server.base()
    )
}

/// Serves the article pages, the section page and its images.
fn serve_site(server: &Server, advertise: bool) {
    for story in STORIES {
        server.route(story.path, Response::html(story_page(story)));
    }
    server.route("/world/", Response::html(section_page(advertise)));
    server.route_prefix(
        "/img/",
        Response::ok("image/jpeg", vec![0xFF, 0xD8, 0xFF, 0xD9]),
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The written JSON Feed's items.
fn json_items(work: &Workdir, name: &str) -> Vec<Value> {
    let feed: Value = serde_json::from_slice(&work.output(&format!("{name}.json"))).unwrap();
    feed["items"].as_array().cloned().unwrap_or_default()
}

fn item<'a>(items: &'a [Value], path: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["url"].as_str().is_some_and(|u| u.ends_with(path)))
        .unwrap_or_else(|| panic!("no item for {path} in {items:#?}"))
}

/// The fixture site (advertising its feed when `advertised`) with `path` answered by what
/// `response` makes for the server.
fn site_serving(
    advertised: bool,
    path: &str,
    response: impl FnOnce(&Server) -> Response,
) -> Server {
    let server = Server::start();
    serve_site(&server, advertised);
    server.route(path, response(&server));
    server
}

fn article_requests(server: &Server) -> usize {
    STORIES
        .iter()
        .map(|s| server.requests_for(s.path).len())
        .sum()
}

#[test]
fn a_news_sitemap_makes_a_feed_of_its_recent_on_site_articles() {
    let server = site_serving(false, "/sitemap_news.xml", |server| {
        Response::ok("application/xml", news_sitemap(server))
    });
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "news"
sitemaps = ["{{BASE}}/sitemap_news.xml"]
article_pattern = '^/world/'
max_age = "2d"
"#,
    );
    work.run().assert_code(0);
    let items = json_items(&work, "news");
    assert_eq!(items.len(), 2, "{items:#?}");
    // The page's own metadata wins: its title, its time in its zone, its image and keywords.
    let rich = item(&items, STORIES[0].path);
    assert_eq!(rich["title"], STORIES[0].title);
    assert_eq!(rich["date_published"], hours_ago(1).to_rfc3339());
    assert!(rich["date_published"].as_str().unwrap().ends_with("+03:00"));
    assert!(rich["image"].as_str().unwrap().ends_with("/img/1.jpg"));
    assert_eq!(rich["tags"], serde_json::json!(["world", "1"]));
    // What the page lacks, the sitemap gives.
    let thin = item(&items, STORIES[1].path);
    assert_eq!(thin["title"], STORIES[1].title);
    assert!(thin["image"]
        .as_str()
        .unwrap()
        .ends_with("/img/sitemap-1.jpg"));
    assert_eq!(thin["tags"], serde_json::json!(["sitemap-kw-1", "world"]));
    // Ten days old is past max_age: never fetched.
    assert!(server.requests_for(STORIES[2].path).is_empty());
    // The RSS and Atom documents hold the same entries.
    assert_eq!(work.feed("news.rss").entries.len(), 2);
    assert_eq!(work.feed("news.atom").entries.len(), 2);
}

#[test]
fn fetch_articles_false_makes_entries_from_the_sitemap_alone() {
    let server = site_serving(false, "/sitemap_news.xml", |server| {
        Response::ok("application/xml", news_sitemap(server))
    });
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "news"
sitemaps = ["{{BASE}}/sitemap_news.xml"]
max_age = "2d"
fetch_articles = false
"#,
    );
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 0, "{:?}", server.paths());
    let items = json_items(&work, "news");
    assert_eq!(items.len(), 2, "{items:#?}");
    let first = item(&items, STORIES[0].path);
    assert_eq!(first["title"], "Sitemap: Talks Resume in Geneva");
    assert_eq!(first["date_published"], hours_ago(1).to_rfc3339());
    assert!(first["image"]
        .as_str()
        .unwrap()
        .ends_with("/img/sitemap-0.jpg"));
    assert_eq!(first["tags"], serde_json::json!(["sitemap-kw-0", "world"]));
}

#[test]
fn a_warm_run_against_an_unchanged_sitemap_costs_one_304() {
    let server = site_serving(false, "/sitemap_news.xml", |server| {
        Response::ok("application/xml", news_sitemap(server)).etag("\"v1\"")
    });
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "news"
sitemaps = ["{{BASE}}/sitemap_news.xml"]
max_age = "2d"
"#,
    );
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 2);
    let before = work.output("news.json");
    server.clear_requests();
    work.run().assert_code(0);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{:?}", server.paths());
    assert_eq!(requests[0].path(), "/sitemap_news.xml");
    assert_eq!(requests[0].header("If-None-Match"), Some("\"v1\""));
    assert_eq!(work.output("news.json"), before);
}

#[test]
fn an_index_of_two_gzipped_sitemaps_is_followed() {
    let server = Server::start();
    serve_site(&server, false);
    let whole = news_sitemap(&server);
    // Split the urlset in two: the first story in one file, the rest in the other.
    let (head, rest) = whole.split_once("<url>").unwrap();
    let (first, others) = rest.split_once("</url>").unwrap();
    let one = format!("{head}<url>{first}</url></urlset>");
    let two = format!("{head}{others}");
    server.route(
        "/s1.xml.gz",
        Response::ok("application/x-gzip", gzip(one.as_bytes())),
    );
    server.route(
        "/s2.xml.gz",
        Response::ok("application/x-gzip", gzip(two.as_bytes())),
    );
    server.route(
        "/sitemap_index.xml",
        Response::ok(
            "application/xml",
            format!(
                r#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{0}/s1.xml.gz</loc></sitemap><sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>"#,
                server.base()
            ),
        ),
    );
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "news"
sitemaps = ["{{BASE}}/sitemap_index.xml"]
max_age = "2d"
"#,
    );
    work.run().assert_code(0);
    let items = json_items(&work, "news");
    assert_eq!(items.len(), 2, "{items:#?}");
    item(&items, STORIES[0].path);
    item(&items, STORIES[1].path);
}

#[test]
fn sitemaps_robots_reads_the_sitemap_robots_txt_names() {
    let server = site_serving(false, "/robots.txt", |server| {
        Response::ok(
            "text/plain",
            format!(
                "User-agent: *\nAllow: /\nSitemap: {}/news.xml\n",
                server.base()
            ),
        )
    });
    server.route(
        "/news.xml",
        Response::ok("application/xml", news_sitemap(&server)),
    );
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "world"
url = "{{BASE}}/world/"
sitemaps = "robots"
max_age = "2d"
"#,
    );
    work.run().assert_code(0);
    assert_eq!(server.requests_for("/news.xml").len(), 1);
    let items = json_items(&work, "world");
    // The section lists all three; max_age leaves the old one out of the feed.
    assert_eq!(items.len(), 2, "{items:#?}");
}

#[test]
fn a_sitemap_larger_than_max_body_size_is_an_error_naming_it() {
    let server = site_serving(false, "/huge.xml", |server| {
        Response::ok("application/xml", news_sitemap(server)).padding(64 * 1024)
    });
    let work = Workdir::new();
    work.write_config(&config_with(
        &server,
        &[("max_body_size", "16384")],
        r#"
[[feed]]
name = "news"
sitemaps = ["{{BASE}}/huge.xml"]
"#,
    ));
    let outcome = work.run();
    outcome.assert_code(1);
    let url = server.url("/huge.xml");
    assert!(
        outcome
            .stderr
            .lines()
            .any(|l| l.contains(&url) && l.contains("max_body_size")),
        "{}",
        outcome.stderr
    );
    assert_eq!(article_requests(&server), 0);
}

#[test]
fn source_feed_reads_the_advertised_feed_and_enriches_entries_from_article_pages() {
    let server = site_serving(true, "/world/rss.xml", |server| {
        Response::ok("application/rss+xml", upstream_rss(server)).etag("\"r1\"")
    });
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "world"
url = "{{BASE}}/world/"
source = "feed"
max_age = "2d"
"#,
    );
    work.run().assert_code(0);
    let items = json_items(&work, "world");
    assert_eq!(items.len(), 2, "{items:#?}");
    let rich = item(&items, STORIES[0].path);
    // The upstream feed gave a UTC time and no image: the page's zone, image and keywords win.
    assert_eq!(rich["title"], STORIES[0].title);
    assert_eq!(rich["date_published"], hours_ago(1).to_rfc3339());
    assert!(rich["image"].as_str().unwrap().ends_with("/img/1.jpg"));
    assert_eq!(rich["tags"], serde_json::json!(["world", "1"]));
    // The page has no description; the feed's summary fills it.
    assert_eq!(rich["summary"], "Summary of Talks Resume in Geneva.");
    // The feed is titled after the section page, as a section feed is.
    let feed: Value = serde_json::from_slice(&work.output("world.json")).unwrap();
    assert_eq!(feed["title"], "World - Example News");

    // Unchanged upstream feed: one 304 for it (and the page read to find it), no article.
    server.clear_requests();
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 0, "{:?}", server.paths());
    let rss = server.requests_for("/world/rss.xml");
    assert_eq!(rss.len(), 1);
    assert_eq!(rss[0].header("If-None-Match"), Some("\"r1\""));
}

#[test]
fn source_feed_may_name_the_feed_itself_and_stand_alone() {
    let server = site_serving(false, "/world/rss.xml", |server| {
        Response::ok("application/rss+xml", upstream_rss(server))
    });
    let work = workdir(
        &server,
        r#"
[[feed]]
name = "world"
url = "{{BASE}}/world/rss.xml"
source = "feed"
fetch_articles = false
max_age = "2d"
"#,
    );
    work.run().assert_code(0);
    assert_eq!(article_requests(&server), 0);
    let items = json_items(&work, "world");
    assert_eq!(items.len(), 2, "{items:#?}");
    assert_eq!(
        item(&items, STORIES[0].path)["title"],
        "RSS: Talks Resume in Geneva"
    );
    let feed: Value = serde_json::from_slice(&work.output("world.json")).unwrap();
    assert_eq!(feed["title"], "Example World");
}

/// A config kept by hand: comments everywhere and one feed already there.
fn commented_config(server: &Server) -> String {
    let header = config(server, "");
    format!(
        "# Feeds we keep by hand.\n{header}\n# The economy desk (sitemap only).\n[[feed]]\n\
         name = \"economy\"   # short name\nsitemaps = [\"{}/economy.xml\"]\n",
        server.base()
    )
}

#[test]
fn add_writes_a_block_that_check_accepts_and_that_makes_the_hand_written_feed() {
    let server = site_serving(true, "/robots.txt", |server| {
        Response::ok(
            "text/plain",
            format!("User-agent: *\nSitemap: {}/news.xml\n", server.base()),
        )
    });
    let work = Workdir::new();
    let original = commented_config(&server);
    let path = work.write_config(&original);
    let section = server.url("/world/");
    let outcome = work.sitefeed(&["add", &section, "--config", path.to_str().unwrap()]);
    outcome.assert_code(0);
    let out = &outcome.stdout;
    assert!(out.contains("title    World - Example News"), "{out}");
    assert!(out.contains("links    3"), "{out}");
    assert!(out.contains("1. Talks Resume in Geneva  <"), "{out}");
    assert!(
        out.contains(&format!(
            "feed     {}/world/rss.xml  [RSS \"World\"]",
            server.base()
        )),
        "{out}"
    );
    assert!(out.contains("you may not need sitefeed"), "{out}");
    assert!(
        out.contains(&format!("sitemap  {}/news.xml", server.base())),
        "{out}"
    );
    assert!(out.contains("added feed \"world\""), "{out}");

    let edited = std::fs::read_to_string(&path).unwrap();
    assert!(
        edited.starts_with(&original),
        "comments and layout kept:\n{edited}"
    );
    let block = &edited[original.len()..];
    assert_eq!(
        block,
        format!(
            "\n[[feed]]\nname = \"world\"\ntitle = \"World - Example News\"\nurl = \"{section}\"\n"
        )
    );
    assert!(
        !block.contains("article_selector"),
        "discovery found the list"
    );
    work.check().assert_code(0);
    work.run_with(&["--feed", "world"]).assert_code(0);

    let by_hand = Workdir::new();
    by_hand.write_config(&config(
        &server,
        r#"
[[feed]]
name = "world"
title = "World - Example News"
url = "{{BASE}}/world/"
"#,
    ));
    by_hand.run().assert_code(0);
    for file in ["world.json", "world.atom", "world.rss"] {
        assert_eq!(
            work.output_text(file),
            by_hand.output_text(file),
            "{file} differs"
        );
    }
    assert_eq!(json_items(&work, "world").len(), 3);
}

#[test]
fn add_refuses_a_name_that_exists_and_dry_run_writes_nothing() {
    let server = Server::start();
    serve_site(&server, false);
    let work = Workdir::new();
    let original = commented_config(&server);
    let path = work.write_config(&original);
    let config_arg = path.to_str().unwrap();
    let section = server.url("/world/");

    let outcome = work.sitefeed(&["add", &section, "--name", "Economy", "--config", config_arg]);
    outcome.assert_code(2);
    assert!(
        outcome
            .stderr
            .contains("a feed named \"economy\" exists already"),
        "{}",
        outcome.stderr
    );
    assert!(server.requests().is_empty(), "refused before any request");

    // -c before the command works as well as --config after it.
    let outcome = work.sitefeed(&[
        "-c",
        config_arg,
        "add",
        &section,
        "--name",
        "world",
        "--dry-run",
    ]);
    outcome.assert_code(0);
    assert!(
        outcome.stdout.contains("--dry-run: nothing written"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains(&format!(
            "[[feed]]\nname = \"world\"\ntitle = \"World - Example News\"\nurl = \"{section}\"\n"
        )),
        "{}",
        outcome.stdout
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    let outcome = work.sitefeed(&["add", "ftp://e.com/", "--config", config_arg]);
    outcome.assert_code(2);
}
