//! The hand-written fixture site shaped like sputnikglobe.com (`tests/fixtures/sputnik/`).
//!
//! `site/` mirrors URL paths: `site/world/index.html` is served at `/world/`,
//! `site/20260127/x-1.html` at `/20260127/x-1.html`. Other folders hold later versions of pages
//! that a test swaps in between runs. Files carry `{{BASE}}` (`http://127.0.0.1:PORT`) and
//! `{{HOSTPORT}}` (`127.0.0.1:PORT`) placeholders, filled in for the server that serves them.

use super::{Response, Server};
use std::fs;
use std::path::{Path, PathBuf};

/// Root of the Sputnik fixture tree.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sputnik");

/// A few bytes that start and end like a JPEG, served for every `/img/` path (the "CDN").
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

/// The `[[feed]]` tables of the three sections most tests run: World (with a configured title),
/// Russia and Economy.
pub const THREE_SECTIONS: &str = r#"
[[feed]]
name = "world"
title = "Sputnik: World"
url = "{{BASE}}/world/"

[[feed]]
name = "russia"
url = "{{BASE}}/russia/"

[[feed]]
name = "economy"
url = "{{BASE}}/economy/"
"#;

/// `text` with the placeholders replaced for `server`.
pub fn fill(text: &str, server: &Server) -> String {
    text.replace("{{BASE}}", &server.base())
        .replace("{{HOSTPORT}}", &server.hostport())
}

/// Serves the whole fixture site (`site/`) and the image "CDN" on `server`.
pub fn serve_sputnik(server: &Server) {
    let root = Path::new(ROOT).join("site");
    for file in files_under(&root) {
        let relative = file
            .strip_prefix(&root)
            .expect("file under root")
            .to_str()
            .expect("utf-8 fixture path")
            .replace('\\', "/");
        let path = match relative.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{relative}"),
        };
        server.route(&path, page(server, &format!("site/{relative}")));
    }
    server.route_prefix("/img/", Response::ok("image/jpeg", JPEG));
}

/// The fixture file `relative` (to `tests/fixtures/sputnik/`) as an HTML response for `server`.
pub fn page(server: &Server, relative: &str) -> Response {
    let path = Path::new(ROOT).join(relative);
    let text = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("read fixture {}: {e}", path.display()));
    Response::html(fill(&text, server))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("read fixture dir {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("fixture dir entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}
