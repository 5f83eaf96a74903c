#!/usr/bin/env bash
# Extraction quality on the shared corpus of real pages (see BENCHMARKS.md, "Extraction").
#   scripts/score-corpus.sh [--by-source]
# Runs `sitefeed probe --json` over every page of the corpus manifest, scores the predictions
# with the corpus's own score.py, and counts titles that look like mojibake. Skips cleanly
# (exit 0) when the corpus is absent. $SITEFEED_CORPUS overrides its location.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${SITEFEED_CORPUS:-../shared/corpus}"
if [ ! -f "$corpus/manifest.jsonl" ]; then
  echo "score-corpus: no corpus at $corpus (manifest.jsonl missing); skipped"
  exit 0
fi
preds="${PREDICTIONS:-$(mktemp -t sitefeed-preds.XXXXXX.jsonl)}"
cargo run --quiet --release -- probe --json --manifest "$corpus/manifest.jsonl" > "$preds"
python3 "$corpus/score.py" "$preds" "$@"
python3 - "$preds" <<'PY'
import json, sys
bad = [l["id"] for l in map(json.loads, open(sys.argv[1]))
       if any(m in (l.get("title") or "") for m in ("\ufffd", "Ã©", "â€™", "Ã¤", "Ð¾"))]
print(f"titles with mojibake: {len(bad)}" + (f" ({', '.join(bad[:10])})" if bad else ""))
PY
echo "predictions: $preds"
