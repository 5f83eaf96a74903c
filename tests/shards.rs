//! Shards, end to end: `run --shard K/N` runs only the feeds whose host hashes to K, each
//! shard with its own store, and the merge (the last step of every shard run, or `sitefeed
//! publish`) lists every feed whatever shard wrote it.
//!
//! Two fixture hosts stand in for two sites: 127.0.0.1 hashes to shard 0 of 2 and 127.0.0.2
//! to shard 1 (pinned by the unit tests in `src/shard.rs`).

mod common;

use std::process::Command;

use common::synth::*;
use common::{Outcome, Server, Workdir};

const SHARDED_STATE: &str = "\"state/sitefeed-{shard}.db\"";

/// Feeds `alpha` and `gamma` on 127.0.0.1 (shard 0), `beta` on 127.0.0.2 (shard 1).
fn staged(state: &str) -> (Server, Server, Workdir) {
    let one = Server::start_on("127.0.0.1");
    let two = Server::start_on("127.0.0.2");
    serve_section(&one, "alpha", &[1, 2]);
    serve_section(&one, "gamma", &[1]);
    serve_section(&two, "beta", &[1, 2, 3]);
    let beta = feed_block("beta", "").replace("{{BASE}}", &two.base());
    let feeds = format!(
        "{FAST}{}{}{beta}",
        feed_block("alpha", ""),
        feed_block("gamma", "")
    );
    let work = Workdir::new();
    work.write_config(&common::config_with(&one, &[("state", state)], &feeds));
    (one, two, work)
}

/// The binary with `args` and `JOB_COMPLETION_INDEX` set to `index` (or removed).
fn sitefeed_with_index(work: &Workdir, args: &[&str], index: Option<&str>) -> Outcome {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sitefeed"));
    command
        .args(args)
        .current_dir(work.path())
        .env_remove("RUST_LOG")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env("NO_PROXY", "127.0.0.1,127.0.0.2,localhost");
    match index {
        Some(value) => command.env("JOB_COMPLETION_INDEX", value),
        None => command.env_remove("JOB_COMPLETION_INDEX"),
    };
    let output = command.output().expect("run sitefeed");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn status_feeds(work: &Workdir, file: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&work.output(file)).unwrap();
    json["feeds"].as_object().unwrap().keys().cloned().collect()
}

fn opml_outlines(work: &Workdir) -> Vec<String> {
    let text = work.output_text("feeds.opml");
    let doc = roxmltree::Document::parse(&text).expect("feeds.opml parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("outline"))
        .map(|n| n.attribute("xmlUrl").unwrap_or_default().to_string())
        .collect()
}

#[test]
fn two_shards_write_disjoint_feeds_and_the_merge_lists_all() {
    let (one, two, work) = staged(SHARDED_STATE);

    work.run_with(&["--shard", "0/2"]).assert_code(0);
    assert!(two.requests().is_empty(), "shard 0 asked shard 1's host");
    assert!(!one.requests().is_empty());
    let files = work.output_files();
    for name in ["alpha.rss", "gamma.atom", "status-0.json", "index.html"] {
        assert!(
            files.contains(&name.to_string()),
            "{name} missing: {files:?}"
        );
    }
    assert!(!files.iter().any(|f| f.starts_with("beta.")), "{files:?}");
    assert_eq!(status_feeds(&work, "status-0.json"), ["alpha", "gamma"]);
    // Shard 1 has not run: its feed is in status.json (never attempted) but not listed.
    let index = work.output_text("index.html");
    assert!(
        index.contains("alpha.rss") && !index.contains("beta.rss"),
        "{index}"
    );
    assert_eq!(opml_outlines(&work).len(), 2);
    one.clear_requests();

    // Shard 1 as a Kubernetes Indexed Job pod sees it: `/2` and JOB_COMPLETION_INDEX=1.
    let config = work.config_path();
    let out = sitefeed_with_index(
        &work,
        &["run", "--config", config.to_str().unwrap(), "--shard", "/2"],
        Some("1"),
    );
    out.assert_code(0);
    assert!(one.requests().is_empty(), "shard 1 asked shard 0's host");
    assert_eq!(
        unique_ids(&work.feed("beta.rss"), "beta.rss"),
        article_urls(&two, "beta", &[1, 2, 3])
    );
    assert_eq!(status_feeds(&work, "status-1.json"), ["beta"]);
    assert!(work.path().join("state/sitefeed-0.db").is_file());
    assert!(work.path().join("state/sitefeed-1.db").is_file());
    assert!(!work.path().join("state/sitefeed-{shard}.db").exists());

    let index = work.output_text("index.html");
    for file in ["alpha.rss", "gamma.rss", "beta.rss"] {
        assert!(
            index.contains(&format!("href=\"{file}\"")),
            "{file}: {index}"
        );
    }
    let outlines = opml_outlines(&work);
    assert_eq!(outlines.len(), 3, "{outlines:?}");
    assert!(outlines.iter().any(|u| u.ends_with("/beta.rss")));
    assert_eq!(
        status_feeds(&work, "status.json"),
        ["alpha", "beta", "gamma"]
    );
    let status: serde_json::Value = serde_json::from_slice(&work.output("status.json")).unwrap();
    for feed in ["alpha", "beta", "gamma"] {
        assert!(
            status["feeds"][feed]["last_success"].is_string(),
            "{feed}: {status}"
        );
    }
    assert_eq!(status["feeds"]["beta"]["entries"], 3);
}

#[test]
fn publish_rebuilds_the_site_files_from_the_shard_files() {
    let (_one, _two, work) = staged(SHARDED_STATE);
    work.run_with(&["--shard", "0/2"]).assert_code(0);
    work.run_with(&["--shard", "1/2"]).assert_code(0);
    std::fs::remove_file(work.output_path("index.html")).unwrap();
    std::fs::remove_file(work.output_path("status.json")).unwrap();
    // Shard 0's file went missing (a volume not yet mounted, say): the rest is still published.
    std::fs::remove_file(work.output_path("status-0.json")).unwrap();

    let config = work.config_path();
    let out = work.sitefeed(&["publish", "--config", config.to_str().unwrap()]);
    out.assert_code(0);
    assert!(
        out.stderr
            .contains("published 1 feed from 1 shard file, 2 feeds not yet run"),
        "{}",
        out.stderr
    );
    let index = work.output_text("index.html");
    assert!(
        index.contains("beta.rss") && !index.contains("alpha.rss"),
        "{index}"
    );
    assert_eq!(
        status_feeds(&work, "status.json"),
        ["alpha", "beta", "gamma"]
    );

    std::fs::remove_file(work.output_path("status-1.json")).unwrap();
    let out = work.sitefeed(&["publish", "--config", config.to_str().unwrap()]);
    out.assert_code(1);
    assert!(out.stderr.contains("nothing to publish"), "{}", out.stderr);
}

#[test]
fn check_prints_each_shards_feeds_and_hosts() {
    let (_one, _two, work) = staged(SHARDED_STATE);
    let config = work.config_path();
    let out = work.sitefeed(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--shards",
        "2",
    ]);
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines[0].ends_with(": ok, 3 feeds"), "{}", lines[0]);
    assert_eq!(lines[1], "shard 0/2: 2 feeds, 1 host");
    assert_eq!(lines[2], "shard 1/2: 1 feed, 1 host");
    let out = work.sitefeed(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--shards",
        "1",
    ]);
    out.assert_code(0);
    assert!(
        out.stdout.contains("shard 0/1: 3 feeds, 2 hosts"),
        "{}",
        out.stdout
    );
}

#[test]
fn several_shards_without_the_placeholder_are_refused() {
    let (one, _two, work) = staged("\"state.db\"");
    let config = work.config_path();
    let out = work.sitefeed(&[
        "check",
        "--config",
        config.to_str().unwrap(),
        "--shards",
        "4",
    ]);
    out.assert_code(2);
    assert!(
        out.stderr
            .contains("state.db\" needs the {shard} placeholder with 4 shards"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.trim().lines().count(), 1);
    let out = work.run_with(&["--shard", "1/2"]);
    out.assert_code(2);
    assert!(out.stderr.contains("{shard} placeholder"), "{}", out.stderr);
    assert!(one.requests().is_empty());
    // One shard may keep the plain store.
    work.run_with(&["--shard", "0/1"]).assert_code(0);
    assert!(work.path().join("state.db").is_file());
}

#[test]
fn bad_shard_values_are_one_line_errors() {
    let (one, _two, work) = staged(SHARDED_STATE);
    let config = work.config_path();
    let run = |shard: &str, index: Option<&str>| {
        sitefeed_with_index(
            &work,
            &[
                "run",
                "--config",
                config.to_str().unwrap(),
                "--shard",
                shard,
            ],
            index,
        )
    };
    for (shard, index, needle) in [
        ("/2", None, "JOB_COMPLETION_INDEX is not set"),
        (
            "/2",
            Some("2"),
            "JOB_COMPLETION_INDEX=\"2\": the shard index must be a whole number from 0 to 1",
        ),
        ("/2", Some("one"), "JOB_COMPLETION_INDEX=\"one\""),
        (
            "2/2",
            None,
            "--shard \"2/2\": the shard index must be a whole number from 0 to 1",
        ),
        ("1", None, "expected K/N"),
        ("0/0", None, "N must be a whole number"),
    ] {
        let out = run(shard, index);
        out.assert_code(2);
        assert!(
            out.stderr.contains(needle),
            "{shard} {index:?}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
    }
    // A K given on the command line wins over the variable.
    run("0/2", Some("1")).assert_code(0);
    assert!(work.output_path("status-0.json").is_file());
    assert!(!work.output_path("status-1.json").exists());

    let out = work.run_with(&["--shard", "0/2", "--feed", "beta"]);
    out.assert_code(2);
    assert!(
        out.stderr
            .contains("feed \"beta\" belongs to shard 1/2, not 0/2"),
        "{}",
        out.stderr
    );
    drop(one);
}
