//! End-to-end tests: the real `sitefeed` binary against the hand-written Sputnik-shaped site
//! served on 127.0.0.1, with the feeds it writes parsed back by feed-rs.
//!
//! Each test starts its own server and temp directory. The expected metadata of every fixture
//! article is in [`ARTICLES`]; the fixture README says what each page varies on purpose.

mod common;

use chrono::{DateTime, Utc};
use common::site::{page, serve_sputnik, THREE_SECTIONS};
use common::{config, Response, Server, Workdir, PUBLIC_BASE, USER_AGENT};
use feed_rs::model::{Entry, Feed};
use std::collections::BTreeSet;
use std::time::SystemTime;

/// What one fixture article must look like in every feed that lists it.
struct Article {
    key: &'static str,
    /// Path on the server; the canonical URL is the server base plus this.
    path: &'static str,
    /// Headline with the " - Sputnik International" suffix dropped and entities decoded.
    title: &'static str,
    /// The publication instant (RFC 3339); `None` for the page without any date, which gets
    /// its first-seen time.
    published: Option<&'static str>,
    /// `dateModified` when it is later than `published`.
    modified: Option<&'static str>,
    /// Path of the lead image on the server ("CDN").
    image: &'static str,
    /// Keywords, trimmed and de-duplicated case-insensitively (first spelling kept).
    keywords: &'static [&'static str],
    description: &'static str,
}

const ARTICLES: &[Article] = &[
    Article {
        key: "naval-drills",
        path: "/20260127/beijing-and-moscow-agree-to-expand-joint-naval-drills-1123541207.html",
        title: "Beijing and Moscow Agree to Expand Joint Naval Drills",
        published: Some("2026-01-27T12:28:00Z"),
        modified: Some("2026-01-27T15:40:00Z"),
        image: "/img/07ea/01/1b/1123541101_0:160:3072:1888_1920x0_80_0_0_e887f34a7ad3.jpg",
        keywords: &["china", "russia", "navy", "drills", "defense"],
        description: "China and Russia will hold more joint naval exercises this year, \
                      the two defense ministries said on Tuesday after a video call.",
    },
    Article {
        key: "grain",
        path: "/20260127/un-panel-warns-of-grain-shortfall-in-east-africa-1123540388.html",
        title: "UN Panel Warns of Grain Shortfall in East Africa",
        published: Some("2026-01-27T10:05:00Z"),
        modified: None,
        // Only in JSON-LD, as a plain string.
        image: "/img/07ea/01/1b/1123540301_0:160:3072:1888_1920x0_80_0_0_ea8a986156e2.jpg",
        keywords: &["africa", "un", "food security", "grain"],
        description: "A UN expert panel said poor rains could leave millions of people in \
                      East Africa short of grain before the next harvest.",
    },
    Article {
        key: "geneva",
        path: "/20260126/ceasefire-talks-resume-in-geneva-after-two-week-pause-1123537020.html",
        title: "Ceasefire Talks Resume in Geneva After Two-Week Pause",
        published: Some("2026-01-26T18:45:00Z"),
        modified: None,
        // Protocol-relative on the page.
        image: "/img/07ea/01/1a/1123536950_0:160:3072:1888_1920x0_80_0_0_93f5460e2f2b.jpg",
        keywords: &["geneva", "ceasefire", "diplomacy", "talks"],
        description: "Delegations returned to the negotiating table in Geneva on Monday after \
                      talks stalled over the sequencing of a prisoner exchange.",
    },
    Article {
        key: "lithium",
        path: "/20260125/brazil-and-argentina-sign-lithium-pact-1123530415.html",
        // `&amp;`, `&#8216;` and `&#8217;` on the page.
        title: "Brazil & Argentina Sign Lithium Pact: \u{2018}It\u{2019}s a New Chapter\u{2019}",
        published: Some("2026-01-25T21:10:00Z"),
        modified: None,
        image: "/img/07ea/01/19/1123530301_0:160:3072:1888_1920x0_80_0_0_ddef006095ff.jpg",
        keywords: &["brazil", "argentina", "lithium", "trade", "latin america"],
        description: "The two neighbors agreed to coordinate lithium exports and build a joint \
                      battery research center.",
    },
    Article {
        key: "metro",
        path: "/20260127/moscow-metro-opens-three-new-stations-on-big-circle-line-1123539777.html",
        title: "Moscow Metro Opens Three New Stations on Big Circle Line",
        // `2026-01-27T14:00+0300` on the page.
        published: Some("2026-01-27T11:00:00Z"),
        modified: None,
        image: "/img/07ea/01/1b/1123539701_0:160:3072:1888_1920x0_80_0_0_d4b39f79df22.jpg",
        keywords: &["moscow", "metro", "transport", "infrastructure"],
        description: "Three stations opened on the Big Circle Line on Tuesday afternoon, \
                      the city transport department said.",
    },
    Article {
        key: "permafrost",
        path: "/science/siberian-scientists-unveil-permafrost-monitoring-network-1123535502.html",
        title: "Siberian Scientists Unveil Permafrost Monitoring Network",
        published: None,
        modified: None,
        image: "/img/07ea/01/1a/1123535401_0:160:3072:1888_1920x0_80_0_0_ab32d9dad9b7.jpg",
        keywords: &["siberia", "science", "permafrost", "climate"],
        description: "A network of ground sensors will track permafrost temperatures across \
                      Yakutia, researchers said.",
    },
    Article {
        key: "opec",
        path: "/20260127/opec-plus-keeps-output-cuts-in-place-through-spring-1123539140.html",
        title: "OPEC+ Keeps Output Cuts in Place Through Spring",
        published: Some("2026-01-27T09:00:00Z"),
        modified: None,
        image: "/img/07ea/01/1b/1123539001_0:160:3072:1888_1920x0_80_0_0_4ade2fa8c5f9.jpg",
        // From "Economy,  oil , OPEC+, Oil,ECONOMY ,  Saudi Arabia,oil".
        keywords: &["Economy", "oil", "OPEC+", "Saudi Arabia"],
        description: "OPEC+ ministers left their production targets unchanged at a short \
                      online meeting on Tuesday.",
    },
    Article {
        key: "keyrate",
        path: "/20260123/central-bank-holds-key-rate-at-16-percent-for-second-meeting-1123512230.html",
        title: "Central Bank Holds Key Rate at 16% for Second Meeting",
        published: Some("2026-01-23T10:30:00Z"),
        modified: None,
        image: "/img/07ea/01/17/1123512101_0:160:3072:1888_1920x0_80_0_0_7c62414b5a28.jpg",
        keywords: &["economy", "central bank", "interest rate", "inflation"],
        description: "The central bank kept its key rate at 16 percent, citing slowing but \
                      still high inflation.",
    },
    Article {
        key: "rouble",
        path: "/20260127/rouble-firms-against-yuan-as-export-earnings-flow-in-1123538860.html",
        title: "Rouble Firms Against Yuan as Export Earnings Flow In",
        // The same instant as "opec": the URL decides their order.
        published: Some("2026-01-27T09:00:00Z"),
        modified: None,
        image: "/img/07ea/01/1b/1123538801_0:160:3072:1888_1920x0_80_0_0_7417f0ca0c7a.jpg",
        keywords: &["economy", "rouble", "yuan", "currency"],
        description: "The rouble strengthened against the yuan in morning trading as exporters \
                      sold foreign currency ahead of tax payments.",
    },
    Article {
        key: "arctic",
        path: "/20260124/arctic-shipping-volumes-hit-record-on-northern-sea-route-1123524410.html",
        title: "Arctic Shipping Volumes Hit Record on Northern Sea Route",
        published: Some("2026-01-24T07:45:00Z"),
        modified: None,
        image: "/img/07ea/01/18/1123524301_0:160:3072:1888_1920x0_80_0_0_8dfbfc2df51b.jpg",
        keywords: &["arctic", "shipping", "northern sea route", "logistics"],
        description: "Cargo shipped along the Northern Sea Route reached a new annual high, \
                      the route operator reported.",
    },
    Article {
        key: "festival",
        path: "/20260127/moscow-city-hall-announces-winter-festival-program-1123542031.html",
        title: "Moscow City Hall Announces Winter Festival Program",
        // `2026-01-27T16:30` without a zone, read in the moscow feed's Europe/Moscow.
        published: Some("2026-01-27T16:30:00+03:00"),
        modified: None,
        image: "/img/07ea/01/1b/1123541901_0:160:3072:1888_1920x0_80_0_0_bb27289d1d77.jpg",
        keywords: &["moscow", "festival", "culture", "winter"],
        description: "The city published the program of its winter festival, with ice rinks \
                      and concerts in every district.",
    },
    Article {
        key: "davos-live",
        path: "/20260127/live-updates-davos-panel-debates-future-of-global-trade-1123542555.html",
        title: "LIVE UPDATES: Davos Panel Debates Future of Global Trade",
        published: Some("2026-01-27T13:05:00Z"),
        modified: None,
        image: "/img/07ea/01/1b/1123542401_0:160:3072:1888_1920x0_80_0_0_2c62e3b7efa2.jpg",
        keywords: &["davos", "trade", "wef", "live"],
        description: "Follow our live coverage of the World Economic Forum panel on global trade.",
    },
    Article {
        key: "volcano",
        path: "/20260127/volcano-eruption-forces-evacuation-of-9000-in-eastern-indonesia-1123531870.html",
        title: "Volcano Eruption Forces Evacuation of 9,000 in Eastern Indonesia",
        published: Some("2026-01-27T05:20:00Z"),
        modified: None,
        image: "/img/07ea/01/1b/1123531801_0:160:3072:1888_1920x0_80_0_0_56cea53c3881.jpg",
        keywords: &["indonesia", "volcano", "evacuation", "asia"],
        description: "Authorities moved about 9,000 residents away from an erupting volcano \
                      and closed a regional airport.",
    },
    Article {
        key: "tsunami",
        path: "/20260127/tsunami-warning-drill-held-across-indian-ocean-coastlines-1123541650.html",
        title: "Tsunami Warning Drill Held Across Indian Ocean Coastlines",
        published: Some("2026-01-27T11:15:00Z"),
        modified: None,
        image: "/img/07ea/01/1b/1123541601_0:160:3072:1888_1920x0_80_0_0_c75cbda17775.jpg",
        keywords: &["tsunami", "indian ocean", "disaster preparedness"],
        description: "Twenty countries tested their tsunami warning systems in a coordinated \
                      drill on Tuesday.",
    },
];

/// The main list of each section page: discovery must find exactly these. Listed in feed
/// order (newest first; Economy's page lists "rouble" before "opec", the URL breaks their tie).
const WORLD: &[&str] = &["naval-drills", "grain", "volcano", "geneva", "lithium"];
const RUSSIA: &[&str] = &["metro", "naval-drills", "permafrost", "arctic"];
const ECONOMY: &[&str] = &["opec", "rouble", "lithium", "arctic", "keyrate"];
const MOSCOW: &[&str] = &["festival", "metro"];

const THREE_SECTION_PAGES: &[&str] = &["/world/", "/russia/", "/economy/"];

const THREE_SECTION_FILES: &[&str] = &[
    "world.rss",
    "world.atom",
    "russia.rss",
    "russia.atom",
    "economy.rss",
    "economy.atom",
];

// ---------------------------------------------------------------------------------------------
// The tests, in the order of the feature list.

#[test]
fn full_run_writes_rss_and_atom_with_every_article_field() {
    let (server, work) = sputnik(THREE_SECTIONS);
    let window = Window::start();
    work.run().assert_code(0);
    let window = window.end();

    for (name, keys) in [("world", WORLD), ("russia", RUSSIA), ("economy", ECONOMY)] {
        check_rss(&server, &work, name, keys, &window);
        check_atom(&server, &work, name, keys, &window);
    }
    assert_eq!(feed_title(&work.feed("world.rss")), "Sputnik: World");
    assert_eq!(feed_title(&work.feed("world.atom")), "Sputnik: World");

    let davos = article("davos-live").path;
    assert!(
        !server.paths().iter().any(|p| p == davos),
        "an article linked only from Newsfeed columns was fetched"
    );
    for request in server.requests() {
        assert_eq!(
            request.header("User-Agent"),
            Some(USER_AGENT),
            "request for {} did not carry the configured user agent",
            request.target
        );
    }
}

#[test]
fn second_run_fetches_only_section_pages_and_rewrites_nothing() {
    let (server, work) = sputnik(THREE_SECTIONS);
    work.run().assert_code(0);
    let first = snapshot(&work, THREE_SECTION_FILES);
    server.clear_requests();

    work.run().assert_code(0);

    let paths = server.paths();
    for section in THREE_SECTION_PAGES {
        assert!(
            paths.iter().any(|p| p == section),
            "{section} not fetched: {paths:?}"
        );
    }
    let unexpected: Vec<&String> = paths
        .iter()
        .filter(|p| !THREE_SECTION_PAGES.contains(&p.as_str()) && *p != "/robots.txt")
        .collect();
    assert!(
        unexpected.is_empty(),
        "second run fetched more than section pages: {unexpected:?}"
    );
    assert_unchanged(&work, &first);
}

#[test]
fn article_leaving_the_page_stays_and_new_article_takes_its_place_by_date() {
    let (server, work) = sputnik(THREE_SECTIONS);
    work.run().assert_code(0);
    assert_eq!(entry_keys(&server, &work.feed("world.rss")), WORLD);

    // An hour later: "geneva" has left the page, "tsunami" has arrived.
    server.route("/world/", page(&server, "later/world/index.html"));
    server.clear_requests();
    work.run().assert_code(0);

    assert_eq!(
        article_requests(&server),
        [article("tsunami").path],
        "only the new article should be fetched"
    );
    let expected = [
        "naval-drills",
        "tsunami",
        "grain",
        "volcano",
        "geneva",
        "lithium",
    ];
    let window = Window::never();
    check_rss(&server, &work, "world", &expected, &window);
    check_atom(&server, &work, "world", &expected, &window);
}

#[test]
fn failing_section_exits_1_keeps_its_files_and_other_feeds_update() {
    let (server, work) = sputnik(THREE_SECTIONS);
    work.run().assert_code(0);
    let russia_before = snapshot(&work, &["russia.rss", "russia.atom"]);
    let world_before = work.output("world.rss");

    server.route("/russia/", Response::status(500));
    server.route("/world/", page(&server, "later/world/index.html"));
    let outcome = work.run();
    outcome.assert_code(1);

    assert!(
        outcome.stderr.contains("russia"),
        "stderr should name the failed feed:\n{}",
        outcome.stderr
    );
    assert_unchanged(&work, &russia_before);
    assert_ne!(
        work.output("world.rss"),
        world_before,
        "world.rss was not updated"
    );
    let world = entry_keys(&server, &work.feed("world.rss"));
    assert!(
        world.contains(&"tsunami"),
        "world.rss lacks the new article: {world:?}"
    );
    let world = entry_keys(&server, &work.feed("world.atom"));
    assert!(
        world.contains(&"tsunami"),
        "world.atom lacks the new article: {world:?}"
    );
    assert_eq!(
        entry_keys(&server, &work.feed("economy.rss")).len(),
        ECONOMY.len()
    );
}

#[test]
fn article_selector_and_article_pattern_override_discovery() {
    let (server, work) = sputnik(
        r#"
[[feed]]
name = "newsfeed"
url = "{{BASE}}/world/"
article_selector = "a.newsfeed__link"

[[feed]]
name = "older"
url = "{{BASE}}/world/"
article_pattern = '/2026012[56]/'
"#,
    );
    work.run().assert_code(0);

    // The selector picks exactly what discovery must ignore on this page.
    let newsfeed = ["davos-live", "rouble", "metro", "keyrate"];
    let older = ["geneva", "lithium"];
    let window = Window::never();
    check_rss(&server, &work, "newsfeed", &newsfeed, &window);
    check_atom(&server, &work, "newsfeed", &newsfeed, &window);
    check_rss(&server, &work, "older", &older, &window);
    check_atom(&server, &work, "older", &older, &window);
}

#[test]
fn check_accepts_a_good_config_without_touching_the_network() {
    let (server, work) = sputnik(THREE_SECTIONS);
    work.check().assert_code(0);
    assert!(
        server.requests().is_empty(),
        "check made requests: {:?}",
        server.paths()
    );
}

#[test]
fn unknown_config_key_exits_2_naming_file_and_line() {
    let server = Server::start();
    let work = Workdir::new();
    let toml = [
        r#"output_dir = "output""#,
        r#"state = "state.db""#,
        &format!(r#"base_url = "{PUBLIC_BASE}""#),
        r#"delay = "0s""#,
        "",
        "[[feed]]",
        r#"name = "world""#,
        &format!(r#"url = "{}""#, server.url("/world/")),
        r#"colour = "red""#, // line 9
    ]
    .join("\n");
    work.write_config(&toml);

    let line_9 = regex::Regex::new(r"(?i)\bline:?\s*9\b|:9(:\d+)?\b").unwrap();
    for outcome in [work.check(), work.run()] {
        outcome.assert_code(2);
        let stderr = &outcome.stderr;
        assert!(stderr.contains("feeds.toml"), "no file name in:\n{stderr}");
        assert!(stderr.contains("colour"), "no key name in:\n{stderr}");
        assert!(line_9.is_match(stderr), "no line 9 in:\n{stderr}");
    }
    assert!(server.requests().is_empty(), "a bad config must not fetch");
}

#[test]
fn usage_errors_exit_2() {
    let work = Workdir::new();
    work.sitefeed(&["run", "--no-such-flag"]).assert_code(2);
    let missing = work.path().join("missing.toml");
    work.sitefeed(&["check", "--config", missing.to_str().unwrap()])
        .assert_code(2);
}

#[test]
fn shipped_feeds_toml_passes_check() {
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/feeds.toml");
    Workdir::new()
        .sitefeed(&["check", "--config", shipped])
        .assert_code(0);
}

#[test]
fn feed_timezone_applies_to_dates_without_a_zone() {
    let (server, work) = sputnik(
        r#"
[[feed]]
name = "moscow"
url = "{{BASE}}/moscow/"
timezone = "Europe/Moscow"
"#,
    );
    work.run().assert_code(0);

    let window = Window::never();
    check_rss(&server, &work, "moscow", MOSCOW, &window);
    check_atom(&server, &work, "moscow", MOSCOW, &window);
    let atom = work.output_text("moscow.atom");
    assert!(
        atom.contains("2026-01-27T16:30:00+03:00"),
        "the zoneless date should be written with +03:00:\n{atom}"
    );
    let rss = work.output_text("moscow.rss");
    assert!(
        rss.contains("27 Jan 2026 16:30:00 +0300"),
        "the zoneless date should be written with +0300:\n{rss}"
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers that know the fixture site.

/// A server serving the Sputnik fixture site and a workdir whose `feeds.toml` holds `feeds`.
fn sputnik(feeds: &str) -> (Server, Workdir) {
    let server = Server::start();
    serve_sputnik(&server);
    let work = Workdir::new();
    work.write_config(&config(&server, feeds));
    (server, work)
}

fn article(key: &str) -> &'static Article {
    ARTICLES
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no fixture article {key:?}"))
}

/// The fixture article whose canonical URL is `url`, if any.
fn article_at(server: &Server, url: &str) -> Option<&'static Article> {
    ARTICLES.iter().find(|a| server.url(a.path) == url)
}

/// Keys of a feed's entries in feed order; panics on an entry that is no fixture article
/// (a nav, tag, footer or "Load more" link).
fn entry_keys(server: &Server, feed: &Feed) -> Vec<&'static str> {
    feed.entries
        .iter()
        .map(|e| {
            article_at(server, &e.id)
                .unwrap_or_else(|| panic!("feed entry {:?} is not an article", e.id))
                .key
        })
        .collect()
}

/// Paths of the article pages requested (section pages end in `/`, articles in `.html`).
fn article_requests(server: &Server) -> Vec<String> {
    server
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect()
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("table date is RFC 3339")
        .with_timezone(&Utc)
}

/// When a run happened, for the entry without a date (it gets its first-seen time).
struct Window {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Window {
    fn start() -> Window {
        // Feed dates have whole seconds.
        let from = Utc::now() - chrono::Duration::seconds(1);
        Window { from, to: from }
    }

    fn end(self) -> Window {
        Window {
            from: self.from,
            to: Utc::now() + chrono::Duration::seconds(1),
        }
    }

    /// For tests whose feeds hold no undated article.
    fn never() -> Window {
        Window {
            from: DateTime::<Utc>::MAX_UTC,
            to: DateTime::<Utc>::MIN_UTC,
        }
    }

    fn assert_contains(&self, what: &str, time: Option<DateTime<Utc>>) {
        let time = time.unwrap_or_else(|| panic!("{what}: no date"));
        assert!(
            self.from <= time && time <= self.to,
            "{what}: {time} is not the first-seen time ({} ..= {})",
            self.from,
            self.to
        );
    }
}

/// Checks `output/<name>.rss` against the table: exactly the articles `keys`, newest first,
/// every field as extracted.
fn check_rss(server: &Server, work: &Workdir, name: &str, keys: &[&str], window: &Window) {
    let file = format!("{name}.rss");
    let feed = work.feed(&file);
    assert_same_articles(server, &feed, keys, &file);
    assert_newest_first(&feed, &file);
    for entry in &feed.entries {
        let a = article_at(server, &entry.id).expect("checked above");
        let what = format!("{file} {}", a.key);
        let canonical = server.url(a.path);
        assert_eq!(
            entry.links.first().map(|l| l.href.as_str()),
            Some(canonical.as_str()),
            "{what}: link"
        );
        assert_common(entry, a, &what);
        match a.published {
            Some(p) => assert_eq!(entry.published, Some(instant(p)), "{what}: pubDate"),
            None => window.assert_contains(&what, entry.published),
        }
        // feed-rs folds <enclosure> and <media:content> into `media` (merging equal ones);
        // the raw XML below checks that both are there.
        let contents: Vec<_> = entry.media.iter().flat_map(|m| &m.content).collect();
        assert!(!contents.is_empty(), "{what}: no image");
        let image = server.url(a.image);
        for content in &contents {
            assert_eq!(
                content.url.as_ref().map(|u| u.as_str()),
                Some(image.as_str()),
                "{what}: image"
            );
        }
        assert!(
            contents.iter().any(
                |c| c.content_type.as_ref().map(|t| t.to_string()) == Some("image/jpeg".into())
            ),
            "{what}: enclosure type"
        );
    }

    let raw = work.output_text(&file);
    let n = feed.entries.len();
    assert_eq!(
        raw.matches(r#"isPermaLink="true""#).count(),
        n,
        "{file}: guid isPermaLink"
    );
    assert_eq!(
        raw.matches("<enclosure ").count(),
        n,
        "{file}: one enclosure per item"
    );
    assert_eq!(
        raw.matches("<media:content ").count(),
        n,
        "{file}: one media:content per item"
    );
    assert!(
        raw.contains(r#"rel="self""#),
        "{file}: no atom:link rel=self"
    );
    assert!(
        raw.contains(&format!(r#"href="{PUBLIC_BASE}{name}.rss""#)),
        "{file}: self link not derived from base_url"
    );
}

/// Checks `output/<name>.atom` against the table, like [`check_rss`].
fn check_atom(server: &Server, work: &Workdir, name: &str, keys: &[&str], window: &Window) {
    let file = format!("{name}.atom");
    let feed = work.feed(&file);
    assert_same_articles(server, &feed, keys, &file);
    assert_newest_first(&feed, &file);
    let self_href = format!("{PUBLIC_BASE}{name}.atom");
    assert!(
        feed.links
            .iter()
            .any(|l| l.rel.as_deref() == Some("self") && l.href == self_href),
        "{file}: no self link {self_href}: {:?}",
        feed.links
    );
    assert!(
        feed.links
            .iter()
            .any(|l| l.rel.as_deref() == Some("alternate")),
        "{file}: no alternate link"
    );
    for entry in &feed.entries {
        let a = article_at(server, &entry.id).expect("checked above");
        let what = format!("{file} {}", a.key);
        let canonical = server.url(a.path);
        let link = |rel: &str| entry.links.iter().find(|l| l.rel.as_deref() == Some(rel));
        assert_eq!(
            link("alternate").map(|l| l.href.as_str()),
            Some(canonical.as_str()),
            "{what}: alternate"
        );
        let enclosure = link("enclosure").unwrap_or_else(|| panic!("{what}: no enclosure link"));
        assert_eq!(enclosure.href, server.url(a.image), "{what}: image");
        assert_eq!(
            enclosure.media_type.as_deref(),
            Some("image/jpeg"),
            "{what}: image type"
        );
        assert_common(entry, a, &what);
        match a.published {
            Some(p) => {
                assert_eq!(entry.published, Some(instant(p)), "{what}: published");
                let updated = a.modified.unwrap_or(p);
                assert_eq!(entry.updated, Some(instant(updated)), "{what}: updated");
            }
            None => {
                window.assert_contains(&format!("{what} published"), entry.published);
                window.assert_contains(&format!("{what} updated"), entry.updated);
            }
        }
        assert!(
            !entry.authors.is_empty() || !feed.authors.is_empty(),
            "{what}: no author"
        );
    }
}

/// The fields RSS and Atom share: id, title, summary, keywords.
fn assert_common(entry: &Entry, a: &Article, what: &str) {
    assert!(entry.id.ends_with(a.path), "{what}: id {}", entry.id);
    assert_eq!(
        entry.title.as_ref().map(|t| t.content.as_str()),
        Some(a.title),
        "{what}: title"
    );
    assert_eq!(
        entry.summary.as_ref().map(|t| t.content.trim()),
        Some(a.description),
        "{what}: description"
    );
    let terms: BTreeSet<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
    let keywords: BTreeSet<&str> = a.keywords.iter().copied().collect();
    assert_eq!(terms, keywords, "{what}: categories");
    assert_eq!(
        entry.categories.len(),
        a.keywords.len(),
        "{what}: duplicate categories"
    );
}

/// The feed holds exactly the articles `keys` (so no nav, tag, footer or Newsfeed link).
fn assert_same_articles(server: &Server, feed: &Feed, keys: &[&str], file: &str) {
    let mut got = entry_keys(server, feed);
    let mut want = keys.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want, "{file}: articles");
}

/// Entries are newest first; equal times are ordered by URL.
fn assert_newest_first(feed: &Feed, file: &str) {
    for pair in feed.entries.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let ordered = match a.published.cmp(&b.published) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => a.id < b.id,
            std::cmp::Ordering::Less => false,
        };
        assert!(ordered, "{file}: {} is listed before {}", a.id, b.id);
    }
}

fn feed_title(feed: &Feed) -> &str {
    feed.title
        .as_ref()
        .map(|t| t.content.as_str())
        .unwrap_or_default()
}

/// Bytes and modification time of output files.
fn snapshot(work: &Workdir, files: &[&str]) -> Vec<(String, Vec<u8>, SystemTime)> {
    files
        .iter()
        .map(|f| (f.to_string(), work.output(f), work.output_mtime(f)))
        .collect()
}

fn assert_unchanged(work: &Workdir, before: &[(String, Vec<u8>, SystemTime)]) {
    for (file, bytes, mtime) in before {
        assert!(work.output(file) == *bytes, "{file} changed");
        assert_eq!(work.output_mtime(file), *mtime, "{file} was rewritten");
    }
}
