//! `render = "browser"`: the real binary against loopback sites whose article lists are built
//! by scripts, rendered in the real Chromium. The fixture server's request log shows what the
//! browser was allowed to load (the feed's host only, no images or fonts, robots.txt obeyed,
//! sitefeed's User-Agent), and /proc shows that no Chromium process outlives a run, however it
//! ends. Each run gets its own TMPDIR, so its Chromium profile (`--user-data-dir`) names it.
//! Without Chromium these tests skip with the reason, unless CI is set: then they fail. The
//! missing-browser test needs no Chromium.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{Outcome, Response, Server, Workdir, USER_AGENT};

const SECTION: &str = r#"<!doctype html>
<html><head><title>News</title>
<style>@font-face { font-family: Serif; src: url(/static/serif.woff2); } body { font-family: Serif; }</style>
<link rel="stylesheet" href="/static/site.css">
</head><body>
<img src="/static/logo.png" alt="">
<ul id="list"></ul>
<script src="/static/list.js"></script>
<script src="{{OTHER}}/tracker.js"></script>
</body></html>"#;

/// Fetches the list and builds the links: none of them is in the HTML.
const LIST_JS: &str = r#"fetch('/api/list.json').then(r => r.json()).then(items => {
  const list = document.getElementById('list');
  for (const item of items) {
    const a = document.createElement('a');
    a.href = item.href; a.textContent = item.title;
    const li = document.createElement('li'); li.appendChild(a); list.appendChild(li);
  }
});"#;

const LIST_JSON: &str = r#"[{"href": "/news/2026/01/27/story-1.html", "title": "First story"},
 {"href": "/news/2026/01/27/story-2.html", "title": "Second story"},
 {"href": "/news/2026/01/27/story-3.html", "title": "Third story"}]"#;

fn article(n: u32) -> String {
    format!(
        r#"<!doctype html><html><head><title>Story {n}</title>
<meta property="og:title" content="Story number {n}">
<meta property="article:published_time" content="2026-01-27T0{n}:00:00Z">
</head><body><h1>Story number {n}</h1><p>Text.</p></body></html>"#
    )
}

/// Chromium is here, or the test should skip (false), or CI is set and it must fail.
fn have_chromium() -> bool {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .any(|name| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .any(|dir| dir.join(name).is_file())
        });
    common::required("chromium", found, "apt install chromium")
}

/// The script-built section on `server`, its articles, and a tracker on `other`.
fn serve_site(server: &Server, other: &Server) {
    server.route(
        "/news/",
        Response::html(SECTION.replace("{{OTHER}}", &other.base())),
    );
    server.route(
        "/static/list.js",
        Response::ok("application/javascript", LIST_JS),
    );
    server.route(
        "/api/list.json",
        Response::ok("application/json", LIST_JSON),
    );
    server.route(
        "/static/site.css",
        Response::ok("text/css", "h1 { color: red }"),
    );
    server.route("/static/logo.png", Response::ok("image/png", "png"));
    server.route("/static/serif.woff2", Response::ok("font/woff2", "woff"));
    for n in 1..=3 {
        server.route(
            &format!("/news/2026/01/27/story-{n}.html"),
            Response::html(article(n)),
        );
    }
    other.route("/tracker.js", Response::ok("application/javascript", "1"));
}

/// A work directory with its own TMPDIR, in which the Chromium profile of its runs lives.
struct Site {
    work: Workdir,
}

impl Site {
    fn new(config: &str) -> Site {
        let work = Workdir::new();
        work.write_config(config);
        std::fs::create_dir_all(work.path().join("tmp")).unwrap();
        Site { work }
    }

    fn tmp(&self) -> PathBuf {
        self.work.path().join("tmp")
    }

    /// Starts `sitefeed args... --config feeds.toml` with `env` added.
    fn spawn(&self, args: &[&str], env: &[(&str, &str)]) -> Child {
        let config = self.work.config_path();
        let mut command = Command::new(env!("CARGO_BIN_EXE_sitefeed"));
        command
            .args(args)
            .arg("--config")
            .arg(&config)
            .current_dir(self.work.path())
            .env("TMPDIR", self.tmp())
            .env_remove("RUST_LOG")
            .env_remove("SITEFEED_CHROMIUM")
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        command.spawn().expect("spawn sitefeed")
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Outcome {
        let child = self.spawn(args, env);
        finish(child, Duration::from_secs(90))
    }

    /// Chromium processes started for this directory's runs that are still alive.
    fn chromium_processes(&self) -> Vec<String> {
        // The profile (`--user-data-dir=`) of Chromium and the crash database of its crash
        // handler are both under the run's TMPDIR.
        let needle = self.tmp().display().to_string();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
                continue;
            };
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            if cmdline.contains(&needle) && !is_zombie(&entry.path()) {
                found.push(format!(
                    "{}: {cmdline}",
                    entry.file_name().to_string_lossy()
                ));
            }
        }
        found
    }

    /// Waits (a little: the kernel delivers SIGKILL to a group at once, but a process may
    /// take a moment to go) until no Chromium of this directory is left, else panics.
    fn assert_no_chromium(&self, when: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let left = self.chromium_processes();
            if left.is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromium left running {when}:\n{}",
                left.join("\n")
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until a Chromium of this directory runs.
    fn wait_for_chromium(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.chromium_processes().is_empty() {
            assert!(Instant::now() < deadline, "chromium never started");
            thread::sleep(Duration::from_millis(50));
        }
    }
}

fn is_zombie(proc_dir: &Path) -> bool {
    std::fs::read_to_string(proc_dir.join("stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

fn finish(mut child: Child, timeout: Duration) -> Outcome {
    use std::io::Read;
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("sitefeed ran longer than {timeout:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn feed_links(site: &Site, name: &str) -> Vec<String> {
    let feed = site.work.feed(&format!("{name}.json"));
    let mut links: Vec<String> = feed
        .entries
        .iter()
        .filter_map(|e| e.links.first().map(|l| l.href.clone()))
        .collect();
    links.sort();
    links
}

fn stories(server: &Server) -> Vec<String> {
    (1..=3)
        .map(|n| server.url(&format!("/news/2026/01/27/story-{n}.html")))
        .collect()
}

#[test]
fn a_script_built_list_is_a_feed_with_the_browser_and_empty_without() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    let other = Server::start_on("127.0.0.2");
    serve_site(&server, &other);
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\narticle_selector = \"#list a\"\nrender = \"browser\"\n\
         [[feed]]\nname = \"plain\"\nurl = \"{{BASE}}/news/\"\narticle_selector = \"#list a\"\n",
    ));
    site.run(&["run"], &[]).assert_code(0);

    assert_eq!(feed_links(&site, "spa"), stories(&server));
    assert_eq!(feed_links(&site, "plain"), Vec::<String>::new());
    let titles: Vec<_> = site
        .work
        .feed("spa.json")
        .entries
        .into_iter()
        .filter_map(|e| e.title.map(|t| t.content))
        .collect();
    assert!(titles.contains(&"Story number 2".to_string()), "{titles:?}");

    let paths = server.paths();
    for loaded in ["/static/list.js", "/api/list.json"] {
        assert!(
            paths.iter().any(|p| p == loaded),
            "{loaded} not loaded: {paths:?}"
        );
    }
    for skipped in [
        "/static/logo.png",
        "/static/serif.woff2",
        "/static/site.css",
    ] {
        assert!(
            !paths.iter().any(|p| p == skipped),
            "{skipped} was fetched: {paths:?}"
        );
    }
    assert!(
        other.requests().is_empty(),
        "another host was asked: {:?}",
        other.paths()
    );
    for request in server.requests() {
        assert_eq!(
            request.header("user-agent"),
            Some(USER_AGENT),
            "{}",
            request.target
        );
    }
    site.assert_no_chromium("after a normal run");
}

#[test]
fn render_articles_reads_article_pages_after_their_scripts() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    let other = Server::start_on("127.0.0.2");
    serve_site(&server, &other);
    server.route(
        "/news/2026/01/27/story-1.html",
        Response::html(
            "<!doctype html><html><head><title>x</title></head><body>\
             <script>document.title = 'Written by a script';</script></body></html>",
        ),
    );
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\nrender_articles = true\n",
    ));
    site.run(&["run"], &[]).assert_code(0);
    let titles: Vec<_> = site
        .work
        .feed("spa.json")
        .entries
        .into_iter()
        .filter_map(|e| e.title.map(|t| t.content))
        .collect();
    assert!(
        titles.contains(&"Written by a script".to_string()),
        "{titles:?}"
    );
    site.assert_no_chromium("after a run that rendered articles");
}

#[test]
fn wait_for_is_honoured() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    // Built eight seconds after load, with no request the network could be seen waiting on:
    // later than a render without wait_for waits for the page to settle (5s after load).
    server.route(
        "/late/",
        Response::html(
            "<!doctype html><html><body><ul id=\"list\"></ul><script>\
             setTimeout(() => { document.getElementById('list').innerHTML = \
             '<li><a href=\"/news/2026/01/27/story-1.html\">One</a></li>'; }, 8000);\
             </script></body></html>",
        ),
    );
    // Built by a timer soon after load: seen without wait_for (the tab's timers are not
    // throttled as a background tab's would be).
    server.route(
        "/soon/",
        Response::html(
            "<!doctype html><html><body><ul id=\"list\"></ul><script>\
             setTimeout(() => { document.getElementById('list').innerHTML = \
             '<li><a href=\"/news/2026/01/27/story-2.html\">Two</a></li>'; }, 300);\
             </script></body></html>",
        ),
    );
    server.route("/news/2026/01/27/story-1.html", Response::html(article(1)));
    server.route("/news/2026/01/27/story-2.html", Response::html(article(2)));
    let site = Site::new(&common::config_with(
        &server,
        &[("timeout", "\"15s\"")],
        "[[feed]]\nname = \"waited\"\nurl = \"{{BASE}}/late/\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\nwait_for = \"#list a\"\n\
         [[feed]]\nname = \"hasty\"\nurl = \"{{BASE}}/late/?again\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\n\
         [[feed]]\nname = \"never\"\nurl = \"{{BASE}}/late/?never\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\nwait_for = \"#list .nothing\"\n\
         [[feed]]\nname = \"soon\"\nurl = \"{{BASE}}/soon/\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\n",
    ));
    let outcome = site.run(&["run"], &[]);
    outcome.assert_code(1);
    assert_eq!(
        feed_links(&site, "waited"),
        vec![server.url("/news/2026/01/27/story-1.html")]
    );
    assert_eq!(feed_links(&site, "hasty"), Vec::<String>::new());
    assert_eq!(
        feed_links(&site, "soon"),
        vec![server.url("/news/2026/01/27/story-2.html")]
    );
    assert!(
        outcome.stderr.contains("feed never: ")
            && outcome
                .stderr
                .contains("wait_for \"#list .nothing\" matched nothing within 15s (timeout)"),
        "{}",
        outcome.stderr
    );
    site.assert_no_chromium("after a run with wait_for");
}

#[test]
fn robots_txt_is_obeyed_for_what_the_browser_loads() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    let other = Server::start_on("127.0.0.2");
    serve_site(&server, &other);
    server.route(
        "/robots.txt",
        Response::ok(
            "text/plain",
            "User-agent: *\nDisallow: /api/\nDisallow: /private/\n",
        ),
    );
    server.route(
        "/private/",
        Response::html(SECTION.replace("{{OTHER}}", "")),
    );
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\narticle_selector = \"#list a\"\nrender = \"browser\"\n\
         [[feed]]\nname = \"private\"\nurl = \"{{BASE}}/private/\"\nrender = \"browser\"\n",
    ));
    let outcome = site.run(&["run"], &[]);
    outcome.assert_code(1);
    let paths = server.paths();
    assert!(paths.iter().any(|p| p == "/static/list.js"), "{paths:?}");
    assert!(!paths.iter().any(|p| p.starts_with("/api/")), "{paths:?}");
    assert!(!paths.iter().any(|p| p == "/private/"), "{paths:?}");
    assert_eq!(feed_links(&site, "spa"), Vec::<String>::new());
    assert!(
        outcome.stderr.contains("feed private: ")
            && outcome.stderr.contains("disallowed by")
            && outcome.stderr.contains("/robots.txt"),
        "{}",
        outcome.stderr
    );
    site.assert_no_chromium("after a run refused by robots.txt");
}

#[test]
fn a_missing_browser_is_one_line_and_the_other_feeds_are_written() {
    let server = Server::start();
    server.route(
        "/plain/",
        Response::html(
            "<html><body><a href=\"/news/2026/01/27/story-1.html\">One</a></body></html>",
        ),
    );
    server.route("/news/2026/01/27/story-1.html", Response::html(article(1)));
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\nrender = \"browser\"\n\
         [[feed]]\nname = \"plain\"\nurl = \"{{BASE}}/plain/\"\n",
    ));
    let missing = [("SITEFEED_CHROMIUM", "/nonexistent/chromium")];

    let check = site.run(&["check"], &missing);
    check.assert_code(1);
    let lines: Vec<_> = check.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", check.stderr);
    assert!(
        lines[0].contains("feed \"spa\"")
            && lines[0].contains("needs Chromium")
            && lines[0].contains("apt install chromium"),
        "{}",
        lines[0]
    );

    let run = site.run(&["run"], &missing);
    run.assert_code(1);
    let lines: Vec<_> = run
        .stderr
        .lines()
        .filter(|l| l.contains("Chromium"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("feed spa: ")
            && lines[0].contains("SITEFEED_CHROMIUM=/nonexistent/chromium")
            && lines[0].contains("apt install chromium"),
        "{}",
        lines[0]
    );
    assert_eq!(
        feed_links(&site, "plain"),
        vec![server.url("/news/2026/01/27/story-1.html")]
    );
    assert!(!site.work.output_path("spa.json").exists());
}

/// A section whose list script never arrives: the page is mid-render for as long as a test
/// needs.
fn serve_stuck(server: &Server) {
    let other = Server::start_on("127.0.0.2");
    serve_site(server, &other);
    server.route(
        "/static/list.js",
        Response::ok("application/javascript", LIST_JS).delay(Duration::from_secs(20)),
    );
}

#[test]
fn no_chromium_outlives_sigterm_of_run_mid_render() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    serve_stuck(&server);
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\nrender = \"browser\"\n",
    ));
    let child = site.spawn(&["run"], &[]);
    site.wait_for_chromium();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.requests_for("/static/list.js").is_empty() {
        assert!(Instant::now() < deadline, "the render never started");
        thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let outcome = finish(child, Duration::from_secs(10));
    assert_eq!(outcome.code, None, "run dies of SIGTERM: {outcome:?}");
    site.assert_no_chromium("after SIGTERM of run");
}

#[test]
fn no_chromium_outlives_sigterm_of_watch_mid_render() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    serve_stuck(&server);
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\nrender = \"browser\"\ninterval = \"1s\"\n",
    ));
    let child = site.spawn(&["watch"], &[]);
    site.wait_for_chromium();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.requests_for("/static/list.js").is_empty() {
        assert!(Instant::now() < deadline, "the render never started");
        thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let outcome = finish(child, Duration::from_secs(10));
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    site.assert_no_chromium("after SIGTERM of watch");
}

#[test]
fn no_chromium_outlives_a_page_load_timeout() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    server.route(
        "/slow/",
        Response::html("<html><body></body></html>").delay(Duration::from_secs(20)),
    );
    // A script that never yields: the tab answers nothing more, so the browser is replaced.
    server.route(
        "/busy/",
        Response::html("<html><body><script>while (true) {}</script></body></html>"),
    );
    let other = Server::start_on("127.0.0.2");
    serve_site(&server, &other);
    let site = Site::new(&common::config_with(
        &server,
        &[("timeout", "\"2s\"")],
        "[[feed]]\nname = \"slow\"\nurl = \"{{BASE}}/slow/\"\nrender = \"browser\"\n\
         [[feed]]\nname = \"busy\"\nurl = \"{{BASE}}/busy/\"\nrender = \"browser\"\n\
         [[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\n",
    ));
    let started = Instant::now();
    let outcome = site.run(&["run"], &[]);
    outcome.assert_code(1);
    assert!(
        outcome.stderr.contains("feed slow: ")
            && outcome
                .stderr
                .contains("did not load it within 2s (timeout)"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("feed busy: ")
            && outcome.stderr.matches("did not load it within").count() == 2,
        "{}",
        outcome.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // The pages after them are rendered by a browser started afresh.
    assert_eq!(feed_links(&site, "spa"), stories(&server));
    site.assert_no_chromium("after a page-load timeout");
}

#[test]
fn check_refuses_bad_render_keys_at_their_line_and_column() {
    let server = Server::start();
    for (keys, position, words) in [
        (
            "render = \"firefox\"\n",
            ":9:10: ",
            "unknown render \"firefox\"",
        ),
        ("render = 1\n", ":9:10: ", "`render`"),
        (
            "render = \"browser\"\nrender_articles = \"yes\"\n",
            ":10:19: ",
            "`render_articles`",
        ),
        (
            "render = \"browser\"\nwait_for = \"ul >> [\"\n",
            ":10:12: ",
            "is not a valid CSS selector",
        ),
        (
            "wait_for = \"ul a\"\n",
            ":9:12: ",
            "`wait_for` needs render = \"browser\"",
        ),
        (
            "render = \"browser\"\nrender_later = true\n",
            ":10:1: ",
            "render_later",
        ),
    ] {
        let site = Site::new(&common::config(
            &server,
            &format!("[[feed]]\nname = \"spa\"\nurl = \"{{{{BASE}}}}/news/\"\n{keys}"),
        ));
        let outcome = site.run(&["check"], &[]);
        outcome.assert_code(2);
        let line = outcome.stderr.trim();
        assert!(
            !line.contains('\n') && line.contains(position) && line.contains(words),
            "{keys}: {line}"
        );
    }
}

#[test]
fn no_chromium_outlives_sigkill_of_run_mid_render() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    serve_stuck(&server);
    let site = Site::new(&common::config(
        &server,
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\nrender = \"browser\"\n",
    ));
    let child = site.spawn(&["run"], &[]);
    site.wait_for_chromium();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.requests_for("/static/list.js").is_empty() {
        assert!(Instant::now() < deadline, "the render never started");
        thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    finish(child, Duration::from_secs(10));
    site.assert_no_chromium("after SIGKILL of run");
}

#[test]
fn browser_loads_keep_the_per_host_delay_and_allowed_hosts() {
    if !have_chromium() {
        return;
    }
    let server = Server::start();
    let other = Server::start_on("127.0.0.2");
    serve_site(&server, &other);
    let site = Site::new(&common::config_with(
        &server,
        &[("delay", "\"400ms\"")],
        "[[feed]]\nname = \"spa\"\nurl = \"{{BASE}}/news/\"\narticle_selector = \"#list a\"\n\
         render = \"browser\"\nallowed_hosts = [\"127.0.0.2\"]\n",
    ));
    site.run(&["run"], &[]).assert_code(0);
    assert_eq!(feed_links(&site, "spa"), stories(&server));
    // The allowed host is loaded, after its own robots.txt.
    assert_eq!(other.paths(), ["/robots.txt", "/tracker.js"]);
    let requests = server.requests();
    // The gap is kept when Chromium's request is let through; its trip to the server varies
    // (tens of ms on a loaded machine), so the arrivals are allowed that much less. Without
    // the delay they come within a few ms of each other.
    for pair in requests.windows(2) {
        let gap = pair[1].received.duration_since(pair[0].received);
        assert!(
            gap >= Duration::from_millis(300),
            "{} then {} after {gap:?}",
            pair[0].target,
            pair[1].target
        );
    }
    let paths: Vec<_> = requests.iter().map(|r| r.path()).collect();
    assert!(
        paths.contains(&"/static/list.js") && paths.contains(&"/api/list.json"),
        "{paths:?}"
    );
}
