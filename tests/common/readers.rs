//! Real feed readers run on the feeds sitefeed wrote: Python's `feedparser` (what most
//! Python readers and many web services parse with) and `newsboat` (a terminal reader on
//! libxml2). Each is skipped with a note where it is not installed, except under CI
//! (`CI` set), where `.ci/run` installs both and a missing one is a failure.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{Response, Server, Workdir};

const FEEDPARSER: &str = r#"
import json, sys
import feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": d.bozo,
    "error": str(d.get("bozo_exception", "")),
    "version": d.version,
    "entries": [{
        "link": e.get("link"),
        "summary": e.get("summary"),
        "content": [c.get("value") for c in e.get("content", [])],
    } for e in d.entries],
}))
"#;

/// `output/<file>` as feedparser reads it: `bozo`, `error`, `version` and per entry its
/// `link`, `summary` and `content` values. `None` when feedparser is not installed.
pub fn feedparser(work: &Workdir, file: &str) -> Option<Value> {
    let importable = super::runs("python3", &["-c", "import feedparser"]);
    if !super::required("feedparser", importable, "pip install feedparser") {
        return None;
    }
    let out = Command::new("python3")
        .args(["-c", FEEDPARSER])
        .arg(work.output_path(file))
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "feedparser failed on {file}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the script prints JSON"))
}

/// One stored item of newsboat's cache.
#[derive(Debug)]
pub struct NewsboatItem {
    pub url: String,
    pub content: String,
}

/// Has newsboat fetch `output/<file>` (served at `/newsboat/<file>` on `server`) into a
/// cache of its own, and returns the items it stored with their content and what it wrote on
/// stderr. `None` when newsboat is not installed.
pub fn newsboat(
    server: &Server,
    work: &Workdir,
    file: &str,
) -> Option<(Vec<NewsboatItem>, String)> {
    let found = super::runs("newsboat", &["--version"]);
    if !super::required("newsboat", found, "apt-get install newsboat") {
        return None;
    }
    let media = if file.ends_with(".atom") {
        "application/atom+xml"
    } else {
        "application/rss+xml"
    };
    let path = format!("/newsboat/{file}");
    server.route(&path, Response::ok(media, work.output(file)));
    let home = tempfile::tempdir().expect("newsboat home");
    let urls = home.path().join("urls");
    std::fs::write(&urls, format!("{}\n", server.url(&path))).expect("write urls");
    let conf = home.path().join("config");
    std::fs::write(&conf, "download-timeout 20\nreload-threads 1\n").expect("write config");
    let cache = home.path().join("cache.db");
    let out = Command::new("newsboat")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("http_proxy")
        .env_remove("HTTP_PROXY")
        .arg("-u")
        .arg(&urls)
        .arg("-C")
        .arg(&conf)
        .arg("-c")
        .arg(&cache)
        .args(["-x", "reload"])
        .output()
        .expect("run newsboat");
    let stderr =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "newsboat -x reload failed: {stderr}");
    Some((cached_items(&cache), stderr))
}

fn cached_items(cache: &Path) -> Vec<NewsboatItem> {
    let conn = rusqlite::Connection::open(cache).expect("open newsboat's cache");
    let mut statement = conn
        .prepare("SELECT url, content FROM rss_item ORDER BY id")
        .expect("newsboat's cache has rss_item");
    statement
        .query_map([], |row| {
            Ok(NewsboatItem {
                url: row.get(0)?,
                content: row.get(1)?,
            })
        })
        .expect("query newsboat's cache")
        .collect::<Result<_, _>>()
        .expect("read newsboat's cache")
}
