//! What a new user meets first: the help, `-c` before the command, `run -v`, completions, the
//! man page, and a site index that never links to a feed that was not written.

mod common;

use common::server::Response;
use common::site::{serve_sputnik, THREE_SECTIONS};
use common::{Server, Workdir};

#[test]
fn help_names_every_format() {
    let work = Workdir::new();
    let outcome = work.sitefeed(&["--help"]);
    outcome.assert_code(0);
    for format in ["RSS 2.0", "Atom", "JSON Feed"] {
        assert!(outcome.stdout.contains(format), "{}", outcome.stdout);
    }
}

#[test]
fn config_flag_works_before_and_after_the_command() {
    let server = Server::start();
    let work = Workdir::new();
    work.write("elsewhere.toml", &common::config(&server, THREE_SECTIONS));
    for args in [
        ["-c", "elsewhere.toml", "check"],
        ["check", "--config", "elsewhere.toml"],
    ] {
        let outcome = work.sitefeed(&args);
        outcome.assert_code(0);
        assert!(
            outcome
                .stdout
                .trim_end()
                .ends_with("elsewhere.toml: ok, 3 feeds"),
            "{args:?}: {}",
            outcome.stdout
        );
    }
    // Without the flag the default feeds.toml is read, and its absence is the error.
    let outcome = work.sitefeed(&["check"]);
    outcome.assert_code(2);
    assert!(outcome.stderr.contains("feeds.toml"), "{}", outcome.stderr);
}

#[test]
fn run_verbose_prints_a_line_per_feed_with_agreeing_numbers() {
    let server = Server::start();
    serve_sputnik(&server);
    let work = Workdir::new();
    work.write_config(&common::config(&server, THREE_SECTIONS));
    let config = work.config_path();
    let outcome = work.sitefeed(&["-v", "run", "--config", config.to_str().unwrap()]);
    outcome.assert_code(0);
    for name in ["world", "russia", "economy"] {
        let line = outcome
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("sitefeed: feed {name}: ")))
            .unwrap_or_else(|| panic!("no line for {name}: {}", outcome.stderr));
        assert!(line.ends_with(", written"), "{line}");
    }
    let summary = outcome.stderr.lines().last().unwrap();
    assert!(
        summary.starts_with("sitefeed: 3 feeds (3 changed), "),
        "{summary}"
    );
    assert!(!summary.contains("1 failures"), "{summary}");
    assert!(summary.contains(", 0 failures,"), "{summary}");
}

#[test]
fn completions_and_man_page_are_printed() {
    let work = Workdir::new();
    for shell in ["bash", "zsh", "fish"] {
        let outcome = work.sitefeed(&["completions", shell]);
        outcome.assert_code(0);
        assert!(
            outcome.stdout.contains("sitefeed") && outcome.stdout.contains("probe"),
            "{shell}: {}",
            outcome.stdout
        );
    }
    let outcome = work.sitefeed(&["completions", "tcsh"]);
    outcome.assert_code(2);
    let man = work.sitefeed(&["man"]);
    man.assert_code(0);
    assert!(man.stdout.starts_with(".ie") || man.stdout.contains(".TH sitefeed 1"));
    assert!(man.stdout.contains("JSON Feed"), "{}", man.stdout);
}

/// A feed whose first run failed has no files; the index and the OPML must not send readers to
/// them. Once it succeeds it is listed.
#[test]
fn site_index_lists_only_feeds_that_were_written() {
    let server = Server::start();
    serve_sputnik(&server);
    server.route("/gone/", Response::status(404));
    let work = Workdir::new();
    let feeds =
        format!("{THREE_SECTIONS}\n[[feed]]\nname = \"gone\"\nurl = \"{{{{BASE}}}}/gone/\"\n");
    work.write_config(&common::config(&server, &feeds));
    work.run().assert_code(1);
    assert!(!work.output_path("gone.rss").exists());
    let opml = work.output_text("feeds.opml");
    let index = work.output_text("index.html");
    assert!(!opml.contains("gone."), "{opml}");
    assert!(!index.contains("gone."), "{index}");
    assert!(opml.contains("world.rss") && index.contains("world.rss"));
    assert!(index.contains(">3 feeds. "), "{index}");

    server.route(
        "/gone/",
        common::site::page(&server, "site/world/index.html"),
    );
    work.run().assert_code(0);
    assert!(work.output_path("gone.rss").exists());
    assert!(work.output_text("feeds.opml").contains("gone.rss"));
    assert!(work.output_text("index.html").contains(">4 feeds. "));
}
