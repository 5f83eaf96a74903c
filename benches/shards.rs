//! Shards benchmark (issue 12): 10,000 feeds on 500 loopback hosts (127.1.0.1 .. 127.2.0.250,
//! one small std-only HTTP server each), run by 4 shards at once as separate release
//! processes (`sitefeed run --shard K/4`, each with its own store), then the cost of the merge
//! step (`sitefeed publish`) as the number of feeds grows.
//!
//! Reported: the shards' wall time against the politeness bound, the requests per host and
//! whether any two requests to one host overlapped or came from two shards (each shard sends
//! its own User-Agent; the servers log every request's arrival, the moment they started to
//! answer, and that User-Agent), the shortest gap between two requests to one host, each
//! shard's peak RSS (`ru_maxrss` from `wait4`), and for 1,000 / 10,000 / 50,000 feeds the
//! merge's wall time, peak RSS and the sizes of the shard files, `index.html`, `feeds.opml`
//! and `status.json`.
//!
//! `cargo bench --bench shards` prints a markdown report on stdout (progress on stderr).
//! `SITEFEED_BIN` overrides the binary; `SHARDS_BENCH_FEEDS` / `SHARDS_BENCH_HOSTS` shrink the
//! simulation for a quick look.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use sitefeed::publish::{ShardFeed, ShardFile};
use sitefeed::status::FeedStatus;

const SHARDS: u32 = 4;
const ARTICLES_PER_FEED: usize = 2;
const DELAY_MS: u64 = 20;
const CONCURRENCY: usize = 64;
/// Each answer waits this long, so two requests to one host that did overlap would show it.
const SERVE_DELAY: Duration = Duration::from_millis(2);
const RUN_TIMEOUT: Duration = Duration::from_secs(600);
const MERGE_FEEDS: [usize; 3] = [1_000, 10_000, 50_000];

/// One request as a server logged it.
#[derive(Debug, Clone)]
struct Logged {
    received: Instant,
    answered: Instant,
    agent: String,
}

struct Host {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Logged>>>,
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("shards bench: skipped (run it with `cargo bench --bench shards`)");
        return;
    }
    let feeds = env_usize("SHARDS_BENCH_FEEDS", 10_000);
    let hosts = env_usize("SHARDS_BENCH_HOSTS", 500).min(500);
    let bin = sitefeed_binary();
    let work = tempfile::Builder::new()
        .prefix("sitefeed-shards-bench-")
        .tempdir()
        .expect("temp dir");
    eprintln!(
        "shards bench: {feeds} feeds on {hosts} hosts, in {}",
        work.path().display()
    );
    let site: Vec<Host> = (0..hosts).map(start_host).collect();

    for shard in 0..SHARDS {
        std::fs::write(
            work.path().join(format!("feeds-{shard}.toml")),
            sim_config(&site, feeds, shard),
        )
        .expect("write config");
    }
    let started = Instant::now();
    let runs: Vec<_> = (0..SHARDS)
        .map(|shard| {
            let config = work.path().join(format!("feeds-{shard}.toml"));
            let args = vec![
                "run".to_string(),
                "--config".into(),
                config.display().to_string(),
                "--shard".into(),
                format!("{shard}/{SHARDS}"),
            ];
            let bin = bin.clone();
            thread::spawn(move || measure(&bin, &args))
        })
        .collect();
    let outcomes: Vec<Outcome> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    let total = started.elapsed();

    // Per host: requests, overlaps, shards seen, shortest gap.
    let mut per_host_requests = Vec::new();
    let mut overlaps = 0;
    let mut multi_shard_hosts = 0;
    let mut min_gap = Duration::MAX;
    let mut requests_by_shard: BTreeMap<String, usize> = BTreeMap::new();
    for host in &site {
        let mut log = host.log.lock().unwrap().clone();
        log.sort_by_key(|r| r.received);
        per_host_requests.push(log.len());
        let agents: BTreeSet<&str> = log.iter().map(|r| r.agent.as_str()).collect();
        if agents.len() > 1 {
            multi_shard_hosts += 1;
        }
        for r in &log {
            *requests_by_shard.entry(r.agent.clone()).or_default() += 1;
        }
        for pair in log.windows(2) {
            if pair[1].received < pair[0].answered {
                overlaps += 1;
            } else {
                min_gap = min_gap.min(pair[1].received - pair[0].answered);
            }
        }
    }
    let busiest = per_host_requests.iter().copied().max().unwrap_or(0);
    let delay = Duration::from_millis(DELAY_MS);
    // No schedule can beat the busiest host's requests spaced by the delay; with each shard
    // working `concurrency` hosts at a time, nor its hosts' total delay spread over them.
    let host_bound = delay * busiest.saturating_sub(1) as u32;
    let shard_bound = (0..SHARDS)
        .map(|k| {
            let sum: usize = site
                .iter()
                .zip(&per_host_requests)
                .filter(|(h, _)| {
                    sitefeed::shard::shard_of_host(&h.addr.ip().to_string(), SHARDS) == k
                })
                .map(|(_, n)| n.saturating_sub(1))
                .sum();
            delay * (sum as u32) / CONCURRENCY as u32
        })
        .max()
        .unwrap_or_default();
    let index = std::fs::read_to_string(work.path().join("output/index.html")).unwrap_or_default();
    let listed = index.matches("<li class=\"feed\">").count();

    println!("## Shards (issue 12)\n");
    println!(
        "`cargo bench --bench shards` on this machine ({}), load average before: {}.\n",
        machine(),
        load_average()
    );
    println!(
        "{feeds} feeds on {hosts} loopback hosts ({} feeds a host), {ARTICLES_PER_FEED} articles a feed, \
         robots.txt obeyed (404), delay {DELAY_MS}ms, concurrency {CONCURRENCY}, {SHARDS} shards started \
         at once as separate processes, each with its own store; every answer waits {}ms.\n",
        feeds / hosts.max(1),
        SERVE_DELAY.as_millis()
    );
    println!("| shard | feeds (summary line) | requests (servers) | wall s | CPU s | peak RSS MB | exit |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (shard, o) in outcomes.iter().enumerate() {
        println!(
            "| {shard}/{SHARDS} | {} | {} | {:.2} | {:.2} | {:.1} | {} |",
            o.summary_feeds(),
            requests_by_shard
                .get(&agent(shard as u32))
                .copied()
                .unwrap_or(0),
            o.wall.as_secs_f64(),
            o.cpu.as_secs_f64(),
            o.max_rss_kb as f64 / 1024.0,
            o.exit
        );
    }
    println!();
    println!("- all 4 shards: {:.2} s wall", total.as_secs_f64());
    println!(
        "- politeness bound: busiest host {busiest} requests x {DELAY_MS}ms = {:.2} s; busiest shard's host delays / concurrency = {:.2} s; wall / max(bound) = {:.2}",
        host_bound.as_secs_f64(),
        shard_bound.as_secs_f64(),
        total.as_secs_f64() / host_bound.max(shard_bound).as_secs_f64().max(1e-9)
    );
    println!(
        "- requests: {} in all, per host min {} / max {busiest}",
        per_host_requests.iter().sum::<usize>(),
        per_host_requests.iter().min().unwrap_or(&0)
    );
    println!(
        "- hosts asked by more than one shard: {multi_shard_hosts}; overlapping requests to one host: {overlaps}; shortest gap between two requests to one host: {:.1} ms",
        if min_gap == Duration::MAX { 0.0 } else { min_gap.as_secs_f64() * 1000.0 }
    );
    println!("- feeds listed in the merged index.html: {listed} of {feeds}\n");

    merge_costs(&bin, work.path());
    for o in &outcomes {
        if o.exit != 0 {
            eprintln!("shards bench: a shard exited {}: {}", o.exit, o.stderr);
        }
    }
}

fn agent(shard: u32) -> String {
    format!("sitefeed-bench/shard-{shard}")
}

fn sim_config(site: &[Host], feeds: usize, shard: u32) -> String {
    let mut text = format!(
        "output_dir = \"output\"\nstate = \"state/sitefeed-{{shard}}.db\"\n\
         base_url = \"https://feeds.example.org/\"\nuser_agent = \"{}\"\n\
         delay = \"{DELAY_MS}ms\"\nconcurrency = {CONCURRENCY}\ntimeout = \"20s\"\nretries = 1\n\
         max_items = 10\nlock_timeout = \"120s\"\n",
        agent(shard)
    );
    for feed in 0..feeds {
        let host = &site[feed % site.len()];
        text.push_str(&format!(
            "\n[[feed]]\nname = \"f{feed}\"\nurl = \"http://{}/s{feed}/\"\narticle_selector = \"a.story\"\n",
            host.addr
        ));
    }
    text
}

fn start_host(index: usize) -> Host {
    let ip = Ipv4Addr::new(127, 1 + (index / 250) as u8, 0, (index % 250) as u8 + 1);
    let listener = TcpListener::bind((ip, 0)).expect("bind a loopback address");
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::clone(&log);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let log = Arc::clone(&shared);
            thread::spawn(move || {
                let _ = serve(stream, addr, &log);
            });
        }
    });
    Host { addr, log }
}

/// Answers one request and closes the connection.
fn serve(stream: TcpStream, addr: SocketAddr, log: &Mutex<Vec<Logged>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut agent = String::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("user-agent") {
                agent = value.trim().to_string();
            }
        }
    }
    let received = Instant::now();
    thread::sleep(SERVE_DELAY);
    let (status, body) = page(&path, addr);
    let answered = Instant::now();
    log.lock().unwrap().push(Logged {
        received,
        answered,
        agent,
    });
    let mut stream = reader.into_inner();
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

/// `/sF/` lists articles `/aF-i.html`; those carry a title and a date.
fn page(path: &str, addr: SocketAddr) -> (&'static str, String) {
    if let Some(feed) = path.strip_prefix("/s").and_then(|p| p.strip_suffix('/')) {
        let links: String = (0..ARTICLES_PER_FEED)
            .map(|i| format!("<li><a class=\"story\" href=\"/a{feed}-{i}.html\">Story {i} of {feed}</a></li>"))
            .collect();
        return (
            "200 OK",
            format!("<!DOCTYPE html><html><head><title>Section {feed}</title></head><body><ul>{links}</ul></body></html>"),
        );
    }
    if let Some(id) = path
        .strip_prefix("/a")
        .and_then(|p| p.strip_suffix(".html"))
    {
        return (
            "200 OK",
            format!(
                "<!DOCTYPE html><html lang=\"en\"><head><title>Story {id}</title>\
                 <link rel=\"canonical\" href=\"http://{addr}/a{id}.html\">\
                 <meta property=\"og:title\" content=\"Story {id}\">\
                 <meta property=\"article:published_time\" content=\"2026-01-27T12:00:00Z\">\
                 </head><body><article><h1>Story {id}</h1><p>Text of story {id}.</p></article></body></html>"
            ),
        );
    }
    ("404 Not Found", "not found".into())
}

/// The merge alone: synthetic shard files for `n` feeds, then `sitefeed publish`.
fn merge_costs(bin: &Path, root: &Path) {
    println!("Merge step (`sitefeed publish`, {SHARDS} shard files, median of 3 runs; the time includes reading the config):\n");
    println!("| feeds | shard files KB | wall s | peak RSS MB | index.html KB | feeds.opml KB | status.json KB |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for n in MERGE_FEEDS {
        let dir = root.join(format!("merge-{n}"));
        let out = dir.join("output");
        std::fs::create_dir_all(&out).unwrap();
        let mut config = String::from(
            "output_dir = \"output\"\nstate = \"state/s-{shard}.db\"\nbase_url = \"https://feeds.example.org/\"\n",
        );
        let mut files: Vec<ShardFile> = (0..SHARDS)
            .map(|shard| ShardFile {
                generator: "bench".into(),
                shard,
                shards: SHARDS,
                feeds: BTreeMap::new(),
            })
            .collect();
        for feed in 0..n {
            let host = format!("host{}.example", feed % 500);
            config.push_str(&format!(
                "\n[[feed]]\nname = \"feed-{feed}\"\nurl = \"https://{host}/section-{feed}/\"\n"
            ));
            let date = chrono::DateTime::parse_from_rfc3339("2026-01-27T12:00:00+03:00").unwrap();
            let shard = sitefeed::shard::shard_of_host(&host, SHARDS);
            files[shard as usize].feeds.insert(
                format!("feed-{feed}"),
                ShardFeed {
                    title: format!("Section {feed} of {host}"),
                    formats: vec!["rss".into(), "atom".into(), "json".into()],
                    entries: 50,
                    newest: Some(sitefeed::publish::Newest {
                        title: format!(
                            "The newest story of section {feed}, with a headline of usual length"
                        ),
                        url: format!("https://{host}/20260127/story-{feed}.html"),
                        date,
                    }),
                    files: true,
                    status: FeedStatus {
                        last_attempt: Some(date.to_utc()),
                        last_success: Some(date.to_utc()),
                        entries: 50,
                        ..FeedStatus::default()
                    },
                },
            );
        }
        let mut shard_bytes = 0;
        for file in &files {
            let bytes = serde_json::to_vec_pretty(file).unwrap();
            shard_bytes += bytes.len();
            std::fs::write(out.join(format!("status-{}.json", file.shard)), bytes).unwrap();
        }
        let config_path = dir.join("feeds.toml");
        std::fs::write(&config_path, config).unwrap();
        let args = vec![
            "publish".to_string(),
            "--config".into(),
            config_path.display().to_string(),
        ];
        let mut runs: Vec<Outcome> = (0..3).map(|_| measure(bin, &args)).collect();
        runs.sort_by_key(|o| o.wall);
        let o = &runs[1];
        if o.exit != 0 {
            eprintln!("shards bench: publish exited {}: {}", o.exit, o.stderr);
        }
        let kb =
            |name: &str| std::fs::metadata(out.join(name)).map_or(0.0, |m| m.len() as f64 / 1024.0);
        println!(
            "| {n} | {:.0} | {:.3} | {:.1} | {:.0} | {:.0} | {:.0} |",
            shard_bytes as f64 / 1024.0,
            o.wall.as_secs_f64(),
            o.max_rss_kb as f64 / 1024.0,
            kb("index.html"),
            kb("feeds.opml"),
            kb("status.json")
        );
    }
    println!();
}

struct Outcome {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: u64,
    exit: i32,
    stderr: String,
}

impl Outcome {
    /// The feed count of sitefeed's summary line (`N feeds (N changed), ...`).
    fn summary_feeds(&self) -> String {
        self.stderr
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("sitefeed: "))
            .and_then(|l| l.split(" feeds").next())
            .unwrap_or("?")
            .to_string()
    }
}

/// Runs the binary and reaps it with `wait4` for its CPU time and peak RSS.
#[allow(clippy::zombie_processes)] // reaped by `wait4` below, which also gives its rusage
fn measure(bin: &Path, args: &[String]) -> Outcome {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("JOB_COMPLETION_INDEX")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
    let mut pipe = child.stderr.take().unwrap();
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    });
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: `pid` is our own unreaped child; both pointers are valid for the call.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            break;
        }
        assert!(reaped == 0, "wait4: {}", std::io::Error::last_os_error());
        if !killed && started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            killed = true;
        }
        thread::sleep(Duration::from_millis(2));
    }
    let wall = started.elapsed();
    let timeval = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    Outcome {
        wall,
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        // Linux reports ru_maxrss in kilobytes.
        max_rss_kb: usage.ru_maxrss as u64,
        exit: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        stderr: reader.join().unwrap_or_default(),
    }
}

fn sitefeed_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("SITEFEED_BIN") {
        return PathBuf::from(bin);
    }
    PathBuf::from(env!("CARGO_BIN_EXE_sitefeed"))
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn machine() -> String {
    let cpus = thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or("unknown".to_string(), |kb| {
            format!("{:.0} GiB", kb as f64 / 1024.0 / 1024.0)
        });
    format!("nproc {cpus}, memory {memory}")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}
