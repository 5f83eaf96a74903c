//! Sitemaps benchmark (issue 11): a 60 MB news sitemap served on loopback and read by
//! `sitemap::collect` through the real `Fetcher`, the same streaming path a pass takes, to
//! show that a sitemap is parsed as it arrives and never held whole.
//!
//! The server thread generates the document as it writes it (its `Content-Length` is counted
//! by a first, discarding pass over the same generator), so neither side of the socket holds
//! the 60 MB. One entry in 1,000 is recent and on the site; the rest are years old, the shape
//! of a site's full archive sitemap. Reported: size, entries, wall time, throughput, the
//! entries kept, and peak RSS (`VmHWM` from `/proc/self/status`) before and after the read.
//! Then the same document gzipped (served as a `.xml.gz` file) and read once more.
//!
//! `cargo bench --bench sitemap` prints a markdown report on stdout. `SITEMAP_BENCH_MB`
//! changes the size.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::thread;
use std::time::Instant;

use sitefeed::config::Config;
use sitefeed::fetch::{Fetcher, Policy};

/// One `<url>` in this many is recent (kept); the others are outside `max_age`.
const RECENT_EVERY: usize = 1000;

/// The sitemap, generated entry by entry and handed to `out` in pieces.
fn generate(base: &str, entries: usize, out: &mut dyn FnMut(&[u8])) {
    out(br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
"#);
    let recent = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut piece = String::with_capacity(1024);
    for i in 0..entries {
        let date = if i % RECENT_EVERY == 0 {
            recent.as_str()
        } else {
            "2019-03-14T08:15:00+03:00"
        };
        piece.clear();
        piece.push_str(&format!(
            "<url><loc>{base}/world/2019/story-{i:08}.html</loc><lastmod>{date}</lastmod>\
<news:news><news:publication><news:name>Example News</news:name><news:language>en</news:language></news:publication>\
<news:publication_date>{date}</news:publication_date><news:title>Story number {i} about the world &amp; its news</news:title>\
<news:keywords>world, politics, economy</news:keywords></news:news>\
<image:image><image:loc>{base}/img/{i:08}.jpg</image:loc></image:image></url>\n"
        ));
        out(piece.as_bytes());
    }
    out(b"</urlset>\n");
}

/// How many entries make about `mb` megabytes.
fn entries_for(base: &str, mb: usize) -> usize {
    let sample = 10_000;
    let mut bytes = 0;
    generate(base, sample, &mut |b| bytes += b.len());
    mb * 1_000_000 * sample / bytes.max(1)
}

/// Serves `/sitemap.xml` (generated as written) and `/sitemap.xml.gz` (`gz`, held: it is
/// small); robots.txt is 404, which allows all.
fn serve(listener: TcpListener, entries: usize, gz: Vec<u8>) {
    let base = format!("http://{}", listener.local_addr().unwrap());
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut first = String::new();
        let _ = reader.read_line(&mut first);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
            line.clear();
        }
        let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
        let _ = match path.as_str() {
            "/sitemap.xml" => {
                let mut length = 0;
                generate(&base, entries, &mut |b| length += b.len());
                write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
                )
                .and_then(|_| {
                    let mut writer = std::io::BufWriter::with_capacity(64 * 1024, &mut stream);
                    let mut failed = None;
                    generate(&base, entries, &mut |b| {
                        if failed.is_none() {
                            failed = writer.write_all(b).err();
                        }
                    });
                    writer.flush()
                })
            }
            "/sitemap.xml.gz" => write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                gz.len()
            )
            .and_then(|_| stream.write_all(&gz)),
            _ => stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ),
        };
    }
}

/// Peak resident set size so far, in kB.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let mb: usize = std::env::var("SITEMAP_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let entries = entries_for(&base, mb);
    let mut size = 0u64;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    generate(&base, entries, &mut |b| {
        size += b.len() as u64;
        gz.write_all(b).unwrap();
    });
    let gz = gz.finish().unwrap();
    let gz_len = gz.len();
    thread::spawn(move || serve(listener, entries, gz));

    let text = format!(
        "base_url = \"https://feeds.example/\"\ndelay = \"0s\"\nmax_body_size = {}\n\
         [[feed]]\nname = \"plain\"\nsitemaps = [\"{base}/sitemap.xml\"]\nmax_age = \"2d\"\n\
         [[feed]]\nname = \"gzipped\"\nsitemaps = [\"{base}/sitemap.xml.gz\"]\nmax_age = \"2d\"\n",
        size * 2
    );
    let config = Config::parse(&text, Path::new("bench.toml")).expect("bench config");
    let fetcher = Fetcher::new(config.fetch.clone());
    let policy = Policy {
        allowed_hosts: Vec::new(),
        respect_robots: true,
    };
    // The gzipped copy is held by the server thread, so it counts in the baseline.
    let baseline = vm_hwm_kb();
    println!("## Sitemaps\n");
    println!(
        "{} entries, {:.1} MB as XML ({:.1} MB gzipped), one in {RECENT_EVERY} within max_age\n",
        entries,
        size as f64 / 1e6,
        gz_len as f64 / 1e6
    );
    println!(
        "| read | wall | throughput | listed (max_items) | peak RSS before | peak RSS after |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    for feed in &config.feeds {
        let before = vm_hwm_kb();
        let started = Instant::now();
        let found = sitefeed::sitemap::collect(&fetcher, feed, &policy, &|_| None);
        let wall = started.elapsed();
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let after = vm_hwm_kb();
        let listed: usize = found.passes.iter().map(|p| p.listed.len()).sum();
        println!(
            "| {} | {:.2} s | {:.0} MB/s | {} of {} recent | {:.1} MB | {:.1} MB |",
            feed.name,
            wall.as_secs_f64(),
            size as f64 / 1e6 / wall.as_secs_f64(),
            listed,
            entries.div_ceil(RECENT_EVERY),
            before as f64 / 1024.0,
            after as f64 / 1024.0
        );
    }
    println!(
        "\nbaseline peak RSS before any read: {:.1} MB (the process, its generator and the held gzip copy)",
        baseline as f64 / 1024.0
    );
}
