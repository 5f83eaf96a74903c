//! Broken configs: each makes both `sitefeed check` and `sitefeed run` exit 2 with exactly one
//! line on stderr, `sitefeed: FILE:LINE:COL: MESSAGE` (no position where none applies), and
//! neither fetches anything. The messages are pinned: they are the user interface of a typo.

mod common;

use common::{Server, Workdir};

/// A valid top and feed, to break one thing at a time. `{{BASE}}` is the fixture server, so a
/// config error that slipped through would show up as a request.
const TOP: &str = "base_url = \"https://feeds.example.org/\"\n";
const FEED: &str = "[[feed]]\nname = \"world\"\nurl = \"{{BASE}}/world/\"\n";

/// What the one stderr line must be.
enum Line {
    /// Exactly `sitefeed: FILE:POSITION: MESSAGE`.
    Exact(&'static str, &'static str),
    /// `sitefeed: FILE:POSITION: ` followed by a message starting with this.
    Prefix(&'static str, &'static str),
    /// `sitefeed: FILE: MESSAGE` (nothing to point at).
    NoPosition(&'static str),
}

struct Case {
    name: &'static str,
    toml: String,
    line: Line,
}

fn case(name: &'static str, toml: impl Into<String>, line: Line) -> Case {
    Case {
        name,
        toml: toml.into(),
        line,
    }
}

fn cases() -> Vec<Case> {
    use Line::*;
    vec![
        case(
            "syntax error",
            format!("{TOP}[[feed]\nname = \"w\"\n"),
            Exact("2:8", "unclosed array table, expected `]`"),
        ),
        case(
            "unknown key",
            format!("{TOP}colour = \"red\"\n{FEED}"),
            Prefix("2:1", "unknown key `colour`; the keys here are `output_dir`, "),
        ),
        case(
            "misspelt key",
            format!("{TOP}dealy = \"1s\"\n{FEED}"),
            Exact("2:1", "unknown key `dealy` (did you mean `delay`?)"),
        ),
        case(
            "wrong type",
            format!("{TOP}max_items = \"ten\"\n{FEED}"),
            Exact("2:13", "`max_items` must be a number, got \"ten\""),
        ),
        case(
            "negative count",
            format!("{TOP}retries = -1\n{FEED}"),
            Exact("2:11", "`retries` must be a number from 0 up, got -1"),
        ),
        case(
            "list given as a string",
            format!("{TOP}{FEED}allowed_hosts = \"e.com\"\n"),
            Exact(
                "5:17",
                "`allowed_hosts` must be a list, like [\"a\", \"b\"], got \"e.com\"",
            ),
        ),
        case(
            "bad URL",
            format!("{TOP}[[feed]]\nname = \"w\"\nurl = \"not a url\"\n"),
            Exact(
                "4:7",
                "`url` \"not a url\" is not a URL: relative URL without a base",
            ),
        ),
        case(
            "non-http URL",
            format!("{TOP}[[feed]]\nname = \"w\"\nurl = \"file:///etc/passwd\"\n"),
            Exact(
                "4:7",
                "`url` \"file:///etc/passwd\" is not an http(s) URL with a host",
            ),
        ),
        case(
            "ftp URL in urls",
            format!("{TOP}[[feed]]\nname = \"w\"\nurls = [\"{{{{BASE}}}}/a/\", \"ftp://e.com/\"]\n"),
            Prefix("4:", "`urls` \"ftp://e.com/\" is not an http(s) URL with a host"),
        ),
        case(
            "relative base_url",
            format!("base_url = \"feeds/\"\n{FEED}"),
            Exact(
                "1:12",
                "`base_url` \"feeds/\" is not a URL: relative URL without a base",
            ),
        ),
        case(
            "bad regex",
            format!("{TOP}{FEED}article_pattern = \"([\"\n"),
            Exact(
                "5:19",
                "feed \"world\": article_pattern is not a valid regex: unclosed character class",
            ),
        ),
        case(
            "bad exclude regex",
            format!("{TOP}{FEED}exclude = ['(']\n"),
            Exact(
                "5:12",
                "feed \"world\": exclude is not a valid regex: unclosed group",
            ),
        ),
        case(
            "bad selector",
            format!("{TOP}{FEED}article_selector = \"a[[\"\n"),
            Exact(
                "5:20",
                "feed \"world\": article_selector \"a[[\" is not a valid CSS selector (no qualified name in attribute selector)",
            ),
        ),
        case(
            "bad duration",
            format!("{TOP}timeout = \"soon\"\n{FEED}"),
            Exact(
                "2:11",
                "`timeout` \"soon\" is not a duration (write it like \"500ms\", \"1s\", \"15m\", \"2h\")",
            ),
        ),
        case(
            "zero timeout",
            format!("{TOP}timeout = \"0s\"\n{FEED}"),
            Exact("2:11", "`timeout` must be above zero"),
        ),
        case(
            "duplicate name",
            format!("{TOP}{FEED}{}", FEED.replace("world", "World")),
            Exact("6:8", "duplicate feed name \"World\""),
        ),
        case(
            "unsafe name with ..",
            format!("{TOP}[[feed]]\nname = \"../escape\"\nurl = \"{{{{BASE}}}}/w/\"\n"),
            Exact(
                "3:8",
                "feed name \"../escape\" is not safe as a file name (use letters, digits, '-', '_' and '.', not starting with '.')",
            ),
        ),
        case(
            "unsafe name with /",
            format!("{TOP}[[feed]]\nname = \"a/b\"\nurl = \"{{{{BASE}}}}/w/\"\n"),
            Exact(
                "3:8",
                "feed name \"a/b\" is not safe as a file name (use letters, digits, '-', '_' and '.', not starting with '.')",
            ),
        ),
        case(
            "hidden name",
            format!("{TOP}[[feed]]\nname = \".htaccess\"\nurl = \"{{{{BASE}}}}/w/\"\n"),
            Prefix("3:8", "feed name \".htaccess\" is not safe as a file name"),
        ),
        case(
            "missing url",
            format!("{TOP}[[feed]]\nname = \"w\"\n"),
            Exact("2:1", "feed \"w\": missing `url` (the section page to read)"),
        ),
        case(
            "empty urls",
            format!("{TOP}[[feed]]\nname = \"w\"\nurls = []\n"),
            Exact("4:8", "feed \"w\": `urls` is empty"),
        ),
        case(
            "url and urls",
            format!("{TOP}{FEED}urls = [\"{{{{BASE}}}}/x/\"]\n"),
            Exact("4:7", "feed \"world\": give `url` or `urls`, not both"),
        ),
        case(
            "bad timezone",
            format!("{TOP}timezone = \"Mars/Olympus\"\n{FEED}"),
            Exact(
                "2:12",
                "`timezone` \"Mars/Olympus\" is not an IANA time zone (like \"Europe/Moscow\" or \"UTC\")",
            ),
        ),
        case(
            "max_items 0",
            format!("{TOP}{FEED}max_items = 0\n"),
            Exact("5:13", "`max_items` must be between 1 and 10000"),
        ),
        case(
            "unknown format",
            format!("{TOP}{FEED}formats = [\"rss\", \"rdf\"]\n"),
            Exact(
                "5:19",
                "feed \"world\": unknown format \"rdf\" (use \"rss\", \"atom\", \"json\")",
            ),
        ),
        case(
            "max_body_size too small",
            format!("{TOP}max_body_size = 10\n{FEED}"),
            Exact("2:17", "max_body_size must be at least 1024 bytes"),
        ),
        case(
            "max_redirects too large",
            format!("{TOP}max_redirects = 99\n{FEED}"),
            Exact("2:17", "`max_redirects` must be at most 30"),
        ),
        case(
            "empty output_dir",
            format!("output_dir = \"\"\n{TOP}{FEED}"),
            Exact("1:14", "`output_dir` is empty"),
        ),
        case(
            "missing base_url",
            FEED,
            Exact(
                "1:1",
                "missing key `base_url` (the public URL where output_dir is hosted)",
            ),
        ),
        case("no feed", TOP, NoPosition("no [[feed]] is configured")),
    ]
}

/// Runs `check` and `run` on `case` and asserts exit 2 and the one pinned line for both.
/// Returns a description of each mismatch instead of stopping at the first.
fn failures_of(case: &Case) -> Vec<String> {
    let server = Server::start();
    let work = Workdir::new();
    let path = work.write_config(&common::site::fill(&case.toml, &server));
    let path = path.display().to_string();
    let mut failures = Vec::new();
    for command in ["check", "run"] {
        let outcome = work.sitefeed(&[command, "--config", &path]);
        let stderr = outcome.stderr.trim_end();
        let ok_line = match &case.line {
            Line::Exact(at, message) => stderr == format!("sitefeed: {path}:{at}: {message}"),
            Line::Prefix(at, message) => {
                stderr.starts_with(&format!("sitefeed: {path}:{at}"))
                    && stderr.contains(&format!(": {message}"))
            }
            Line::NoPosition(message) => stderr == format!("sitefeed: {path}: {message}"),
        };
        if outcome.code != Some(2) || !ok_line || stderr.lines().count() != 1 {
            failures.push(format!(
                "{} / {command}: exit {:?}, stderr ({} lines):\n{stderr}",
                case.name,
                outcome.code,
                stderr.lines().count()
            ));
        }
    }
    if !server.requests().is_empty() {
        failures.push(format!(
            "{}: requests were sent: {:?}",
            case.name,
            server.paths()
        ));
    }
    failures
}

#[test]
fn every_broken_config_exits_2_with_one_pinned_line_for_check_and_run() {
    let cases = cases();
    assert!(cases.len() >= 15);
    let failures: Vec<String> = cases.iter().flat_map(failures_of).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len() * 2,
        failures.join("\n\n")
    );
}

#[test]
fn missing_config_file_exits_2() {
    let work = Workdir::new();
    let path = work.config_path().display().to_string();
    for command in ["check", "run"] {
        let outcome = work.sitefeed(&[command, "--config", &path]);
        outcome.assert_code(2);
        assert_eq!(
            outcome.stderr.trim_end(),
            format!(
                "sitefeed: {path}: cannot read the config file: No such file or directory (os error 2)"
            )
        );
    }
}

/// An `output_dir` that cannot exist (its parent is a regular file): `check` says so with the
/// line and column, and `run` treats it as the configuration error it is: exit 2, one line
/// naming `output_dir` and the path, nothing fetched.
#[test]
fn output_dir_under_a_regular_file_is_a_config_error_for_check_and_run() {
    let server = Server::start();
    let work = Workdir::new();
    work.write("blocker", "a regular file\n");
    let path = work.write_config(&common::site::fill(
        &format!("output_dir = \"blocker/output\"\n{TOP}{FEED}respect_robots = false\n"),
        &server,
    ));
    let check = work.check();
    check.assert_code(2);
    assert!(
        check.stderr.contains(":1:14: `output_dir`") && check.stderr.contains("blocker"),
        "{}",
        check.stderr
    );
    let outcome = work.run();
    let stderr = outcome.stderr.trim_end();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("output_dir") && stderr.contains("blocker/output"),
        "{stderr}"
    );
    assert!(
        server.requests().is_empty(),
        "run fetched with an unusable output_dir"
    );
    assert_eq!(
        outcome.code,
        Some(2),
        "{} with an unusable output_dir: {stderr}",
        path.display()
    );
}
