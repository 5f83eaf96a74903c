use super::context::line_column;
use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("conf/feeds.toml"))
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

const MINIMAL: &str = "base_url = \"https://feeds.example.org/f\"\n[[feed]]\nname = \"world\"\nurl = \"https://example.com/world/\"\n";

#[test]
fn minimal_config_gets_defaults_and_paths_relative_to_the_file() {
    let config = parse(MINIMAL).unwrap();
    assert_eq!(
        config.output_dir,
        crate::output::OutputDir::Local("conf/output".into())
    );
    assert_eq!(config.cache_control, DEFAULT_CACHE_CONTROL);
    assert_eq!(config.state, Path::new("conf/sitefeed.db"));
    assert_eq!(config.base_url.as_str(), "https://feeds.example.org/f/");
    assert_eq!(config.fetch.delay, DEFAULT_DELAY);
    assert!(config.fetch.user_agent.starts_with("sitefeed/"));
    let feed = &config.feeds[0];
    assert_eq!(feed.max_items, DEFAULT_MAX_ITEMS);
    assert_eq!(feed.urls[0].as_str(), "https://example.com/world/");
    assert!(feed.rules.selector.is_none() && feed.rules.pattern.is_none());
}

#[test]
fn feed_settings_override_global_ones() {
    let config = parse(
        "base_url = \"https://f.example/\"\ndelay = \"250ms\"\nmax_items = 20\ntimezone = \"UTC\"\n\
         [[feed]]\nname = \"a\"\nurls = [\"https://e.com/a/\", \"https://e.com/b/\"]\nmax_items = 5\n\
         timezone = \"Europe/Moscow\"\narticle_selector = \"a.list__title\"\narticle_pattern = '^/\\d{8}/'\n\
         [[feed]]\nname = \"b\"\nurl = \"https://e.com/c/\"\n",
    )
    .unwrap();
    assert_eq!(config.fetch.delay, Duration::from_millis(250));
    assert_eq!(config.feeds[0].urls.len(), 2);
    assert_eq!(config.feeds[0].max_items, 5);
    assert_eq!(config.feeds[0].timezone, Some(chrono_tz::Europe::Moscow));
    assert!(config.feeds[0].rules.selector.is_some());
    assert!(config.feeds[0].rules.pattern.is_some());
    assert_eq!(config.feeds[1].max_items, 20);
    assert_eq!(config.feeds[1].timezone, Some(chrono_tz::UTC));
}

#[test]
fn unknown_key_names_file_line_and_column() {
    let message = err(&format!("{MINIMAL}colour = \"red\"\n"));
    assert!(message.starts_with("conf/feeds.toml:5:1: "), "{message}");
    assert!(message.contains("colour"), "{message}");
    assert!(!message.contains('\n'));
}

#[test]
fn syntax_error_is_one_line_with_position() {
    let message = err("base_url = \n");
    assert!(message.starts_with("conf/feeds.toml:1:"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn missing_url_is_an_error_at_the_feed() {
    let message = err("base_url = \"https://f.example/\"\n[[feed]]\nname = \"a\"\n");
    assert!(
        message.contains("conf/feeds.toml:2:1: feed \"a\": missing `url`"),
        "{message}"
    );
}

#[test]
fn non_http_url_is_refused() {
    let message =
        err("base_url = \"https://f.example/\"\n[[feed]]\nname = \"a\"\nurl = \"ftp://e.com/\"\n");
    assert!(
        message.contains(":4:7: `url` \"ftp://e.com/\" is not an http(s) URL"),
        "{message}"
    );
}

#[test]
fn unsafe_and_duplicate_names_are_refused() {
    for name in ["../etc", "a/b", "..", ".hidden", "", "a\\\\b"] {
        let message = err(&format!(
            "base_url = \"https://f.example/\"\n[[feed]]\nname = \"{name}\"\nurl = \"https://e.com/\"\n"
        ));
        assert!(message.contains(":3:8: feed name"), "{name}: {message}");
    }
    let message = err(&format!(
        "{MINIMAL}[[feed]]\nname = \"World\"\nurl = \"https://e.com/\"\n"
    ));
    assert!(
        message.contains(":6:8: duplicate feed name \"World\""),
        "{message}"
    );
}

#[test]
fn bad_values_are_refused_with_their_position() {
    let cases = [
        ("delay = \"soon\"\n", "`delay` \"soon\" is not a duration"),
        ("timezone = \"Mars/Olympus\"\n", "is not an IANA time zone"),
        ("max_items = 0\n", "`max_items` must be between"),
        ("max_body_size = 10\n", "max_body_size must be at least"),
    ];
    for (line, expected) in cases {
        let message = err(&format!("{line}{MINIMAL}"));
        assert!(message.starts_with("conf/feeds.toml:1:"), "{message}");
        assert!(message.contains(expected), "{message}");
    }
    let message = err(&format!("{MINIMAL}article_selector = \"a[[\"\n"));
    assert!(
        message.ends_with("article_selector \"a[[\" is not a valid CSS selector (no qualified name in attribute selector)"),
        "{message}"
    );
    let message = err(&format!("{MINIMAL}article_pattern = \"(x\"\n"));
    assert!(
        message.ends_with("article_pattern is not a valid regex: unclosed group"),
        "{message}"
    );
    let message = err(&format!("{MINIMAL}article_selector = \"a[\"\n"));
    assert!(
        message.contains(":5:20: feed \"world\": article_selector \"a[\" is not a valid CSS selector (end of line)"),
        "{message}"
    );
    let message = err(&format!("{MINIMAL}article_pattern = \"(\"\n"));
    assert!(
        message.contains(":5:19: feed \"world\": article_pattern is not a valid regex"),
        "{message}"
    );
}

#[test]
fn selection_and_formats_are_read() {
    let config = parse(&format!(
        "{MINIMAL}formats = [\"json\", \"rss\"]\ninclude = ['(?i)china']\nexclude = ['opinion']\n\
         max_age = \"30d\"\npages = 3\nnext_selector = \"a.more\"\n"
    ))
    .unwrap();
    let feed = &config.feeds[0];
    assert_eq!(feed.formats, [Format::Rss, Format::Json]);
    assert_eq!(feed.filter.include.len(), 1);
    assert_eq!(feed.filter.exclude.len(), 1);
    assert_eq!(feed.filter.max_age, Some(Duration::from_secs(30 * 86400)));
    assert_eq!(feed.pages, 3);
    assert!(feed.rules.next_selector.is_some());
    assert_eq!(parse(MINIMAL).unwrap().feeds[0].formats, Format::ALL);
    let message = err(&format!("{MINIMAL}formats = [\"rdf\"]\n"));
    assert!(
        message.contains(":5:12: feed \"world\": unknown format \"rdf\""),
        "{message}"
    );
    let message = err(&format!("{MINIMAL}pages = 0\n"));
    assert!(
        message.contains(":5:9: feed \"world\": `pages` must be between"),
        "{message}"
    );
    let message = err(&format!("{MINIMAL}exclude = ['(']\n"));
    assert!(
        message.contains(":5:12: feed \"world\": exclude is not a valid regex"),
        "{message}"
    );
}

#[test]
fn base_url_is_required() {
    let message = err("[[feed]]\nname = \"a\"\nurl = \"https://e.com/\"\n");
    assert!(message.contains("missing key `base_url`"), "{message}");
}

#[test]
fn durations_parse_in_the_documented_forms() {
    assert_eq!(parse_duration("0"), Some(Duration::ZERO));
    assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
    assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
    assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
    assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
    assert_eq!(parse_duration("fast"), None);
}

#[test]
fn shipped_config_loads() {
    let config = Config::parse(include_str!("../../feeds.toml"), Path::new("feeds.toml")).unwrap();
    let names: Vec<_> = config.feeds.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sputnik-world",
            "sputnik-americas",
            "sputnik-russia",
            "sputnik-economy",
            "sputnik-military",
            "sputnik-science"
        ]
    );
    assert!(config
        .feeds
        .iter()
        .all(|f| f.urls[0].host_str() == Some("sputnikglobe.com")));
}

#[test]
fn line_column_counts_characters() {
    assert_eq!(line_column("ab\ncd", 4), (2, 2));
    assert_eq!(line_column("é\nx", 3), (2, 1));
}

#[test]
fn state_may_hold_the_shard_placeholder_and_no_other() {
    let config = parse(&format!("state = \"state/s-{{shard}}.db\"\n{MINIMAL}")).unwrap();
    assert_eq!(config.state_template, Path::new("conf/state/s-{shard}.db"));
    assert_eq!(config.state, Path::new("conf/state/s-0.db"));
    let e = err(&format!("state = \"s-{{shrad}}.db\"\n{MINIMAL}"));
    assert!(
        e.starts_with(
            "conf/feeds.toml:1:9: `state` \"s-{shrad}.db\": the only placeholder is {shard}"
        ),
        "{e}"
    );
}

#[test]
fn output_dir_and_state_folder_must_be_able_to_be_directories() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blocker"), "a file\n").unwrap();
    let path = dir.path().join("feeds.toml");
    let parse_here = |text: &str| Config::parse(text, &path).map(|_| ());
    let e = parse_here(&format!("output_dir = \"blocker/out\"\n{MINIMAL}"))
        .unwrap_err()
        .to_string();
    assert!(e.contains(":1:14: `output_dir` "), "{e}");
    assert!(e.contains("blocker/out: cannot be a directory"), "{e}");
    let e = parse_here(&format!("output_dir = \"blocker\"\n{MINIMAL}"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("is a file, not a directory"), "{e}");
    let e = parse_here(&format!("state = \"blocker/s.db\"\n{MINIMAL}"))
        .unwrap_err()
        .to_string();
    assert!(e.contains(":1:9: `state` "), "{e}");
    // Folders that do not exist yet are fine: run creates them.
    parse_here(&format!(
        "output_dir = \"new/out\"\nstate = \"new/state/s.db\"\n{MINIMAL}"
    ))
    .unwrap();
}

#[test]
fn output_dir_may_be_object_storage_with_cache_control() {
    let with = |head: &str| parse(&format!("{head}\n{MINIMAL}"));
    for url in [
        "s3://bucket/prefix",
        "gs://bucket",
        "az://container/feeds/",
        "file:///srv/feeds",
    ] {
        let config = with(&format!("output_dir = \"{url}\"")).unwrap();
        assert_eq!(
            config.output_dir,
            crate::output::OutputDir::Objects(Url::parse(url).unwrap()),
            "{url}"
        );
    }
    let config = with("output_dir = \"s3://b/p\"\ncache_control = \"public, max-age=60\"").unwrap();
    assert_eq!(config.cache_control, "public, max-age=60");

    let refused = |head: &str| with(head).unwrap_err().to_string();
    let http = refused("output_dir = \"https://bucket.example/p\"");
    assert_eq!(
        http,
        "conf/feeds.toml:1:14: `output_dir` \"https://bucket.example/p\": object storage URLs start with s3://, gs://, az://, file://"
    );
    assert!(
        refused("output_dir = \"s3:///prefix\"").contains("names no bucket"),
        "{}",
        refused("output_dir = \"s3:///prefix\"")
    );
    assert!(refused("output_dir = \"s3://key:secret@b/p\"").contains("has credentials"));
    assert!(refused("output_dir = \"s3://b/p?region=x\"").contains("query"));
    let local = refused("cache_control = \"max-age=60\"");
    assert!(
        local.starts_with("conf/feeds.toml:1:17: `cache_control` applies to object storage only"),
        "{local}"
    );
    let header =
        refused("output_dir = \"s3://b/p\"\ncache_control = \"max-age=60\\r\\nX-Evil: 1\"");
    assert!(
        header.starts_with("conf/feeds.toml:2:17: `cache_control` must be printable ASCII"),
        "{header}"
    );
}
