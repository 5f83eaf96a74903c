//! `output_dir = "s3://bucket/prefix"` against a real S3 implementation on loopback: moto in
//! server mode (PyPI `moto[server]`), started here on a free port of 127.0.0.1. The objects are
//! read back over plain HTTP (the bucket is created public-read), so their bytes, Content-Type
//! and Cache-Control are checked independently of the client sitefeed uploads with; moto's
//! request recorder counts the PUTs of a warm run. Without moto the S3 tests skip with the
//! reason printed, unless CI is set: then they fail. `file://` output and an unreachable
//! endpoint need no moto.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::synth::{self, serve_section};
use common::{Outcome, Server, Workdir};

const BUCKET: &str = "feeds";
const PREFIX: &str = "news/site";
/// Longest a run may take here; the fixture site answers at once.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// The fake credentials moto accepts (it checks none); a real run reads them the same way.
const KEY_ID: &str = "sitefeed-test-key-id";
const SECRET: &str = "sitefeed-test-secret-never-shown";

/// Response headers, names lowercased.
type Headers = Vec<(String, String)>;

/// A moto server on loopback, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
    _dir: tempfile::TempDir,
}

impl Moto {
    /// Starts moto, or returns `None` (after saying why) when it is not installed and CI is
    /// not set.
    fn start() -> Option<Moto> {
        let installed = common::runs("python3", &["-c", "import moto.server"]);
        if !common::required("moto", installed, "pip install 'moto[server]'") {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("temp dir");
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            // The recorder keeps every request, so a test can count the uploads.
            .env("MOTO_ENABLE_RECORDING", "true")
            .env("MOTO_RECORDER_FILEPATH", dir.path().join("recording"))
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let started = Instant::now();
        while http("GET", &format!("{}/moto-api/", moto.endpoint), &[]).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto did not answer on {}",
                moto.endpoint
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let bucket = format!("{}/{BUCKET}", moto.endpoint);
        http("PUT", &bucket, &[("x-amz-acl", "public-read")]).expect("create the bucket");
        Some(moto)
    }

    /// The environment a real deployment would set for this endpoint.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_ACCESS_KEY_ID", KEY_ID.into()),
            ("AWS_SECRET_ACCESS_KEY", SECRET.into()),
            ("AWS_REGION", "us-east-1".into()),
        ]
    }

    /// GETs an object anonymously: its bytes and response headers.
    fn get(&self, name: &str) -> (Vec<u8>, Headers) {
        http(
            "GET",
            &format!("{}/{BUCKET}/{PREFIX}/{name}", self.endpoint),
            &[],
        )
        .unwrap_or_else(|e| panic!("GET {name}: {e}"))
    }

    /// Forgets the requests recorded so far and records from now on.
    fn start_recording(&self) {
        for step in ["reset-recording", "start-recording"] {
            http(
                "POST",
                &format!("{}/moto-api/recorder/{step}", self.endpoint),
                &[],
            )
            .unwrap_or_else(|e| panic!("moto recorder {step}: {e}"));
        }
    }

    /// The object names PUT under the prefix since recording started.
    fn recorded_puts(&self) -> Vec<String> {
        let (body, _) = http(
            "GET",
            &format!("{}/moto-api/recorder/download-recording", self.endpoint),
            &[],
        )
        .expect("download the recording");
        let under = format!("/{BUCKET}/{PREFIX}/");
        String::from_utf8_lossy(&body)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|r| r["method"] == "PUT")
            .filter_map(|r| {
                let url = r["url"].as_str()?.to_string();
                let path = url.split_once("://")?.1.split_once('/')?.1.to_string();
                path.strip_prefix(&under[1..]).map(str::to_string)
            })
            .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One plain HTTP request (no signature: moto runs without authentication), returning the
/// body and headers of a 2xx answer.
fn http(method: &str, url: &str, headers: &[(&str, &str)]) -> Result<(Vec<u8>, Headers), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let request = ureq::http::Request::builder().method(method).uri(url);
    let request = headers
        .iter()
        .fold(request, |r, (name, value)| r.header(*name, *value))
        .body(())
        .map_err(|e| e.to_string())?;
    let mut response = agent.run(request).map_err(|e| e.to_string())?;
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .read_to_end(&mut body)
        .map_err(|e| e.to_string())?;
    Ok((body, headers))
}

fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Runs `sitefeed args` in `work` with `env` added, bounded by [`RUN_TIMEOUT`].
fn sitefeed(work: &Workdir, args: &[&str], env: &[(&'static str, String)]) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitefeed"))
        .args(args)
        .current_dir(work.path())
        .env_remove("RUST_LOG")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sitefeed");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for sitefeed") {
            let mut stdout = String::new();
            let mut stderr = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut stdout)
                .ok();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .ok();
            return Outcome {
                code: status.code(),
                stdout,
                stderr,
            };
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            panic!("sitefeed {args:?} did not finish in {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn run(work: &Workdir, env: &[(&'static str, String)]) -> Outcome {
    let config = work.config_path();
    sitefeed(
        work,
        &["run", "--config", config.to_str().unwrap(), "-v"],
        env,
    )
}

/// A two-feed site and a config writing to `output_dir`.
fn site(server: &Server, work: &Workdir, output_dir: &str, top: &str) {
    serve_section(server, "world", &[1, 2, 3]);
    serve_section(server, "sport", &[4, 5]);
    let text = synth::synth_config(server, top, &["world", "sport"]).replace(
        "output_dir = \"output\"",
        &format!("output_dir = \"{output_dir}\""),
    );
    work.write_config(&text);
}

const FILES: [(&str, &str); 9] = [
    ("world.rss", "application/rss+xml"),
    ("world.atom", "application/atom+xml"),
    ("world.json", "application/feed+json"),
    ("sport.rss", "application/rss+xml"),
    ("sport.atom", "application/atom+xml"),
    ("sport.json", "application/feed+json"),
    ("index.html", "text/html; charset=utf-8"),
    ("feeds.opml", "text/x-opml"),
    ("status.json", "application/json"),
];

#[test]
fn s3_output_uploads_each_object_with_its_headers_and_skips_unchanged_ones() {
    let Some(moto) = Moto::start() else { return };
    let server = Server::start();
    let work = Workdir::new();
    site(
        &server,
        &work,
        &format!("s3://{BUCKET}/{PREFIX}"),
        "cache_control = \"public, max-age=120\"\n",
    );
    // The same feeds written to a directory: the bytes uploaded must be the same bytes.
    let local = Workdir::new();
    site(&server, &local, "output", "");

    moto.start_recording();
    let outcome = run(&work, &moto.env());
    outcome.assert_code(0);
    assert!(
        !outcome.stderr.contains(SECRET) && !outcome.stdout.contains(SECRET),
        "a credential was logged:\n{}",
        outcome.stderr
    );
    assert!(
        !work.path().join("output").exists(),
        "nothing is written locally"
    );
    run(&local, &[]).assert_code(0);
    for (name, content_type) in FILES {
        let (bytes, headers) = moto.get(name);
        assert_eq!(
            header(&headers, "content-type"),
            Some(content_type),
            "{name}"
        );
        assert_eq!(
            header(&headers, "cache-control"),
            Some("public, max-age=120"),
            "{name}"
        );
        if name != "status.json" {
            assert_eq!(bytes, local.output(name), "{name} differs from a local run");
        }
    }
    let feed = feed_rs::parser::parse(&moto.get("world.atom").0[..]).expect("a feed");
    assert_eq!(feed.entries.len(), 3);
    let mut first = moto.recorded_puts();
    first.sort();
    let mut expected: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
    expected.push("feed.css".into());
    expected.sort();
    assert_eq!(first, expected, "each object is put once");

    // Warm run: nothing changed on the site, so only status.json (which records the time of
    // each attempt) is put again.
    moto.start_recording();
    run(&work, &moto.env()).assert_code(0);
    assert_eq!(moto.recorded_puts(), ["status.json"]);

    // A new story changes that feed's files and the index, nothing else.
    serve_section(&server, "world", &[1, 2, 3, 6]);
    moto.start_recording();
    run(&work, &moto.env()).assert_code(0);
    let mut third = moto.recorded_puts();
    third.sort();
    assert_eq!(
        third,
        [
            "feeds.opml",
            "index.html",
            "status.json",
            "world.atom",
            "world.json",
            "world.rss"
        ]
    );
    let feed = feed_rs::parser::parse(&moto.get("world.atom").0[..]).expect("a feed");
    assert_eq!(feed.entries.len(), 4);
}

#[test]
fn sharded_runs_publish_one_index_in_the_bucket() {
    let Some(moto) = Moto::start() else { return };
    let server = Server::start();
    let work = Workdir::new();
    site(&server, &work, &format!("s3://{BUCKET}/{PREFIX}"), "");
    let text = std::fs::read_to_string(work.config_path()).unwrap();
    work.write_config(&text.replace(
        "state = \"state.db\"",
        "state = \"state/sitefeed-{shard}.db\"",
    ));
    for k in 0..2 {
        let config = work.config_path();
        let shard = format!("{k}/2");
        sitefeed(
            &work,
            &[
                "run",
                "--config",
                config.to_str().unwrap(),
                "--shard",
                &shard,
            ],
            &moto.env(),
        )
        .assert_code(0);
    }
    let config = work.config_path();
    sitefeed(
        &work,
        &["publish", "--config", config.to_str().unwrap()],
        &moto.env(),
    )
    .assert_code(0);
    let index = String::from_utf8(moto.get("index.html").0).unwrap();
    assert!(
        index.contains("href=\"world.rss\"") && index.contains("href=\"sport.rss\""),
        "the index lists both shards' feeds:\n{index}"
    );
    let (status, headers) = moto.get("status-1.json");
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&status).is_ok());
}

#[test]
fn file_url_output_writes_the_same_files_and_skips_unchanged_ones() {
    let server = Server::start();
    let work = Workdir::new();
    let out = work.path().join("published");
    let url = url::Url::from_directory_path(&out).unwrap();
    site(&server, &work, url.as_str(), "");
    run(&work, &[]).assert_code(0);
    let local = Workdir::new();
    site(&server, &local, "output", "");
    run(&local, &[]).assert_code(0);
    for (name, _) in FILES.iter().filter(|(n, _)| *n != "status.json") {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            local.output(name),
            "{name}"
        );
    }
    let mtime = |name: &str| {
        std::fs::metadata(out.join(name))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before = mtime("world.rss");
    std::thread::sleep(Duration::from_millis(50));
    run(&work, &[]).assert_code(0);
    assert_eq!(
        mtime("world.rss"),
        before,
        "an unchanged feed is not rewritten"
    );
}

#[test]
fn unreachable_endpoint_names_the_object_and_hides_credentials() {
    let server = Server::start();
    let work = Workdir::new();
    site(&server, &work, "s3://the-bucket/some/prefix", "");
    // Nothing listens on the discard port of loopback: every upload fails at once.
    let env = [
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9".to_string()),
        ("AWS_ALLOW_HTTP", "true".to_string()),
        ("AWS_ACCESS_KEY_ID", KEY_ID.to_string()),
        ("AWS_SECRET_ACCESS_KEY", SECRET.to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
    ];
    let outcome = run(&work, &env);
    assert_ne!(outcome.code, Some(0), "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("cannot upload s3://the-bucket/some/prefix/"),
        "the failure names the bucket and object:\n{}",
        outcome.stderr
    );
    assert!(
        !outcome.stderr.contains(SECRET),
        "a credential was logged:\n{}",
        outcome.stderr
    );
}

#[test]
fn check_refuses_an_unknown_scheme_with_its_position() {
    let work = Workdir::new();
    work.write_config(
        "base_url = \"https://f.example/\"\noutput_dir = \"ftp://bucket/prefix\"\n\
         [[feed]]\nname = \"a\"\nurl = \"https://e.example/a/\"\n",
    );
    let config = work.config_path();
    let outcome = sitefeed(&work, &["check", "--config", config.to_str().unwrap()], &[]);
    outcome.assert_code(2);
    assert!(
        outcome.stderr.contains(
            "feeds.toml:2:14: `output_dir` \"ftp://bucket/prefix\": object storage URLs start with s3://, gs://, az://, file://"
        ),
        "{}",
        outcome.stderr
    );
}
