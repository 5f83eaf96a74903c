#!/usr/bin/env python3
"""Trafilatura's metadata extraction over the measurement corpus, for the speed comparison in
BENCHMARKS.md (## Extraction). Same pages, decoded once up front, single thread, best of N passes.

  python3 -m venv /tmp/trafvenv && /tmp/trafvenv/bin/pip install trafilatura
  /tmp/trafvenv/bin/python benches/trafilatura_bench.py [CORPUS_DIR] [--passes N] [--full]

CORPUS_DIR defaults to $SITEFEED_CORPUS, else ../shared/corpus beside this repository.
By default it times trafilatura.metadata.extract_metadata (metadata only, like sitefeed's
extractor); --full times bare_extraction (metadata plus main text). Pages are decoded the way
the Rust bench decodes them only approximately (BOM, declared charset, else UTF-8 with
replacement): decoding is outside the timed region either way. Exits 0 when the corpus is absent.
"""
import argparse
import gzip
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def decode(data):
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace")
    m = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", data[:4096], re.I)
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    return data.decode("utf-8", "replace")


def add_corpus_argument(ap):
    ap.add_argument("corpus", nargs="?", default=os.environ.get("SITEFEED_CORPUS")
                    or os.path.join(HERE, "..", "..", "shared", "corpus"))


def load_pages(corpus, keep=lambda row: True):
    """(manifest row, decoded HTML) of the corpus pages `keep` accepts, or None without a corpus."""
    manifest = os.path.join(corpus, "manifest.jsonl")
    if not os.path.isfile(manifest):
        return None
    pages = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            if not keep(row):
                continue
            path = os.path.join(corpus, row["file"])
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as g:
                pages.append((row, decode(g.read())))
    return pages


def best_of(passes, run):
    """The fastest of `passes` calls of `run`, in seconds, and what the last call returned."""
    best, result = None, None
    for _ in range(passes):
        t = time.perf_counter()
        result = run()
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    return best, result


def main():
    ap = argparse.ArgumentParser()
    add_corpus_argument(ap)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--full", action="store_true")
    a = ap.parse_args()
    loaded = load_pages(a.corpus)
    if loaded is None:
        print(f"trafilatura_bench: no corpus at {a.corpus} (manifest.jsonl missing); skipped")
        return 0
    import trafilatura
    from trafilatura.metadata import extract_metadata

    pages = [(h, row.get("url")) for row, h in loaded]
    mb = sum(len(h.encode("utf-8")) for h, _ in pages) / 1e6
    if a.full:
        name = "trafilatura.bare_extraction"
        run = lambda h, u: trafilatura.bare_extraction(h, url=u)
    else:
        name = "trafilatura extract_metadata"
        run = lambda h, u: extract_metadata(h, default_url=u)

    def run_all():
        for h, u in pages:
            run(h, u)

    best, _ = best_of(a.passes, run_all)
    print(f"trafilatura_bench: {len(pages)} pages, {mb:.1f} MB, best of {a.passes} passes, 1 thread,"
          f" trafilatura {trafilatura.__version__}")
    print(f"{name:<30} {len(pages) / best:8.1f} pages/s {mb / best:7.2f} MB/s {best:8.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
