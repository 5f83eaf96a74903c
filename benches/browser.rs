//! Browser rendering benchmark (issue 10): what `render = "browser"` costs against plain HTTP
//! for the same section. One loopback site serves a section of 20 articles twice: as HTML
//! whose links are in the markup (the `http` feed), and as a page whose script fetches the
//! list as JSON and builds the links (the `browser` feed, which only Chromium can read). Each
//! case is run cold (fresh state: the section and its 20 articles) and warm (the articles
//! known: the section alone), `RUNS` times; the browser also with `wait_for` (the DOM read
//! as soon as the list is there, not once the network has been quiet for 500 ms), as a separate release process.
//!
//! Reported: median wall time, and the peak memory of sitefeed together with every Chromium
//! process it started, sampled every 20 ms from /proc: the sum of PSS (shared pages split
//! between the processes sharing them, so the sum is what the tree really holds) and, for
//! comparison, the sum of RSS (which counts shared pages once per process).
//!
//! `cargo bench --bench browser` prints a markdown table on stdout. `SITEFEED_BIN` overrides
//! the binary. Skips (exit 0) without Chromium.

#[path = "../tests/common/server.rs"]
#[allow(dead_code)]
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use server::{Response, Server};

const ARTICLES: usize = 20;
const RUNS: usize = 5;
const SAMPLE: Duration = Duration::from_millis(20);

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("browser bench: skipped (run it with `cargo bench --bench browser`)");
        return;
    }
    if sitefeed::browser::locate(None).is_err() {
        eprintln!("browser bench: skipped (chromium is not installed: apt install chromium)");
        return;
    }
    let bin = std::env::var_os("SITEFEED_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_sitefeed")));
    let server = Server::start();
    serve(&server);

    println!("| case | wall (median of {RUNS}) | peak PSS, sitefeed + chromium | peak RSS sum | requests |");
    println!("| --- | --- | --- | --- | --- |");
    for (name, feed) in [
        ("http", format!("url = \"{}\"\n", server.url("/html/"))),
        (
            "browser",
            format!("url = \"{}\"\nrender = \"browser\"\n", server.url("/spa/")),
        ),
        (
            "browser-wait_for",
            format!(
                "url = \"{}\"\nrender = \"browser\"\nwait_for = \"#list a\"\n",
                server.url("/spa/")
            ),
        ),
    ] {
        let mut cold = Vec::new();
        let mut warm = Vec::new();
        for _ in 0..RUNS {
            let work = tempfile::Builder::new()
                .prefix("sitefeed-browser-bench-")
                .tempdir()
                .expect("temp dir");
            std::fs::create_dir_all(work.path().join("tmp")).expect("tmp dir");
            let config = work.path().join("feeds.toml");
            std::fs::write(
                &config,
                format!(
                    "base_url = \"https://feeds.example.org/\"\ndelay = \"0s\"\n\
                     [[feed]]\nname = \"{name}\"\narticle_selector = \"#list a\"\n{feed}"
                ),
            )
            .expect("write config");
            cold.push(measure(&bin, &config, work.path()));
            warm.push(measure(&bin, &config, work.path()));
        }
        for (pass, runs) in [("cold", &mut cold), ("warm", &mut warm)] {
            runs.sort_by_key(|r| r.wall);
            let median = &runs[runs.len() / 2];
            let pss = runs.iter().map(|r| r.peak_pss_kb).max().unwrap_or(0);
            let rss = runs.iter().map(|r| r.peak_rss_kb).max().unwrap_or(0);
            println!(
                "| {name}, {pass} | {:.2}s | {:.0} MiB | {:.0} MiB | {} |",
                median.wall.as_secs_f64(),
                pss as f64 / 1024.0,
                rss as f64 / 1024.0,
                median.requests
            );
        }
    }
    println!();
    println!(
        "machine: nproc {}, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        chromium_version()
    );
}

struct Measured {
    wall: Duration,
    peak_pss_kb: u64,
    peak_rss_kb: u64,
    requests: String,
}

/// Runs `sitefeed run`, sampling the memory of it and its Chromium until it exits.
fn measure(bin: &Path, config: &Path, dir: &Path) -> Measured {
    let tmp = dir.join("tmp");
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(["run", "--config"])
        .arg(config)
        .env("TMPDIR", &tmp)
        .env_remove("RUST_LOG")
        .env("NO_PROXY", "127.0.0.1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sitefeed");
    let pid = child.id();
    let needle = tmp.display().to_string();
    let (mut peak_pss, mut peak_rss) = (0, 0);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        let (pss, rss) = tree_memory(pid, &needle);
        peak_pss = peak_pss.max(pss);
        peak_rss = peak_rss.max(rss);
        std::thread::sleep(SAMPLE);
    };
    let wall = started.elapsed();
    let mut stderr = String::new();
    use std::io::Read;
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert!(status.success(), "sitefeed failed: {stderr}");
    let requests = stderr
        .split(", ")
        .find(|part| part.ends_with(" requests") || part.ends_with(" request"))
        .unwrap_or("?")
        .trim_end_matches(" requests")
        .trim_end_matches(" request")
        .to_string();
    Measured {
        wall,
        peak_pss_kb: peak_pss,
        peak_rss_kb: peak_rss,
        requests,
    }
}

/// PSS and RSS sums (KiB) of `root`, its descendants and whatever carries `needle` in its
/// command line (Chromium's crash handler leaves the tree).
fn tree_memory(root: u32, needle: &str) -> (u64, u64) {
    let mut processes: Vec<(u32, u32, bool)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0);
        let marked = std::fs::read(entry.path().join("cmdline"))
            .map(|c| String::from_utf8_lossy(&c).contains(needle))
            .unwrap_or(false);
        processes.push((pid, ppid, marked));
    }
    let mut members = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for &(pid, ppid, marked) in &processes {
            if !members.contains(&pid) && (marked || members.contains(&ppid)) {
                members.push(pid);
                grew = true;
            }
        }
    }
    let field = |pid: u32, file: &str, name: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    members.iter().fold((0, 0), |(pss, rss), &pid| {
        (
            pss + field(pid, "smaps_rollup", "Pss:"),
            rss + field(pid, "status", "VmRSS:"),
        )
    })
}

fn serve(server: &Server) {
    let links: String = (1..=ARTICLES)
        .map(|n| format!("<li><a href=\"/news/2026/01/27/story-{n}.html\">Story {n}</a></li>"))
        .collect();
    server.route(
        "/html/",
        Response::html(format!(
            "<!doctype html><html><head><title>News</title></head><body><ul id=\"list\">{links}</ul></body></html>"
        )),
    );
    server.route(
        "/spa/",
        Response::html(
            "<!doctype html><html><head><title>News</title></head><body><ul id=\"list\"></ul>\
             <script src=\"/app.js\"></script></body></html>",
        ),
    );
    server.route(
        "/app.js",
        Response::ok(
            "application/javascript",
            "fetch('/list.json').then(r => r.json()).then(items => { document.getElementById('list').innerHTML = \
             items.map(i => `<li><a href=\"${i.href}\">${i.title}</a></li>`).join(''); });",
        ),
    );
    let items: Vec<String> = (1..=ARTICLES)
        .map(|n| {
            format!("{{\"href\": \"/news/2026/01/27/story-{n}.html\", \"title\": \"Story {n}\"}}")
        })
        .collect();
    server.route(
        "/list.json",
        Response::ok("application/json", format!("[{}]", items.join(","))),
    );
    for n in 1..=ARTICLES {
        server.route(
            &format!("/news/2026/01/27/story-{n}.html"),
            Response::html(format!(
                "<!doctype html><html><head><title>Story {n}</title>\
                 <meta property=\"article:published_time\" content=\"2026-01-27T10:{n:02}:00Z\">\
                 </head><body><h1>Story {n}</h1><p>{}</p></body></html>",
                "Text of the story. ".repeat(200)
            )),
        );
    }
}

fn chromium_version() -> String {
    let program = sitefeed::browser::locate(None).unwrap_or_default();
    Command::new(program)
        .arg("--version")
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
