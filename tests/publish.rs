//! End-to-end tests of everything sitefeed writes to `output/`: the JSON Feed beside RSS and
//! Atom, the `formats` key, `index.html`, `feeds.opml`, `status.json`, the validity of every
//! document (hostile text included), the selection keys (`include`, `exclude`, `max_items`,
//! `max_age`, `pages`, `next_selector`), byte stability between runs, and golden files.
//!
//! Like `e2e.rs`, each test runs the real binary against fixture sites served on 127.0.0.1:
//! the Sputnik-shaped site and the pages in `tests/fixtures/publish/` (its README says what
//! each is for).
//!
//! Golden files live in `tests/golden/`. After an intended change to the rendered output,
//! rewrite them with
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test --test publish golden
//! ```
//!
//! and review the diff like any other change.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::Path;
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use common::site::{fill, page, serve_sputnik};
use common::{config, Outcome, Response, Server, Workdir, PUBLIC_BASE};
use scraper::{Html, Selector};
use serde_json::Value;
use url::Url;

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";
const MEDIA_NS: &str = "http://search.yahoo.com/mrss/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The stylesheet instruction every RSS and Atom file carries on its second line.
const STYLESHEET_PI: &str = r#"<?xml-stylesheet type="text/css" href="feed.css"?>"#;

/// Root of this file's own fixture pages.
const PUBLISH_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/publish");
const GOLDEN_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

/// Paths of the fixture articles these tests use, by short name.
const NAVAL: &str =
    "/20260127/beijing-and-moscow-agree-to-expand-joint-naval-drills-1123541207.html";
const GRAIN: &str = "/20260127/un-panel-warns-of-grain-shortfall-in-east-africa-1123540388.html";
const OPEC: &str = "/20260127/opec-plus-keeps-output-cuts-in-place-through-spring-1123539140.html";
const METRO: &str =
    "/20260127/moscow-metro-opens-three-new-stations-on-big-circle-line-1123539777.html";
const GENEVA: &str =
    "/20260126/ceasefire-talks-resume-in-geneva-after-two-week-pause-1123537020.html";
const LITHIUM: &str = "/20260125/brazil-and-argentina-sign-lithium-pact-1123530415.html";
const ARCHIVE: &str = "/20150301/archive-story-from-2015-1000000001.html";
const HOSTILE: &str = "/20260127/hostile-headline-test-1123549999.html";
const SUMMIT: &str = "/20260128/breaking-summit-ends-with-joint-statement-1123550001.html";
const TSUNAMI: &str =
    "/20260127/tsunami-warning-drill-held-across-indian-ocean-coastlines-1123541650.html";

/// World, Russia and Economy of the Sputnik site, every format, with no retries.
fn three_sections() -> String {
    format!("retries = 0\n{}", common::site::THREE_SECTIONS)
}

// ---------------------------------------------------------------------------------------------
// JSON Feed

#[test]
fn json_feed_has_the_same_ids_dates_images_and_tags_as_atom() {
    let (server, work) = sites(&three_sections());
    work.run().assert_code(0);

    for name in ["world", "russia", "economy"] {
        let file = format!("{name}.json");
        let json = json(&work, &file);
        assert_eq!(
            json["version"], "https://jsonfeed.org/version/1.1",
            "{file}"
        );
        assert_eq!(
            json["feed_url"],
            format!("{PUBLIC_BASE}{name}.json"),
            "{file}"
        );
        let section = server.url(&format!("/{name}/"));
        assert_eq!(json["home_page_url"], section.as_str(), "{file}");

        let atom = work.feed(&format!("{name}.atom"));
        let items = json["items"].as_array().expect("items is an array");
        assert_eq!(items.len(), atom.entries.len(), "{file}: item count");
        assert!(!items.is_empty(), "{file}: no items");
        for (item, entry) in items.iter().zip(&atom.entries) {
            let what = format!("{file} {}", entry.id);
            assert_eq!(
                item["id"].as_str(),
                Some(entry.id.as_str()),
                "{what}: id (order)"
            );
            let alternate = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref() == Some("alternate"))
                .map(|l| l.href.as_str());
            assert_eq!(item["url"].as_str(), alternate, "{what}: url");
            assert_eq!(
                item["title"].as_str(),
                entry.title.as_ref().map(|t| t.content.as_str()),
                "{what}: title"
            );
            assert_eq!(
                item["summary"].as_str(),
                entry.summary.as_ref().map(|t| t.content.as_str()),
                "{what}: summary"
            );
            assert_eq!(
                instant_of(&item["date_published"]),
                entry.published,
                "{what}: date_published"
            );
            assert_eq!(
                instant_of(&item["date_modified"]),
                entry.updated,
                "{what}: date_modified"
            );
            let enclosure = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref() == Some("enclosure"))
                .map(|l| l.href.as_str());
            assert_eq!(item["image"].as_str(), enclosure, "{what}: image");
            let tags: Vec<&str> = item["tags"]
                .as_array()
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let terms: Vec<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
            assert_eq!(tags, terms, "{what}: tags");
            assert!(
                item["content_text"].is_string() || item["content_html"].is_string(),
                "{what}: JSON Feed requires content_text or content_html"
            );
        }

        // feed-rs reads it as a JSON Feed with the same entries.
        let parsed = work.feed(&file);
        let ids = |f: &feed_rs::model::Feed| f.entries.iter().map(|e| e.id.clone()).collect();
        let json_ids: Vec<String> = ids(&parsed);
        let atom_ids: Vec<String> = ids(&atom);
        assert_eq!(json_ids, atom_ids, "{file}: feed-rs ids");
        for (a, b) in parsed.entries.iter().zip(&atom.entries) {
            assert_eq!(
                a.published, b.published,
                "{file} {}: feed-rs published",
                a.id
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// formats

#[test]
fn formats_choose_the_files_and_index_and_opml_link_only_those() {
    let (_server, work) = sites(
        r#"
[[feed]]
name = "world"
url = "{{BASE}}/world/"
formats = ["atom"]

[[feed]]
name = "russia"
url = "{{BASE}}/russia/"
formats = ["json", "rss"]

[[feed]]
name = "economy"
url = "{{BASE}}/economy/"
"#,
    );
    work.check().assert_code(0);
    work.run().assert_code(0);

    let files: BTreeSet<String> = work.output_files().into_iter().collect();
    let expected: BTreeSet<String> = [
        "world.atom",
        "russia.rss",
        "russia.json",
        "economy.rss",
        "economy.atom",
        "economy.json",
        "index.html",
        "feeds.opml",
        "feed.css",
        "status.json",
    ]
    .map(String::from)
    .into();
    assert_eq!(files, expected, "output/ holds exactly the chosen formats");

    let index = work.output_text("index.html");
    let doc = Html::parse_document(&index);
    let alternates = autodiscovery(&doc);
    let expected_alternates: BTreeSet<(String, String)> = [
        ("application/atom+xml", "world.atom"),
        ("application/rss+xml", "russia.rss"),
        ("application/feed+json", "russia.json"),
        ("application/rss+xml", "economy.rss"),
        ("application/atom+xml", "economy.atom"),
        ("application/feed+json", "economy.json"),
    ]
    .map(|(t, f)| (t.to_string(), format!("{PUBLIC_BASE}{f}")))
    .into();
    assert_eq!(alternates, expected_alternates, "autodiscovery links");
    for href in relative_hrefs(&doc) {
        assert!(
            work.output_path(&href).is_file(),
            "index.html links {href}, which is not in output/ {:?}",
            work.output_files()
        );
    }

    let opml_text = work.output_text("feeds.opml");
    let opml = xml(&opml_text, "feeds.opml");
    let urls: Vec<(String, String)> = outlines(&opml)
        .map(|o| {
            (
                o.attribute("type").unwrap_or_default().to_string(),
                o.attribute("xmlUrl").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        urls,
        [
            ("atom".to_string(), format!("{PUBLIC_BASE}world.atom")),
            ("rss".to_string(), format!("{PUBLIC_BASE}russia.rss")),
            ("rss".to_string(), format!("{PUBLIC_BASE}economy.rss")),
        ],
        "OPML outlines point at a file each feed has (RSS when there is one)"
    );
}

/// A feed whose `formats` shrink stops being written in the dropped formats; their old files
/// must not stay in `output/` frozen, where subscribers would never see another update.
#[test]
fn dropping_a_format_removes_its_stale_file() {
    let (_server, work) = sites(WORLD_ONLY);
    work.run().assert_code(0);
    assert!(work.output_path("world.rss").is_file());

    let toml = fs::read_to_string(work.config_path()).unwrap();
    work.write_config(&toml.replace("name = \"world\"", "name = \"world\"\nformats = [\"atom\"]"));
    work.run().assert_code(0);
    let feeds: Vec<String> = work
        .output_files()
        .into_iter()
        .filter(|f| f.starts_with("world."))
        .collect();
    assert_eq!(
        feeds,
        ["world.atom"],
        "world.rss and world.json are no longer written but still served"
    );
}

// ---------------------------------------------------------------------------------------------
// index.html and feeds.opml

#[test]
fn index_lists_every_feed_with_title_section_newest_entry_count_and_links() {
    let (server, work) = sites(&three_sections());
    work.run().assert_code(0);

    let index = work.output_text("index.html");
    assert!(
        !index.to_ascii_lowercase().contains("<script"),
        "index.html must carry no script"
    );
    let doc = Html::parse_document(&index);
    let viewport = sel("meta[name=viewport]");
    assert!(
        doc.select(&viewport).any(|m| m
            .attr("content")
            .unwrap_or("")
            .contains("width=device-width")),
        "index.html has no viewport meta"
    );

    // Autodiscovery: one absolute link per feed and format.
    let mut expected = BTreeSet::new();
    for name in ["world", "russia", "economy"] {
        for (ext, media_type) in FORMATS {
            expected.insert((media_type.to_string(), format!("{PUBLIC_BASE}{name}.{ext}")));
        }
    }
    assert_eq!(autodiscovery(&doc), expected, "autodiscovery links");

    // One card per feed, in config order.
    let cards: Vec<_> = doc.select(&sel("li.feed")).collect();
    assert_eq!(cards.len(), 3, "one li.feed per configured feed");
    for (card, (name, title)) in cards.iter().zip([
        ("world", "Sputnik: World"),
        ("russia", "Russia"),
        ("economy", "Economy"),
    ]) {
        let text = |s: &str| -> String {
            card.select(&sel(s))
                .next()
                .map(|e| e.text().collect::<String>())
                .unwrap_or_else(|| panic!("{name}: no {s} in its card"))
        };
        assert_eq!(text("h2").trim(), title, "{name}: title");
        let section = server.url(&format!("/{name}/"));
        let source: Vec<&str> = card
            .select(&sel(".source a"))
            .filter_map(|a| a.attr("href"))
            .collect();
        assert_eq!(source, [section.as_str()], "{name}: section URL");

        let atom = work.feed(&format!("{name}.atom"));
        let newest = &atom.entries[0];
        let newest_link = card
            .select(&sel(".newest a"))
            .next()
            .unwrap_or_else(|| panic!("{name}: no newest entry link"));
        assert_eq!(
            newest_link.text().collect::<String>(),
            newest.title.as_ref().unwrap().content,
            "{name}: newest entry title"
        );
        assert_eq!(
            newest_link.attr("href"),
            Some(newest.id.as_str()),
            "{name}: newest entry link"
        );
        let time = card
            .select(&sel(".newest time"))
            .next()
            .and_then(|t| t.attr("datetime"))
            .unwrap_or_else(|| panic!("{name}: no <time datetime> for the newest entry"));
        assert_eq!(
            DateTime::parse_from_rfc3339(time).ok().map(|t| t.to_utc()),
            newest.published,
            "{name}: newest entry time"
        );
        let count = atom.entries.len();
        assert_eq!(
            text(".count").trim(),
            format!("{count} entries"),
            "{name}: entry count"
        );
        let formats: Vec<&str> = card
            .select(&sel("a.format"))
            .filter_map(|a| a.attr("href"))
            .collect();
        let expected: Vec<String> = FORMATS.iter().map(|(e, _)| format!("{name}.{e}")).collect();
        assert_eq!(formats, expected, "{name}: format links");
    }

    // Every relative link (formats, the OPML) resolves to a file in output/.
    let hrefs = relative_hrefs(&doc);
    assert!(
        hrefs.contains(&"feeds.opml".to_string()),
        "no link to feeds.opml"
    );
    for href in hrefs {
        assert!(
            work.output_path(&href).is_file(),
            "index.html links {href}, not in output/"
        );
    }
}

#[test]
fn opml_is_version_2_with_one_outline_per_feed() {
    let (server, work) = sites(&three_sections());
    work.run().assert_code(0);

    let text = work.output_text("feeds.opml");
    let doc = xml(&text, "feeds.opml");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "opml");
    assert_eq!(root.attribute("version"), Some("2.0"));
    let head = child(root, "head").expect("OPML has a head");
    assert!(child(head, "title").is_some(), "OPML head has no title");
    if let Some(modified) = child(head, "dateModified") {
        let text = modified.text().unwrap_or_default();
        assert!(
            DateTime::parse_from_rfc2822(text).is_ok(),
            "dateModified is not RFC 822: {text}"
        );
    }
    let outlines: Vec<_> = outlines(&doc).collect();
    assert_eq!(outlines.len(), 3, "one outline per feed");
    for (outline, (name, title)) in outlines.iter().zip([
        ("world", "Sputnik: World"),
        ("russia", "Russia"),
        ("economy", "Economy"),
    ]) {
        assert_eq!(outline.attribute("text"), Some(title), "{name}: text");
        assert_eq!(outline.attribute("type"), Some("rss"), "{name}: type");
        let xml_url = format!("{PUBLIC_BASE}{name}.rss");
        assert_eq!(
            outline.attribute("xmlUrl"),
            Some(xml_url.as_str()),
            "{name}: xmlUrl"
        );
        let section = server.url(&format!("/{name}/"));
        assert_eq!(
            outline.attribute("htmlUrl"),
            Some(section.as_str()),
            "{name}: htmlUrl"
        );
        assert!(work.output_path(&format!("{name}.rss")).is_file());
    }
}

// ---------------------------------------------------------------------------------------------
// Validity by construction

#[test]
fn every_document_is_valid_by_construction() {
    let (_server, work) = sites(&format!("{}\n{HOSTILE_FEED}", three_sections()));
    work.run().assert_code(0);

    for name in ["world", "russia", "economy", "hostile"] {
        check_rss_validity(&work, name);
        check_atom_validity(&work, name);
        check_json_validity(&work, name);
    }
    let opml = work.output_text("feeds.opml");
    xml(&opml, "feeds.opml");
    let status: Value =
        serde_json::from_slice(&work.output("status.json")).expect("status.json is JSON");
    assert!(status["feeds"].is_object());
}

const HOSTILE_FEED: &str = r#"
[[feed]]
name = "hostile"
url = "{{BASE}}/hostile/"
article_selector = "a.list__title"
"#;

/// The hostile feed's title as the XML documents must carry it: the section page's `og:title`
/// with entities decoded and U+0001 and U+FFFE, which XML 1.0 forbids, dropped.
const HOSTILE_FEED_TITLE_XML: &str = "Q&A ]]> <script>x()</script> Desk";
/// The hostile article's fields as extraction leaves them (it drops tags such as `<script>`
/// and `<b>` from metadata text but keeps `3 < 4 > 2`), XML-illegal characters dropped.
const HOSTILE_TITLE_XML: &str = "Tom & Jerry ]]> alert(1) 3 < 4 > 2 bell AT&T";
const HOSTILE_DESCRIPTION_XML: &str = "Fish & chips ]]> alert(\"x\")  & done";
const HOSTILE_AUTHOR: &str = "O'Brien &";
const HOSTILE_KEYWORDS: [&str; 3] = ["R&D", "bold", "]]>"];

#[test]
fn hostile_text_is_escaped_and_cleaned_in_every_format() {
    let (server, work) = sites(HOSTILE_FEED);
    work.run().assert_code(0);
    let hostile_url = server.url(HOSTILE);

    let rss_text = work.output_text("hostile.rss");
    assert_clean(&rss_text, "hostile.rss");
    let rss = xml(&rss_text, "hostile.rss");
    assert_no_injected_elements(&rss, "hostile.rss");
    let channel = child(rss.root_element(), "channel").expect("channel");
    assert_eq!(
        text_of(child(channel, "title").unwrap()),
        HOSTILE_FEED_TITLE_XML
    );
    let item = children(channel, "item")
        .find(|i| child(*i, "guid").map(text_of).as_deref() == Some(hostile_url.as_str()))
        .expect("the hostile item");
    assert_eq!(
        text_of(child(item, "title").unwrap()),
        HOSTILE_TITLE_XML,
        "RSS title"
    );
    assert_eq!(
        text_of(child(item, "description").unwrap()),
        HOSTILE_DESCRIPTION_XML,
        "RSS description (CDATA split around ]]>)"
    );
    let creator = item
        .children()
        .find(|n| n.tag_name().name() == "creator" && n.tag_name().namespace() == Some(DC_NS))
        .expect("dc:creator");
    assert_eq!(text_of(creator), HOSTILE_AUTHOR, "RSS dc:creator");
    let categories: Vec<String> = children(item, "category").map(text_of).collect();
    assert_eq!(categories, HOSTILE_KEYWORDS, "RSS categories");
    let image = server.url("/img/hostile.jpg?a=1&b=2");
    let enclosure = child(item, "enclosure").expect("enclosure");
    assert_eq!(enclosure.attribute("url"), Some(image.as_str()));

    let atom_text = work.output_text("hostile.atom");
    assert_clean(&atom_text, "hostile.atom");
    let atom = xml(&atom_text, "hostile.atom");
    assert_no_injected_elements(&atom, "hostile.atom");
    let root = atom.root_element();
    assert_eq!(
        text_of(child(root, "title").unwrap()),
        HOSTILE_FEED_TITLE_XML
    );
    let entry = children(root, "entry")
        .find(|e| child(*e, "id").map(text_of).as_deref() == Some(hostile_url.as_str()))
        .expect("the hostile entry");
    assert_eq!(
        text_of(child(entry, "title").unwrap()),
        HOSTILE_TITLE_XML,
        "Atom title"
    );
    assert_eq!(
        text_of(child(entry, "summary").unwrap()),
        HOSTILE_DESCRIPTION_XML,
        "Atom summary"
    );
    let terms: Vec<&str> = children(entry, "category")
        .filter_map(|c| c.attribute("term"))
        .collect();
    assert_eq!(terms, HOSTILE_KEYWORDS, "Atom categories");
    assert!(
        children(entry, "link").any(|l| l.attribute("href") == Some(image.as_str())),
        "Atom enclosure"
    );

    // The JSON Feed parses, and its text is the page's, unescaped.
    let json = json(&work, "hostile.json");
    let feed_title = json["title"].as_str().expect("title");
    assert!(
        feed_title.starts_with("Q&A ]]> <script>x()</script>"),
        "{feed_title:?}"
    );
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == hostile_url.as_str())
        .expect("the hostile JSON item");
    let title = item["title"].as_str().expect("title");
    assert!(
        title.starts_with("Tom & Jerry ]]> alert(1) 3 < 4 > 2"),
        "{title:?}"
    );
    assert_eq!(item["image"], image.as_str());
    assert_eq!(item["tags"], serde_json::json!(HOSTILE_KEYWORDS));

    // feed-rs reads all three.
    for file in ["hostile.rss", "hostile.atom", "hostile.json"] {
        assert_eq!(work.feed(file).entries.len(), 2, "{file}");
    }

    // The index shows the feed title and the newest (hostile) title as text only.
    let index = work.output_text("index.html");
    assert!(
        !index.to_ascii_lowercase().contains("<script"),
        "a title injected a script into index.html"
    );
    assert_clean(&index, "index.html");
    let doc = Html::parse_document(&index);
    let first_text = |selector: &str| {
        doc.select(&sel(selector))
            .next()
            .map(|e| e.text().collect::<String>())
    };
    assert_eq!(
        first_text("li.feed h2").as_deref(),
        Some(HOSTILE_FEED_TITLE_XML)
    );
    assert_eq!(first_text(".newest a").as_deref(), Some(HOSTILE_TITLE_XML));
    assert!(doc
        .select(&sel("li.feed script, li.feed b"))
        .next()
        .is_none());
    let head_titles: Vec<&str> = doc
        .select(&sel("head link[rel=alternate]"))
        .filter_map(|l| l.attr("title"))
        .collect();
    assert_eq!(
        head_titles,
        ["RSS", "ATOM", "JSON"].map(|f| format!("{HOSTILE_FEED_TITLE_XML} ({f})"))
    );

    let opml_text = work.output_text("feeds.opml");
    assert_clean(&opml_text, "feeds.opml");
    let opml = xml(&opml_text, "feeds.opml");
    assert_eq!(
        outlines(&opml).next().and_then(|o| o.attribute("text")),
        Some(HOSTILE_FEED_TITLE_XML)
    );
}

/// The same entry reads the same in every format: the JSON Feed drops what the XML documents
/// drop (U+0001, U+FFFE), instead of passing control characters and noncharacters on.
#[test]
fn json_feed_text_matches_the_xml_feeds() {
    let (server, work) = sites(HOSTILE_FEED);
    work.run().assert_code(0);
    let atom = work.feed("hostile.atom");
    let json = json(&work, "hostile.json");
    assert_eq!(
        json["title"].as_str(),
        atom.title.as_ref().map(|t| t.content.as_str()),
        "feed title differs between hostile.json and hostile.atom"
    );
    let hostile_url = server.url(HOSTILE);
    let item = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == hostile_url.as_str())
        .expect("the hostile JSON item");
    assert_eq!(item["title"], HOSTILE_TITLE_XML, "JSON item title");
    assert_eq!(item["summary"], HOSTILE_DESCRIPTION_XML, "JSON summary");
    assert_eq!(item["authors"][0]["name"], HOSTILE_AUTHOR, "JSON author");
}

/// `feed.css` makes a feed file readable when a browser renders it as XML: the elements a person
/// reads are displayed, and so is every element around them (a hidden `<channel>` hides the
/// whole RSS feed, whatever its children say). Checked with a small cascade over the type
/// selectors the stylesheet uses; `scripts/check-browser-view.sh` checks the same in Chromium.
#[test]
fn feed_css_shows_what_a_person_reads_in_rss_and_atom() {
    let (_server, work) = sites(DATED_SECTIONS);
    work.run().assert_code(0);
    let css = work.output_text("feed.css");
    let rules = css_display_rules(&css);
    assert!(!rules.is_empty(), "no display rules in feed.css:\n{css}");

    let shown = [
        "rss channel title",
        "rss channel description",
        "rss channel item title",
        "rss channel item link",
        "rss channel item pubDate",
        "rss channel item description",
        "feed title",
        "feed subtitle",
        "feed entry title",
        "feed entry id",
        "feed entry published",
        "feed entry summary",
    ];
    let hidden = [
        "rss channel item guid",
        "rss channel item category",
        "feed entry category",
        "feed entry author",
    ];
    let mut problems = Vec::new();
    for path in shown {
        let path: Vec<&str> = path.split(' ').collect();
        if let Some(i) = (1..=path.len()).find(|&i| display(&rules, &path[..i]) == "none") {
            problems.push(format!(
                "{} is hidden because <{}> is display:none",
                path.join(">"),
                path[i - 1]
            ));
        }
    }
    for path in hidden {
        let path: Vec<&str> = path.split(' ').collect();
        if (1..=path.len()).all(|i| display(&rules, &path[..i]) != "none") {
            problems.push(format!("{} is shown", path.join(">")));
        }
    }
    assert!(
        problems.is_empty(),
        "feed.css:\n{}\n{css}",
        problems.join("\n")
    );
}

/// The cascade helper itself: order and specificity decide, as in a browser.
#[test]
fn css_cascade_helper_follows_specificity_then_order() {
    let css = "/* c */ :root{display:none} channel,item{display:block} rss *{display:none} \
               channel>item{display:block} rss>channel{display:block} item>guid::before{display:block}";
    let rules = css_display_rules(css);
    assert_eq!(display(&rules, &["rss"]), "inline");
    assert_eq!(
        display(&rules, &["rss", "channel"]),
        "block",
        "rss>channel beats rss *"
    );
    assert_eq!(display(&rules, &["rss", "channel", "item"]), "block");
    assert_eq!(display(&rules, &["rss", "channel", "item", "guid"]), "none");
    let without_fix = css_display_rules(
        css.trim_end_matches(" rss>channel{display:block} item>guid::before{display:block}"),
    );
    assert_eq!(
        display(&without_fix, &["rss", "channel"]),
        "none",
        "a later rss * beats an earlier channel"
    );
}

// ---------------------------------------------------------------------------------------------
// Selection

#[test]
fn include_and_exclude_match_title_url_and_keywords() {
    let (server, work) = sites(
        r#"
[[feed]]
name = "by-title"
url = "{{BASE}}/filters/"
article_selector = "a.list__title"
include = ["(?i)grain shortfall"]

[[feed]]
name = "by-url"
url = "{{BASE}}/filters/"
article_selector = "a.list__title"
include = ["1123539777"]

[[feed]]
name = "by-keyword"
url = "{{BASE}}/filters/"
article_selector = "a.list__title"
include = ["^navy$"]

[[feed]]
name = "excluding"
url = "{{BASE}}/filters/"
article_selector = "a.list__title"
# opec by keyword, the archive story by title, grain by URL
exclude = ["^oil$", "(?i)^archive story", "1123540388"]

[[feed]]
name = "both"
url = "{{BASE}}/filters/"
article_selector = "a.list__title"
include = ["(?i)moscow"]
exclude = ["metro"]
"#,
    );
    work.run().assert_code(0);

    for (name, expected) in [
        ("by-title", vec![GRAIN]),
        ("by-url", vec![METRO]),
        ("by-keyword", vec![NAVAL]),
        ("excluding", vec![NAVAL, METRO]),
        ("both", vec![NAVAL]),
    ] {
        assert_entries(&server, &work, name, &expected);
    }
    let index = work.output_text("index.html");
    assert!(
        index.contains(r#"<p class="count">1 entry</p>"#),
        "the index counts filtered entries:\n{index}"
    );
}

#[test]
fn max_items_keeps_the_newest() {
    let (server, work) = sites(
        r#"
[[feed]]
name = "two"
url = "{{BASE}}/filters/"
article_selector = "a.list__title"
max_items = 2
"#,
    );
    work.run().assert_code(0);
    assert_entries(&server, &work, "two", &[NAVAL, METRO]);
}

#[test]
fn max_age_leaves_out_old_articles() {
    // max_age counts back from the clock; the fixture articles are from January 2026 and the
    // archive story from 2015, so the limit is the age of the oldest January one plus 30 days.
    let oldest_kept = DateTime::parse_from_rfc3339("2026-01-27T09:00:00Z").unwrap();
    let days = (Utc::now() - oldest_kept.to_utc()).num_days() + 30;
    let (server, work) = sites(&format!(
        r#"
[[feed]]
name = "recent"
url = "{{{{BASE}}}}/filters/"
article_selector = "a.list__title"
max_age = "{days}days"

[[feed]]
name = "all"
url = "{{{{BASE}}}}/filters/"
article_selector = "a.list__title"
"#
    ));
    work.run().assert_code(0);
    assert_entries(&server, &work, "recent", &[NAVAL, METRO, GRAIN, OPEC]);
    assert_entries(&server, &work, "all", &[NAVAL, METRO, GRAIN, OPEC, ARCHIVE]);
}

#[test]
fn pages_follow_rel_next_up_to_the_limit() {
    let (server, work) = sites(
        r#"
[[feed]]
name = "two-pages"
url = "{{BASE}}/paged/"
article_selector = "a.list__title"
pages = 2
"#,
    );
    work.run().assert_code(0);
    assert_entries(
        &server,
        &work,
        "two-pages",
        &[NAVAL, GRAIN, GENEVA, LITHIUM],
    );
    let paths = server.paths();
    assert!(paths.iter().any(|p| p == "/paged/page/2/"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p == "/paged/page/3/"),
        "page 3 fetched with pages = 2: {paths:?}"
    );
    let status = read_status(&work);
    let sections = status["feeds"]["two-pages"]["sections"].as_array().unwrap();
    let urls: Vec<&str> = sections.iter().filter_map(|s| s["url"].as_str()).collect();
    assert_eq!(
        urls,
        [server.url("/paged/"), server.url("/paged/page/2/")],
        "status lists both pages"
    );
    for section in sections {
        assert_eq!(section["outcome"], "ok");
        assert_eq!(section["links"], 2);
    }
}

#[test]
fn one_page_by_default() {
    let (server, work) = sites(
        r#"
[[feed]]
name = "first-page"
url = "{{BASE}}/paged/"
article_selector = "a.list__title"
"#,
    );
    work.run().assert_code(0);
    assert_entries(&server, &work, "first-page", &[NAVAL, GRAIN]);
    assert!(!server.paths().iter().any(|p| p.starts_with("/paged/page/")));
}

#[test]
fn next_selector_finds_the_next_page_without_rel_next() {
    let (server, work) = sites(
        r#"
[[feed]]
name = "by-selector"
url = "{{BASE}}/paged-sel/"
article_selector = "a.list__title"
next_selector = ".pager a"
pages = 2

[[feed]]
name = "without-selector"
url = "{{BASE}}/paged-sel/"
article_selector = "a.list__title"
pages = 2
"#,
    );
    work.run().assert_code(0);
    assert_entries(
        &server,
        &work,
        "by-selector",
        &[NAVAL, GRAIN, GENEVA, LITHIUM],
    );
    assert_entries(&server, &work, "without-selector", &[NAVAL, GRAIN]);
    let paths = server.paths();
    assert!(
        !paths.iter().any(|p| p == "/paged-sel/page/3/"),
        "page 3 fetched with pages = 2: {paths:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// status.json

const WORLD_ONLY: &str = r#"
retries = 0

[[feed]]
name = "world"
url = "{{BASE}}/world/"
"#;

#[test]
fn status_after_a_good_run() {
    let (server, work) = sites(WORLD_ONLY);
    let before = Utc::now() - chrono::Duration::seconds(1);
    work.run().assert_code(0);
    let after = Utc::now() + chrono::Duration::seconds(1);

    let status = read_status(&work);
    assert!(
        status["generator"]
            .as_str()
            .is_some_and(|g| g.starts_with("sitefeed ")),
        "generator: {status}"
    );
    let world = &status["feeds"]["world"];
    let attempt = time_of(&world["last_attempt"]).expect("last_attempt");
    assert!(
        before <= attempt && attempt <= after,
        "last_attempt {attempt}"
    );
    assert_eq!(
        time_of(&world["last_success"]),
        Some(attempt),
        "last_success"
    );
    assert_eq!(world["entries"], 5);
    assert_eq!(world["new_entries"], 5);
    assert_eq!(world["suspect"], false);
    assert_eq!(world["last_error"], Value::Null);
    let sections = world["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0]["url"], server.url("/world/").as_str());
    assert_eq!(sections[0]["outcome"], "ok");
    assert_eq!(sections[0]["http_status"], 200);
    assert_eq!(sections[0]["links"], 5);
    assert_eq!(sections[0]["error"], Value::Null);

    // Nothing new: the counts say so.
    work.run().assert_code(0);
    let world = &read_status(&work)["feeds"]["world"];
    assert_eq!(world["new_entries"], 0);
    assert_eq!(world["entries"], 5);
}

#[test]
fn status_after_a_failing_section_keeps_the_last_success() {
    let (server, work) = sites(WORLD_ONLY);
    work.run().assert_code(0);
    let first = read_status(&work);
    let last_success = time_of(&first["feeds"]["world"]["last_success"]).expect("last_success");
    let rss = work.output("world.rss");

    server.route("/world/", Response::status(500));
    let outcome = work.run();
    outcome.assert_code(1);
    assert!(outcome.stderr.contains("world"), "{}", outcome.stderr);

    let world = &read_status(&work)["feeds"]["world"];
    assert_eq!(
        time_of(&world["last_success"]),
        Some(last_success),
        "last_success must be kept from the good run"
    );
    let attempt = time_of(&world["last_attempt"]).expect("last_attempt");
    assert!(attempt > last_success, "last_attempt not updated");
    let error = world["last_error"].as_str().expect("last_error is set");
    assert!(error.contains("500"), "last_error: {error}");
    assert_eq!(world["entries"], 5, "entries as last written");
    let section = &world["sections"][0];
    assert_eq!(section["outcome"], "error");
    assert_eq!(section["http_status"], 500);
    assert!(section["error"].is_string(), "{section}");
    assert_eq!(work.output("world.rss"), rss, "the feed keeps its file");

    // It recovers.
    serve_sputnik(&server);
    work.run().assert_code(0);
    let world = &read_status(&work)["feeds"]["world"];
    assert_eq!(world["last_error"], Value::Null);
    assert!(time_of(&world["last_success"]) > Some(last_success));
    assert_eq!(world["sections"][0]["outcome"], "ok");
}

#[test]
fn section_without_article_links_is_suspect_and_keeps_its_entries() {
    let (server, work) = sites(WORLD_ONLY);
    work.run().assert_code(0);
    let files = snapshot(&work, &["world.rss", "world.atom", "world.json"]);

    // A redesign renders the list with JavaScript: only the header's section links are left.
    server.route(
        "/world/",
        publish_page(&server, "later/world-app/index.html"),
    );
    let outcome = work.run();
    assert_suspect_run(&outcome, &work, &files);

    // The page comes back: no longer suspect.
    serve_sputnik(&server);
    work.run().assert_code(0);
    assert_eq!(read_status(&work)["feeds"]["world"]["suspect"], false);
}

/// The same redesign with the footer menu still there (`/docs/about_us.html`, ...): the footer
/// is no article list, so the page is just as suspect, and no footer page may be fetched.
#[test]
fn section_with_only_a_footer_left_is_suspect_and_no_footer_link_is_fetched() {
    let (server, work) = sites(WORLD_ONLY);
    work.run().assert_code(0);
    let files = snapshot(&work, &["world.rss", "world.atom", "world.json"]);
    server.clear_requests();

    server.route(
        "/world/",
        publish_page(&server, "later/world-shell/index.html"),
    );
    let outcome = work.run();
    let fetched: Vec<String> = server
        .paths()
        .into_iter()
        .filter(|p| p.starts_with("/docs/"))
        .collect();
    assert!(
        fetched.is_empty(),
        "footer links were taken for articles and fetched: {fetched:?}\n{}",
        outcome.stderr
    );
    assert_suspect_run(&outcome, &work, &files);
}

/// A pass over a section page without article links: a warning, status `suspect`, the feed's
/// entries and files kept.
#[track_caller]
fn assert_suspect_run(outcome: &Outcome, work: &Workdir, files: &[(String, FileState)]) {
    assert!(
        outcome.stderr.contains("changed shape") && outcome.stderr.contains("world"),
        "stderr should warn that world's page changed shape:\n{}",
        outcome.stderr
    );
    outcome.assert_code(0);
    let world = &read_status(work)["feeds"]["world"];
    assert_eq!(world["suspect"], true, "{world}");
    assert_eq!(world["entries"], 5, "entries kept");
    assert_eq!(world["last_error"], Value::Null);
    assert_eq!(world["sections"][0]["outcome"], "ok");
    assert_eq!(world["sections"][0]["links"], 0);
    assert_eq!(work.feed("world.atom").entries.len(), 5);
    assert_unchanged(work, files);
}

// ---------------------------------------------------------------------------------------------
// Byte stability

#[test]
fn unchanged_run_rewrites_only_status_json() {
    let (_server, work) = sites(&three_sections());
    work.run().assert_code(0);
    let first = snapshot_all(&work);

    work.run().assert_code(0);
    let second = snapshot_all(&work);
    assert_eq!(
        rewritten(&first, &second),
        ["status.json"],
        "an unchanged run rewrote more than status.json"
    );
}

/// World and Economy: every article dated, so the newest date of all is a fixture's.
const DATED_SECTIONS: &str = r#"
[[feed]]
name = "world"
url = "{{BASE}}/world/"

[[feed]]
name = "economy"
url = "{{BASE}}/economy/"
"#;

#[test]
fn a_change_in_one_feed_rewrites_that_feed_the_index_and_the_opml_only() {
    let (server, work) = sites(DATED_SECTIONS);
    work.run().assert_code(0);
    let first = snapshot_all(&work);

    // The newest article of all arrives on World. Its date is also the OPML's dateModified,
    // which is why the OPML changes. (With an undated article in some feed, its first-seen
    // time would stay the newest and the OPML would not change.)
    server.route("/world/", publish_page(&server, "later/world/index.html"));
    work.run().assert_code(0);
    let second = snapshot_all(&work);
    assert_eq!(
        rewritten(&first, &second),
        [
            "feeds.opml",
            "index.html",
            "status.json",
            "world.atom",
            "world.json",
            "world.rss"
        ]
    );
    assert_eq!(
        work.feed("world.json").entries[0].id,
        server.url(SUMMIT),
        "the new article leads the feed"
    );

    // An article that is not the newest of all: the OPML's bytes do not change, so it is not
    // rewritten either.
    server.route("/world/", page(&server, "later/world/index.html"));
    work.run().assert_code(0);
    let third = snapshot_all(&work);
    assert_eq!(
        rewritten(&second, &third),
        [
            "index.html",
            "status.json",
            "world.atom",
            "world.json",
            "world.rss"
        ]
    );
    assert!(work
        .feed("world.atom")
        .entries
        .iter()
        .any(|e| e.id == server.url(TSUNAMI)));
}

// ---------------------------------------------------------------------------------------------
// Golden files

/// World (titled in the config) and Economy (titled by its page); every article dated, so the
/// output depends on nothing but the fixtures.
const GOLDEN_SECTIONS: &str = r#"
[[feed]]
name = "world"
title = "Sputnik: World"
url = "{{BASE}}/world/"

[[feed]]
name = "economy"
url = "{{BASE}}/economy/"
formats = ["atom", "json"]
"#;

#[test]
fn golden_files_match() {
    let (server, work) = sites(GOLDEN_SECTIONS);
    work.run().assert_code(0);
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let mut mismatches = Vec::new();
    for file in [
        "world.rss",
        "world.atom",
        "world.json",
        "economy.atom",
        "economy.json",
        "index.html",
        "feeds.opml",
    ] {
        let actual = normalise(&work.output_text(file), &server);
        let path = Path::new(GOLDEN_DIR).join(file);
        if update {
            fs::create_dir_all(GOLDEN_DIR).expect("create tests/golden");
            fs::write(&path, &actual).expect("write golden file");
            continue;
        }
        let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "read {}: {e} (create it with UPDATE_GOLDEN=1 cargo test --test publish golden)",
                path.display()
            )
        });
        if let Some(diff) = first_difference(&expected, &actual) {
            mismatches.push(format!("{file}: {diff}"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "output differs from tests/golden/ (if intended: UPDATE_GOLDEN=1 cargo test --test \
         publish golden, then review the diff):\n{}",
        mismatches.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers: sites and runs

/// The Sputnik site and this file's fixture pages on one server, and a workdir whose
/// `feeds.toml` holds `feeds` (which may start with top-level keys such as `retries`).
fn sites(feeds: &str) -> (Server, Workdir) {
    let server = Server::start();
    serve_sputnik(&server);
    serve_publish(&server);
    let work = Workdir::new();
    work.write_config(&config(&server, feeds));
    (server, work)
}

/// Serves `tests/fixtures/publish/site/` the way the Sputnik site is served.
fn serve_publish(server: &Server) {
    let root = Path::new(PUBLISH_ROOT).join("site");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read fixture dir") {
            let path = entry.expect("fixture dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(&root)
                .expect("under root")
                .to_str()
                .expect("utf-8 path")
                .replace('\\', "/");
            let url_path = match relative.strip_suffix("index.html") {
                Some(dir) => format!("/{dir}"),
                None => format!("/{relative}"),
            };
            server.route(&url_path, publish_page(server, &format!("site/{relative}")));
        }
    }
}

/// The page `relative` (to `tests/fixtures/publish/`) as an HTML response for `server`.
fn publish_page(server: &Server, relative: &str) -> Response {
    let path = Path::new(PUBLISH_ROOT).join(relative);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read fixture {}: {e}", path.display()));
    Response::html(fill(&text, server))
}

/// The feed's entry ids, in every format, are exactly `paths` (on `server`), in that order.
#[track_caller]
fn assert_entries(server: &Server, work: &Workdir, name: &str, paths: &[&str]) {
    let expected: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    for ext in ["rss", "atom", "json"] {
        let file = format!("{name}.{ext}");
        let ids: Vec<String> = work.feed(&file).entries.into_iter().map(|e| e.id).collect();
        assert_eq!(ids, expected, "{file}: entries");
    }
}

fn json(work: &Workdir, file: &str) -> Value {
    serde_json::from_slice(&work.output(file))
        .unwrap_or_else(|e| panic!("output/{file} is not JSON: {e}"))
}

fn read_status(work: &Workdir) -> Value {
    json(work, "status.json")
}

fn time_of(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap_or_else(|e| panic!("{t}: {e}")))
        .map(|t| t.to_utc())
}

fn instant_of(value: &Value) -> Option<DateTime<Utc>> {
    time_of(value)
}

/// One file's bytes, modification time and (on Unix) inode: an atomic rewrite (temp file and
/// rename) gives a new inode even when the clock is too coarse to move the mtime.
#[derive(Debug, PartialEq, Eq)]
struct FileState {
    bytes: Vec<u8>,
    modified: SystemTime,
    inode: Option<u64>,
}

fn file_state(work: &Workdir, file: &str) -> FileState {
    #[cfg(unix)]
    let inode = fs::metadata(work.output_path(file))
        .ok()
        .map(|m| std::os::unix::fs::MetadataExt::ino(&m));
    #[cfg(not(unix))]
    let inode = None;
    FileState {
        bytes: work.output(file),
        modified: work.output_mtime(file),
        inode,
    }
}

fn snapshot(work: &Workdir, files: &[&str]) -> Vec<(String, FileState)> {
    files
        .iter()
        .map(|f| (f.to_string(), file_state(work, f)))
        .collect()
}

#[track_caller]
fn assert_unchanged(work: &Workdir, before: &[(String, FileState)]) {
    for (file, state) in before {
        assert!(file_state(work, file) == *state, "{file} was rewritten");
    }
}

/// Every file in `output/`.
fn snapshot_all(work: &Workdir) -> BTreeMap<String, FileState> {
    work.output_files()
        .into_iter()
        .map(|f| {
            let state = file_state(work, &f);
            (f, state)
        })
        .collect()
}

/// Files added, removed or rewritten between two snapshots, sorted.
fn rewritten(
    before: &BTreeMap<String, FileState>,
    after: &BTreeMap<String, FileState>,
) -> Vec<String> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|n| before.get(*n) != after.get(*n))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Helpers: documents

/// The formats by extension and media type, in the order sitefeed lists them.
const FORMATS: [(&str, &str); 3] = [
    ("rss", "application/rss+xml"),
    ("atom", "application/atom+xml"),
    ("json", "application/feed+json"),
];

fn sel(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"))
}

/// `(type, href)` of every `<link rel="alternate">` in the page's head.
fn autodiscovery(doc: &Html) -> BTreeSet<(String, String)> {
    doc.select(&sel("head link[rel=alternate]"))
        .map(|l| {
            (
                l.attr("type").unwrap_or_default().to_string(),
                l.attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Every `href` of an `<a>` that has no scheme (a file beside the page).
fn relative_hrefs(doc: &Html) -> Vec<String> {
    doc.select(&sel("a[href]"))
        .filter_map(|a| a.attr("href"))
        .filter(|h| Url::parse(h).is_err())
        .map(String::from)
        .collect()
}

/// `text` parsed by a strict XML parser (well-formedness, legal characters, entities).
fn xml<'a>(text: &'a str, file: &str) -> roxmltree::Document<'a> {
    roxmltree::Document::parse(text)
        .unwrap_or_else(|e| panic!("{file} is not well-formed XML: {e}\n{text}"))
}

fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> Option<roxmltree::Node<'a, 'i>> {
    children(node, name).next()
}

/// All text inside `node` (text and CDATA), joined.
fn text_of(node: roxmltree::Node) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

fn outlines<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "outline")
}

/// No element that only markup hidden in text could have made.
#[track_caller]
fn assert_no_injected_elements(doc: &roxmltree::Document, file: &str) {
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !matches!(name, "script" | "b"),
            "{file}: text became a <{name}> element"
        );
    }
}

/// No character that XML 1.0 forbids or that is a noncharacter.
#[track_caller]
fn assert_clean(text: &str, file: &str) {
    for c in ['\u{1}', '\u{FFFE}'] {
        assert!(!text.contains(c), "{file} contains {:?}", c);
    }
}

fn absolute(url: &str, what: &str) {
    let parsed = Url::parse(url).unwrap_or_else(|e| panic!("{what}: {url:?} is not absolute: {e}"));
    assert!(
        matches!(parsed.scheme(), "http" | "https"),
        "{what}: {url} is not http(s)"
    );
}

fn language(lang: &str, what: &str) {
    let re = regex::Regex::new(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$").unwrap();
    assert!(re.is_match(lang), "{what}: {lang:?} is no language tag");
}

fn rfc822(text: &str, what: &str) {
    assert!(
        DateTime::parse_from_rfc2822(text.trim()).is_ok(),
        "{what}: {text:?} is not an RFC 822 date"
    );
}

fn rfc3339(text: &str, what: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text.trim())
        .unwrap_or_else(|e| panic!("{what}: {text:?} is not RFC 3339: {e}"))
        .to_utc()
}

/// The XML declaration, then the stylesheet instruction.
fn check_prolog(text: &str, file: &str) {
    let mut lines = text.lines();
    let declaration = lines.next().unwrap_or_default();
    assert!(
        declaration.starts_with("<?xml version=\"1.0\"") && declaration.ends_with("?>"),
        "{file}: first line is not an XML declaration: {declaration}"
    );
    let lowered = declaration.to_ascii_lowercase();
    assert!(
        !lowered.contains("encoding") || lowered.contains("encoding=\"utf-8\""),
        "{file}: declared encoding is not UTF-8: {declaration}"
    );
    assert_eq!(lines.next(), Some(STYLESHEET_PI), "{file}: second line");
}

/// RSS 2.0: well-formed, required elements, RFC 822 dates, absolute URLs, unique guids.
fn check_rss_validity(work: &Workdir, name: &str) {
    let file = format!("{name}.rss");
    let text = work.output_text(&file);
    check_prolog(&text, &file);
    let doc = xml(&text, &file);
    let rss = doc.root_element();
    assert_eq!(rss.tag_name().name(), "rss", "{file}");
    assert_eq!(rss.attribute("version"), Some("2.0"), "{file}");
    let channels: Vec<_> = children(rss, "channel").collect();
    assert_eq!(channels.len(), 1, "{file}: one channel");
    let channel = channels[0];
    for required in ["title", "link", "description"] {
        let element = child(channel, required)
            .unwrap_or_else(|| panic!("{file}: channel has no <{required}>"));
        assert!(
            !text_of(element).trim().is_empty(),
            "{file}: empty <{required}>"
        );
    }
    absolute(&text_of(child(channel, "link").unwrap()), &file);
    if let Some(lang) = child(channel, "language") {
        language(&text_of(lang), &file);
    }
    for date in ["pubDate", "lastBuildDate"] {
        if let Some(d) = child(channel, date) {
            rfc822(&text_of(d), &format!("{file} channel {date}"));
        }
    }
    let self_links: Vec<_> = channel
        .children()
        .filter(|n| n.tag_name().name() == "link" && n.tag_name().namespace() == Some(ATOM_NS))
        .filter(|n| n.attribute("rel") == Some("self"))
        .collect();
    assert_eq!(self_links.len(), 1, "{file}: one atom:link rel=self");
    assert_eq!(
        self_links[0].attribute("href"),
        Some(format!("{PUBLIC_BASE}{name}.rss").as_str()),
        "{file}: self link from base_url"
    );
    assert_eq!(self_links[0].attribute("type"), Some("application/rss+xml"));

    let mut guids = HashSet::new();
    let items: Vec<_> = children(channel, "item").collect();
    assert!(!items.is_empty(), "{file}: no items");
    for item in items {
        let what = format!("{file} item");
        assert!(
            child(item, "title").is_some() || child(item, "description").is_some(),
            "{what}: needs a title or a description"
        );
        let link = text_of(child(item, "link").expect("item link"));
        absolute(&link, &what);
        let guid = child(item, "guid").expect("item guid");
        let guid_text = text_of(guid);
        absolute(&guid_text, &what);
        assert_eq!(guid.attribute("isPermaLink"), Some("true"), "{what}");
        assert!(
            guids.insert(guid_text.clone()),
            "{file}: duplicate guid {guid_text}"
        );
        rfc822(
            &text_of(child(item, "pubDate").expect("item pubDate")),
            &format!("{what} {guid_text} pubDate"),
        );
        if let Some(enclosure) = child(item, "enclosure") {
            absolute(enclosure.attribute("url").expect("enclosure url"), &what);
            assert!(
                enclosure
                    .attribute("length")
                    .is_some_and(|l| l.parse::<u64>().is_ok()),
                "{what}: enclosure length"
            );
            assert!(
                enclosure
                    .attribute("type")
                    .is_some_and(|t| t.starts_with("image/")),
                "{what}: enclosure type"
            );
        }
        for media in item
            .children()
            .filter(|n| n.tag_name().namespace() == Some(MEDIA_NS))
        {
            absolute(media.attribute("url").expect("media:content url"), &what);
        }
        for category in children(item, "category") {
            assert!(
                !text_of(category).trim().is_empty(),
                "{what}: empty category"
            );
        }
    }
}

/// Atom 1.0: well-formed, required elements, RFC 3339 dates, absolute ids, unique ids.
fn check_atom_validity(work: &Workdir, name: &str) {
    let file = format!("{name}.atom");
    let text = work.output_text(&file);
    check_prolog(&text, &file);
    let doc = xml(&text, &file);
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed", "{file}");
    assert_eq!(
        feed.tag_name().namespace(),
        Some(ATOM_NS),
        "{file}: namespace"
    );
    let self_url = format!("{PUBLIC_BASE}{name}.atom");
    assert_eq!(
        child(feed, "id").map(text_of),
        Some(self_url.clone()),
        "{file}: feed id"
    );
    assert!(
        child(feed, "title").is_some_and(|t| !text_of(t).trim().is_empty()),
        "{file}: title"
    );
    let feed_updated = rfc3339(
        &text_of(child(feed, "updated").expect("feed updated")),
        &format!("{file} updated"),
    );
    let feed_has_author = child(feed, "author").is_some_and(|a| child(a, "name").is_some());
    let links: Vec<_> = children(feed, "link").collect();
    assert!(
        links.iter().any(|l| l.attribute("rel") == Some("self")
            && l.attribute("href") == Some(self_url.as_str())),
        "{file}: self link from base_url"
    );
    assert!(
        links
            .iter()
            .any(|l| l.attribute("rel") == Some("alternate")),
        "{file}: alternate link"
    );
    for link in &links {
        absolute(link.attribute("href").expect("link href"), &file);
    }
    if let Some(lang) = feed.attribute((XML_NS, "lang")) {
        language(lang, &file);
    }

    let mut ids = HashSet::new();
    let entries: Vec<_> = children(feed, "entry").collect();
    assert!(!entries.is_empty(), "{file}: no entries");
    for entry in entries {
        let id = text_of(child(entry, "id").expect("entry id"));
        let what = format!("{file} {id}");
        absolute(&id, &what);
        assert!(ids.insert(id.clone()), "{file}: duplicate id {id}");
        assert!(child(entry, "title").is_some(), "{what}: title");
        let updated = rfc3339(
            &text_of(child(entry, "updated").expect("entry updated")),
            &format!("{what} updated"),
        );
        let published = rfc3339(
            &text_of(child(entry, "published").expect("entry published")),
            &format!("{what} published"),
        );
        assert!(published <= updated, "{what}: published after updated");
        assert!(updated <= feed_updated, "{what}: updated after the feed");
        assert!(
            feed_has_author || child(entry, "author").is_some(),
            "{what}: no author"
        );
        let entry_links: Vec<_> = children(entry, "link").collect();
        assert!(
            entry_links
                .iter()
                .any(|l| l.attribute("rel") == Some("alternate")),
            "{what}: alternate link"
        );
        for link in entry_links {
            absolute(link.attribute("href").expect("link href"), &what);
        }
    }
}

/// JSON Feed 1.1: version, absolute feed_url from base_url, unique ids, RFC 3339 dates.
fn check_json_validity(work: &Workdir, name: &str) {
    let file = format!("{name}.json");
    let json = json(work, &file);
    assert_eq!(
        json["version"], "https://jsonfeed.org/version/1.1",
        "{file}"
    );
    assert!(json["title"].is_string(), "{file}: title");
    assert_eq!(
        json["feed_url"],
        format!("{PUBLIC_BASE}{name}.json"),
        "{file}"
    );
    absolute(
        json["home_page_url"].as_str().expect("home_page_url"),
        &file,
    );
    if let Some(lang) = json["language"].as_str() {
        language(lang, &file);
    }
    let mut ids = HashSet::new();
    for item in json["items"].as_array().expect("items") {
        let id = item["id"].as_str().expect("item id is a string");
        let what = format!("{file} {id}");
        assert!(ids.insert(id.to_string()), "{file}: duplicate id {id}");
        absolute(item["url"].as_str().expect("item url"), &what);
        rfc3339(
            item["date_published"].as_str().expect("date_published"),
            &what,
        );
        rfc3339(
            item["date_modified"].as_str().expect("date_modified"),
            &what,
        );
        if let Some(image) = item["image"].as_str() {
            absolute(image, &what);
        }
        if let Some(lang) = item["language"].as_str() {
            language(lang, &what);
        }
        assert!(
            item["content_text"].is_string() || item["content_html"].is_string(),
            "{what}: no content"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers: a small CSS cascade for feed.css

/// One `selector { display: ... }` rule: the selector as type names, `*` and `>` tokens.
struct DisplayRule {
    selector: Vec<String>,
    display: String,
}

/// The rules of `css` that set `display`, in order, one per selector of a list. Rules with
/// pseudo-classes or pseudo-elements (`:root`, `::before`) are left out: they do not decide
/// whether an element is shown.
fn css_display_rules(css: &str) -> Vec<DisplayRule> {
    let mut text = css.to_string();
    while let Some(start) = text.find("/*") {
        let end = text[start..]
            .find("*/")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "");
    }
    let mut rules = Vec::new();
    for block in text.split('}') {
        let Some((selectors, declarations)) = block.split_once('{') else {
            continue;
        };
        let display = declarations.split(';').find_map(|d| {
            let (name, value) = d.split_once(':')?;
            (name.trim() == "display").then(|| value.trim().to_string())
        });
        let Some(display) = display else { continue };
        for selector in selectors.split(',').map(str::trim) {
            if selector.contains(':') || selector.is_empty() {
                continue;
            }
            let selector = selector
                .replace('>', " > ")
                .split_whitespace()
                .map(String::from)
                .collect();
            rules.push(DisplayRule {
                selector,
                display: display.clone(),
            });
        }
    }
    rules
}

/// Whether `selector` matches the last element of `path` (element names from the root).
fn css_matches(selector: &[String], path: &[&str]) -> bool {
    let Some((last, rest)) = selector.split_last() else {
        return false;
    };
    let Some((element, ancestors)) = path.split_last() else {
        return false;
    };
    if last != "*" && last != element {
        return false;
    }
    match rest.split_last() {
        None => true,
        Some((combinator, before)) if combinator == ">" => css_matches(before, ancestors),
        Some(_) => (0..ancestors.len()).any(|i| css_matches(rest, &ancestors[..=i])),
    }
}

/// The `display` of the last element of `path`: the matching rule with the most type
/// selectors wins, the later of equals; XML elements are inline by default.
fn display(rules: &[DisplayRule], path: &[&str]) -> String {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| css_matches(&r.selector, path))
        .max_by_key(|(order, r)| {
            let specificity = r.selector.iter().filter(|t| *t != "*" && *t != ">").count();
            (specificity, *order)
        })
        .map_or_else(|| "inline".to_string(), |(_, r)| r.display.clone())
}

/// `text` with what varies between runs replaced: the loopback port and the version.
fn normalise(text: &str, server: &Server) -> String {
    let version = env!("CARGO_PKG_VERSION");
    text.replace(&server.base(), "http://127.0.0.1:PORT")
        .replace(&server.hostport(), "127.0.0.1:PORT")
        .replace(&format!("sitefeed {version}"), "sitefeed VERSION")
        .replace(&format!("version=\"{version}\""), "version=\"VERSION\"")
}

/// The first line where `actual` departs from `expected`, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for line in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (Some(e), Some(a)) if e == a => continue,
            (None, None) => return Some("line endings differ".into()),
            (e, a) => {
                return Some(format!(
                    "line {line}\n  expected: {}\n  actual:   {}",
                    e.unwrap_or("<end of file>"),
                    a.unwrap_or("<end of file>")
                ))
            }
        }
    }
    unreachable!()
}
