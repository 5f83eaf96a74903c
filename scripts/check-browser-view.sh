#!/usr/bin/env bash
# Looks at what a person sees when opening sitefeed's output in a browser.
#
# Runs the real binary against the Sputnik fixture site (tests/fixtures/sputnik/site, served on
# 127.0.0.1 by python3's http.server), serves output/ on a second loopback port, and takes
# headless-Chromium screenshots at phone width (412x900) of:
#   - index.html
#   - a .rss and a .atom file, each served with several Content-Types, because what Chromium
#     does with a feed depends on the type: application/rss+xml, application/atom+xml,
#     application/x-rss+xml (what python's http.server sends for .rss on Debian),
#     application/xml and text/xml.
# For every URL it also records the DOM Chromium ended up with (--dump-dom), and classifies
# what a person sees: "rendered" (a styled page), "raw source as plain text" (Chromium's text
# viewer), "BLANK page" (the screenshot has next to no colours) or "download (nothing shown)".
# It exits 1 when index.html, or a feed served as application/xml or text/xml (the types for
# which the xml-stylesheet approach can work), is not "rendered". Look at the PNGs as well:
# the classification cannot tell a well-styled page from unstyled run-on text.
#
# Nothing leaves 127.0.0.1. Usage:
#   scripts/check-browser-view.sh [OUT_DIR]
# OUT_DIR (default: a new temp dir) receives the PNGs, the DOM dumps, the served output/ and
# summary.txt.
# Needs: cargo, python3, chromium (Debian: apt-get install chromium).

set -euo pipefail
# Everything is on 127.0.0.1: no proxy may stand in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d -t sitefeed-browser-XXXXXX)}
mkdir -p "$out"
work=$(mktemp -d -t sitefeed-browser-work-XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium_bin ]]; then
    echo "chromium not found (Debian: apt-get install chromium)" >&2
    exit 2
fi

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() { # URL: poll until it answers, at most ~10 s
    for _ in $(seq 1 100); do
        if python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "server at $1 did not come up" >&2
    exit 1
}

(cd "$repo" && cargo build --quiet)
sitefeed="${CARGO_TARGET_DIR:-$repo/target}/debug/sitefeed"

# 1. The fixture site with its placeholders filled in.
site_port=$(free_port)
cp -r "$repo/tests/fixtures/sputnik/site" "$work/site"
find "$work/site" -type f -name '*.html' -exec sed -i \
    -e "s|{{BASE}}|http://127.0.0.1:$site_port|g" \
    -e "s|{{HOSTPORT}}|127.0.0.1:$site_port|g" {} +
python3 -m http.server "$site_port" --bind 127.0.0.1 --directory "$work/site" \
    >"$work/site.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$site_port/world/"

# 2. One sitefeed pass.
out_port=$(free_port)
cat >"$work/feeds.toml" <<EOF
output_dir = "output"
state = "state.db"
base_url = "http://127.0.0.1:$out_port/"
delay = "0s"
retries = 0

[[feed]]
name = "world"
title = "Sputnik: World"
url = "http://127.0.0.1:$site_port/world/"

[[feed]]
name = "russia"
url = "http://127.0.0.1:$site_port/russia/"

[[feed]]
name = "economy"
url = "http://127.0.0.1:$site_port/economy/"
formats = ["atom"]
EOF
"$sitefeed" run --config "$work/feeds.toml" || {
    echo "sitefeed run failed" >&2
    exit 1
}
cp -r "$work/output" "$out/output"

# 3. output/ served with a chosen Content-Type: /TYPE/FILE.rss (or .atom) serves output/FILE.rss
#    as TYPE, where TYPE is a key of the table below; every other file (feed.css above all,
#    which browsers refuse under a non-CSS type) and /FILE get python's own guess.
cat >"$work/serve.py" <<'EOF'
import http.server, mimetypes, os, sys

TYPES = {
    "rss": "application/rss+xml",
    "x-rss": "application/x-rss+xml",
    "atom": "application/atom+xml",
    "xml": "application/xml",
    "text-xml": "text/xml",
}

class Handler(http.server.SimpleHTTPRequestHandler):
    forced = None

    def translate_path(self, path):
        parts = path.lstrip("/").split("/", 1)
        Handler.forced = None
        if len(parts) == 2 and parts[0] in TYPES:
            Handler.forced = TYPES[parts[0]]
            path = "/" + parts[1]
        return super().translate_path(path)

    def guess_type(self, path):
        if Handler.forced and path.endswith((".rss", ".atom")):
            return Handler.forced
        return super().guess_type(path)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.headers.get("Accept", "-"), fmt % args))

port, root = int(sys.argv[1]), sys.argv[2]
os.chdir(root)
# One request at a time, so the class-level `forced` cannot be shared by two requests.
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
EOF
python3 "$work/serve.py" "$out_port" "$work/output" >"$out/output-server.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$out_port/index.html"

# 4. Screenshots and DOM dumps, and what a person sees in each.
chrome() { # ARGS...: one headless Chromium with a fresh profile, bounded in time
    local profile status=0
    profile=$(mktemp -d -t sitefeed-chromium-XXXXXX)
    # A response Chromium downloads instead of showing never finishes loading in headless
    # mode, hence the short bound.
    timeout 20 "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --no-proxy-server --user-data-dir="$profile" --window-size=412,900 \
        --hide-scrollbars "$@" || status=$?
    rm -rf "$profile"
    return $status
}

# Distinct byte values in a PNG's decompressed pixel data: a blank page has a handful.
png_colours() {
    python3 - "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + length]
    pos += 12 + length
print(len(set(zlib.decompress(idat))))
PY
}

base="http://127.0.0.1:$out_port"
failures=0

# NAME PATH EXPECT: EXPECT is what the page must look like ("rendered"), or "-" to only report.
shoot() {
    local name=$1 url=$base$2 expect=$3 seen type verdict=""
    chrome --screenshot="$out/$name.png" "$url" >"$out/$name.chromium.log" 2>&1 ||
        echo "chromium exited $? for $url" >>"$out/$name.chromium.log"
    chrome --dump-dom "$url" >"$out/$name.dom.txt" 2>>"$out/$name.chromium.log" || true
    type=$(python3 -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).headers.get("Content-Type"))' "$url")
    if [[ ! -s $out/$name.png || ! -s $out/$name.dom.txt ]]; then
        seen="download (nothing shown)"
    elif grep -q '^<html><head><meta name="color-scheme" content="light dark">.*<pre' "$out/$name.dom.txt"; then
        # Chromium's text viewer: the file's source, monospaced.
        seen="raw source as plain text"
    elif (($(png_colours "$out/$name.png") <= 8)); then
        seen="BLANK page"
    else
        seen="rendered"
    fi
    if [[ $expect != - && $seen != "$expect" ]]; then
        verdict="  <-- FAIL: expected $expect"
        failures=$((failures + 1))
    fi
    printf '%-17s %-22s %-24s %s%s\n' "$name" "$2" "$type" "$seen" "$verdict" |
        tee -a "$out/summary.txt"
}

printf '%-17s %-22s %-24s %s\n' name path content-type "what a person sees" |
    tee "$out/summary.txt"
shoot index /index.html rendered
shoot rss-default /world.rss -
shoot atom-default /world.atom -
shoot rss-as-rss /rss/world.rss -
shoot rss-as-x-rss /x-rss/world.rss -
shoot rss-as-xml /xml/world.rss rendered
shoot rss-as-text-xml /text-xml/world.rss rendered
shoot atom-as-atom /atom/world.atom -
shoot atom-as-xml /xml/world.atom rendered
shoot atom-as-text-xml /text-xml/world.atom rendered
shoot json-default /world.json -
shoot opml-default /feeds.opml -

echo "screenshots, DOM dumps and summary in $out"
if ((failures > 0)); then
    echo "$failures page(s) not shown as expected" >&2
    exit 1
fi
