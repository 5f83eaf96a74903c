#!/usr/bin/env python3
"""Trafilatura's main-text extraction on the corpus pages whose truth states a body (fundus's
128), as the peer of benches/fulltext.rs in BENCHMARKS.md (## Full text): writes score.py
predictions ({"id", "body"}) and times the pages, decoded once up front, single thread, best of
N passes.

  python3 benches/trafilatura_fulltext.py [CORPUS_DIR] [--passes N] [--format txt|html]
                                          [--precision] [--no-comments] [--out PATH]
  python3 ../shared/corpus/score.py target/trafilatura-fulltext.jsonl

CORPUS_DIR defaults to $SITEFEED_CORPUS, else ../shared/corpus beside this repository. The
default is trafilatura.extract's defaults (comments included, plain text); --precision sets
favor_precision, --no-comments include_comments=False. Exits 0 when the corpus is absent.
"""
import argparse
import collections
import html
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # importing the sibling bench would leave benches/__pycache__
from trafilatura_bench import HERE, add_corpus_argument, best_of, load_pages  # noqa: E402

# As benches/fulltext.rs: share of a truth's words that must occur in the page's own text.
ON_PAGE = 0.8


def report(corpus, pages, results):
    """score.py's body F1, and the same on the pages whose truth is on the page, as
    benches/fulltext.rs reports it (some truths are another page's body)."""
    sys.path.insert(0, corpus)
    import score

    def strip(s):
        return html.unescape(re.sub(r"<[^>]+>", " ", s)) if "<" in s else s

    def recall(pred, gold):
        return sum((collections.Counter(pred) & collections.Counter(gold)).values()) / max(len(gold), 1)

    rows = []
    for (_, page, _, truth), (_, body) in zip(pages, results):
        gold = score.words(truth)
        f1 = score.bag_f1(score.words(strip(body or "")), gold)
        rows.append((f1, recall(score.words(strip(page)), gold) >= ON_PAGE))
    for name, sel in (("", rows), (" whose truth is on the page", [r for r in rows if r[1]])):
        n = max(len(sel), 1)
        print(f"body on the {len(sel)} pages{name}: mean word F1 {100 * sum(f for f, _ in sel) / n:.2f}%,"
              f" F1 >= 0.8 {100 * sum(f >= 0.8 for f, _ in sel) / n:.1f}%")


def main():
    ap = argparse.ArgumentParser()
    add_corpus_argument(ap)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--format", default="txt", choices=["txt", "html"])
    ap.add_argument("--precision", action="store_true", help="favor_precision=True")
    ap.add_argument("--no-comments", action="store_true", help="include_comments=False")
    ap.add_argument("--out", default=os.path.join(
        os.environ.get("CARGO_TARGET_DIR") or os.path.join(HERE, "..", "target"),
        "trafilatura-fulltext.jsonl"))
    a = ap.parse_args()
    loaded = load_pages(a.corpus, lambda row: row.get("kind", "article") == "article"
                        and "body" in row["expected"])
    if loaded is None:
        print(f"trafilatura_fulltext: no corpus at {a.corpus} (manifest.jsonl missing); skipped")
        return 0
    import trafilatura

    pages = [(row["id"], h, row.get("url"), row["expected"]["body"]) for row, h in loaded]
    options = dict(output_format=a.format, favor_precision=a.precision,
                   include_comments=not a.no_comments)

    def run():
        return [(i, trafilatura.extract(h, url=u, **options)) for i, h, u, _ in pages]

    best, results = best_of(a.passes, run)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        for i, body in results:
            f.write(json.dumps({"id": i, "body": body or ""}, ensure_ascii=False) + "\n")
    shown = ", ".join(f"{k}={v}" for k, v in options.items())
    print(f"trafilatura_fulltext: {len(pages)} body pages, best of {a.passes} passes, 1 thread,"
          f" trafilatura {trafilatura.__version__} extract({shown})")
    print(f"{'trafilatura.extract':<30} {len(pages) / best:8.1f} pages/s {best:8.3f} s"
          f"  no text {sum(1 for _, b in results if not (b or '').strip())}")
    report(a.corpus, pages, results)
    print(f"predictions: {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
