#!/usr/bin/env bash
# Runs every test: unit tests, then REST integration tests against a real OpenSearch node with the plugin
# (an Elasticsearch node with POLYSPAN_ENGINE=elasticsearch).
#
#   integ-test/run-tests.sh [extra Maven arguments...]
#
# Stages: system packages (Debian, installed only when missing) -> test fixtures with their self checks
# (models/build-default.sh --tiny-checks) and the default model with its int8 model (a failed int8 check fails the run)
# -> plugin zip -> node on POLYSPAN_IT_PORT (default 9250) with the fixtures -> mvn verify (surefire + failsafe) ->
# node stopped -> 3-node cluster on POLYSPAN_IT_CLUSTER_PORT (default 9270, +1, +2) -> the multi-node tests (ClusterIT)
# -> a soak of SOAK_MINUTES (default 1) against the cluster (models/tool.sh Soak) -> cluster stopped -> a single
# Elasticsearch node on POLYSPAN_IT_ES_PORT (default 9260) -> the REST tests against it -> node stopped -> the demo
# (integ-test/demo.sh, on the models built in stage 2) on OpenSearch on POLYSPAN_IT_DEMO_PORT (default 9280), then on
# Elasticsearch on POLYSPAN_IT_DEMO_ES_PORT (default 9290): each must print spans for its three documents and a
# projection; each demo node is stopped after its demo (output in integ-test/build/demo-<engine>.log).
# Nodes are stopped on exit. Works non-interactively and as root (CI).
#
# Environment: POLYSPAN_ENGINE (opensearch or elasticsearch; the cluster, Elasticsearch and demo stages run with
# opensearch only: with elasticsearch, stage 5 already runs every test against Elasticsearch), POLYSPAN_IT_PORT
# (default 9250), POLYSPAN_IT_CLUSTER_PORT (default 9270), POLYSPAN_IT_ES_PORT (default 9260), POLYSPAN_IT_DEMO_PORT
# (default 9280), POLYSPAN_IT_DEMO_ES_PORT (default 9290), SOAK_MINUTES (default 1), SKIP_DEFAULT_MODEL=1 (do not
# build mbert-ner; its tests and the demos then fail unless it was built before), KEEP_NODE=1 (leave the single node
# running for debugging; the cluster, Elasticsearch and demo stages are then skipped).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
exec < /dev/null

PORT="${POLYSPAN_IT_PORT:-9250}"
CLUSTER_PORT="${POLYSPAN_IT_CLUSTER_PORT:-9270}"
ES_PORT="${POLYSPAN_IT_ES_PORT:-9260}"
DEMO_PORT="${POLYSPAN_IT_DEMO_PORT:-9280}"
DEMO_ES_PORT="${POLYSPAN_IT_DEMO_ES_PORT:-9290}"
CLUSTER_NODES=3
CLUSTER_URLS="http://127.0.0.1:$CLUSTER_PORT"
for ((i = 1; i < CLUSTER_NODES; i++)); do CLUSTER_URLS+=",http://127.0.0.1:$((CLUSTER_PORT + i))"; done
TEST_MODELS="$REPO_DIR/target/test-models"
MVN=(mvn -B -Dstyle.color=never)
declare -a TIMINGS=()
T_STAGE=0
T_ALL=$SECONDS

CURRENT=""
begin() { T_STAGE=$SECONDS; CURRENT="$*"; stage "$*"; }
end() { TIMINGS+=("$(printf '%-44s %5ds' "$1" $((SECONDS - T_STAGE)))"); CURRENT=""; }
summary() {
  local rc=$?
  [[ -z "$CURRENT" ]] || TIMINGS+=("$(printf '%-44s %5ds' "FAILED in: ${CURRENT#* }" $((SECONDS - T_STAGE)))")
  if [[ -n "${CLUSTER_STARTED:-}" ]]; then
    stage "stopping the cluster"
    OPENSEARCH_PORT="$CLUSTER_PORT" POLYSPAN_NODES=$CLUSTER_NODES "$INTEG_DIR/node.sh" stop || true
  fi
  if [[ -n "${ES_NODE_STARTED:-}" ]]; then
    stage "stopping the Elasticsearch node"
    POLYSPAN_ENGINE=elasticsearch OPENSEARCH_PORT="$ES_PORT" POLYSPAN_NODES=1 "$INTEG_DIR/node.sh" stop || true
  fi
  if [[ -n "${DEMO_NODE:-}" ]]; then
    stage "stopping the demo node (${DEMO_NODE% *} on port ${DEMO_NODE#* })"
    POLYSPAN_ENGINE="${DEMO_NODE% *}" OPENSEARCH_PORT="${DEMO_NODE#* }" POLYSPAN_NODES=1 "$INTEG_DIR/node.sh" stop || true
  fi
  if [[ -n "${NODE_STARTED:-}" && -z "${KEEP_NODE:-}" ]]; then
    stage "stopping the node"
    OPENSEARCH_PORT="$PORT" POLYSPAN_NODES=1 "$INTEG_DIR/node.sh" stop || true
  elif [[ -n "${NODE_STARTED:-}" ]]; then
    info "KEEP_NODE set: node left running on http://127.0.0.1:$PORT (integ-test/node.sh stop with OPENSEARCH_PORT=$PORT)"
  fi
  stage "summary"
  local t
  for t in "${TIMINGS[@]}"; do echo "  $t"; done
  printf '  %-44s %5ds\n' "total" $((SECONDS - T_ALL))
  if [[ $rc -eq 0 ]]; then echo "  RESULT: all tests passed"; else echo "  RESULT: FAILED (exit $rc)"; fi
  exit $rc
}
trap summary EXIT

# The int8 model on an x86-64 CPU without AVX-512 or VNNI, emulated by qemu-user (Haswell): ONNX Runtime's default int8
# kernels saturate there, so the node must take the exact U8U8 path and pass the self-check, and the same model forced
# onto the default kernels must fail it (README, "int8 on every CPU"). About 3 minutes; x86-64 hosts only.
int8_on_an_avx2_only_cpu() {
  if [[ "$(uname -m)" != x86_64 ]]; then
    info "not an x86-64 host: the emulated AVX2-only int8 check is skipped"
    return 0
  fi
  int8_model_built || die "no complete int8 model at $INT8_MODEL_DIR for the emulated int8 check"
  local out rc
  emulated_self_check() {
    POLYSPAN_TOOL_PREFIX="qemu-x86_64 -cpu Haswell-v4" \
      POLYSPAN_TOOL_JAVA_OPTS="-Xmx3g --enable-native-access=ALL-UNNAMED $1" \
      "$REPO_DIR/models/tool.sh" SelfCheck --verify "$INT8_MODEL_DIR" 2>&1 | grep -v "TCG doesn't support" | grep -v '^SLF4J'
  }
  info "int8 on an emulated AVX2-only CPU: the self-check of ${INT8_MODEL_DIR#"$REPO_DIR"/} as a node runs it"
  rc=0
  out="$(emulated_self_check "")" || rc=$?
  printf '%s
' "$out" | sed 's/^/    /'
  [[ $rc -eq 0 && "$out" == *"int8_kernels=saturating"* && "$out" == *"int8_path=u8u8"* && "$out" == *"self-check passed"* ]] \
    || die "on an emulated AVX2-only CPU the int8 model must see saturating kernels, take the U8U8 path and pass its self-check"
  info "the same model forced onto the saturating kernels (-Dpolyspan.int8.exact_path=off) must fail its self-check"
  rc=0
  out="$(emulated_self_check "-Dpolyspan.int8.exact_path=off")" || rc=$?
  printf '%s
' "$out" | tail -1 | sed 's/^/    /'
  [[ $rc -eq 1 && "$out" == *"self-check failed"* ]] \
    || die "the int8 model on saturating kernels passed its self-check (exit $rc): the check cannot see the failure it guards against"
}

# ------------------------------------------------------------------ 1. system packages
begin "1/11 system packages"
install_system_packages
# the Apertium unit tests fail instead of skipping when the engine is missing
export POLYSPAN_REQUIRE_APERTIUM=1
# so do the tests that read the gold data sets of ../shared/data (see README, Tests and the gold data)
export POLYSPAN_REQUIRE_GOLD_DATA=1
select_java
info "java: $JAVA_HOME"
end "system packages"

# ------------------------------------------------------------------ 2. models
begin "2/11 test fixtures and default model"
# the recipe's own unit tests first: the quantiser's weights against emulated int8 kernels of every CPU kind
(cd "$REPO_DIR/models/recipe" && "${PYTHON:-/usr/bin/python3}" -m unittest discover -p 'test_*.py') \
  || die "the recipe's unit tests (models/recipe/test_*.py) failed"
# the fixtures (made again only when the recipe changed), then their self_check.json files and tiny-heads-broken: these
# run the Java tools, which Maven's own --tiny run (generate-test-resources) cannot do while it builds the core
"$REPO_DIR/models/build-default.sh" --tiny-checks "$TEST_MODELS"
if [[ -n "${SKIP_DEFAULT_MODEL:-}" ]]; then
  info "SKIP_DEFAULT_MODEL set: not building mbert-ner"
else
  "$REPO_DIR/models/build-default.sh"
  int8_on_an_avx2_only_cpu
fi
end "fixtures and default model"

# ------------------------------------------------------------------ 3. plugin
begin "3/11 plugin zip"
quiet_mvn "$REPO_DIR" package -DskipTests || die "plugin build failed"
[[ -f "$PLUGIN_ZIP" ]] || die "no plugin zip at $PLUGIN_ZIP"
info "built ${PLUGIN_ZIP#"$REPO_DIR"/}"
end "plugin zip"

# ------------------------------------------------------------------ 4. node
begin "4/11 $ENGINE_NAME node on port $PORT"
NODE_STARTED=1
OPENSEARCH_PORT="$PORT" POLYSPAN_NODES=1 POLYSPAN_EXTRA_MODELS="$TEST_MODELS" "$INTEG_DIR/node.sh" start
end "node start"

# ------------------------------------------------------------------ 5. tests
begin "5/11 mvn verify (unit tests, then integration tests against http://127.0.0.1:$PORT)"
(cd "$REPO_DIR" && "${MVN[@]}" verify -DskipITs=false -Dpolyspan.it.url="http://127.0.0.1:$PORT" -Dpolyspan.it.engine="$ENGINE" "$@")
end "mvn verify"

if [[ -n "${KEEP_NODE:-}" ]]; then
  info "KEEP_NODE set: the cluster, Elasticsearch and demo stages are skipped"
  exit 0
fi
if [[ "$ENGINE" != opensearch ]]; then
  info "the cluster, Elasticsearch and demo stages run after OpenSearch tests only"
  exit 0
fi
# the single node is not needed any more: its memory and CPU go to the cluster
OPENSEARCH_PORT="$PORT" POLYSPAN_NODES=1 "$INTEG_DIR/node.sh" stop
NODE_STARTED=

# ------------------------------------------------------------------ 6. cluster
begin "6/11 $CLUSTER_NODES-node cluster on ports $CLUSTER_PORT-$((CLUSTER_PORT + CLUSTER_NODES - 1))"
CLUSTER_STARTED=1
OPENSEARCH_PORT="$CLUSTER_PORT" POLYSPAN_NODES=$CLUSTER_NODES POLYSPAN_EXTRA_MODELS="$TEST_MODELS" "$INTEG_DIR/node.sh" start
end "cluster start"

# ------------------------------------------------------------------ 7. multi-node tests
begin "7/11 multi-node tests (ClusterIT against $CLUSTER_URLS)"
# only the failsafe goals: the unit tests and the fixtures ran in stage 5
(cd "$REPO_DIR" && "${MVN[@]}" -pl integ-test -am test-compile failsafe:integration-test failsafe:verify -DskipITs=false \
  -Dit.test=ClusterIT -Dit.failIfNoSpecifiedTests=false -Dpolyspan.skipTestModels=true -Dpolyspan.it.cluster="$CLUSTER_URLS" "$@")
end "multi-node tests"

# ------------------------------------------------------------------ 8. soak
begin "8/11 soak: ${SOAK_MINUTES:-1} minute(s) against the cluster"
POLYSPAN_TOOL_JAVA_OPTS=-Xmx512m "$REPO_DIR/models/tool.sh" Soak --urls "$CLUSTER_URLS" --minutes "${SOAK_MINUTES:-1}" \
  --data "$REPO_DIR/../shared/data"
end "soak"
# the cluster is not needed any more: its memory and CPU go to the Elasticsearch node
OPENSEARCH_PORT="$CLUSTER_PORT" POLYSPAN_NODES=$CLUSTER_NODES "$INTEG_DIR/node.sh" stop
CLUSTER_STARTED=

# ------------------------------------------------------------------ 9. Elasticsearch node
begin "9/11 Elasticsearch node on port $ES_PORT"
ES_NODE_STARTED=1
# the zip was built in stage 3 (mvn package builds both); node.sh rebuilds it only if a source is newer
POLYSPAN_ENGINE=elasticsearch OPENSEARCH_PORT="$ES_PORT" POLYSPAN_NODES=1 POLYSPAN_EXTRA_MODELS="$TEST_MODELS" \
  "$INTEG_DIR/node.sh" start
end "Elasticsearch node start"

# ------------------------------------------------------------------ 10. REST tests on Elasticsearch
begin "10/11 REST tests against Elasticsearch (http://127.0.0.1:$ES_PORT)"
# only the failsafe goals on the integ-test module, as in stage 7. The classes that test the plugin's engine side (REST
# paths, processor, errors, models API, tasks); tests that cannot hold on Elasticsearch skip with their reason
# (PolyspanRest.elasticsearch()). Left out: DefaultModelIT, Int8ModelIT and MedicalArgumentIT measure what the models
# label (the engine-neutral core, the same bytes on both engines; they ran in stage 5), TranslateTrainIT (the
# translate-train loop: _project, _reload and _simulate, tested on Elasticsearch by the classes above; it trains a head,
# about a minute) ran in stage 5 too, and ClusterIT needs a cluster.
ES_ITS=ModelsRestIT,StatsRestIT,TinyModelPipelineIT,Seq2SeqPipelineIT,ProjectRestIT,ProjectIndexIT,ProjectSeq2SeqIT,TranslateFirstIT
ES_ITS+=,NmtProjectionIT,NmtTranslateFirstIT,SelfCheckIT
(cd "$REPO_DIR" && "${MVN[@]}" -pl integ-test -am test-compile failsafe:integration-test failsafe:verify -DskipITs=false \
  -Dit.test="$ES_ITS" -Dit.failIfNoSpecifiedTests=false -Dpolyspan.skipTestModels=true -Dpolyspan.it.engine=elasticsearch \
  -Dpolyspan.it.url="http://127.0.0.1:$ES_PORT" "$@")
POLYSPAN_ENGINE=elasticsearch OPENSEARCH_PORT="$ES_PORT" POLYSPAN_NODES=1 "$INTEG_DIR/node.sh" stop
ES_NODE_STARTED=
end "Elasticsearch REST tests"

# ------------------------------------------------------------------ 11. the demo on both engines
# run_demo ENGINE PORT: integ-test/demo.sh on its own node, which is stopped afterwards; the demo must print at least one
# span under each of its three documents ([en], [de], [es]) and at least one projected span
run_demo() {
  local engine="$1" port="$2" log="$BUILD_DIR/demo-$1.log" rc=0
  info "integ-test/demo.sh with POLYSPAN_ENGINE=$engine OPENSEARCH_PORT=$port (output also in ${log#"$REPO_DIR"/})"
  mkdir -p "$BUILD_DIR"
  DEMO_NODE="$engine $port"
  # POLYSPAN_DEMO_NO_BUILD: the demo runs on the models of stage 2 and fails rather than build them
  POLYSPAN_ENGINE="$engine" OPENSEARCH_PORT="$port" POLYSPAN_NODES=1 POLYSPAN_DEMO_NO_BUILD=1 "$INTEG_DIR/demo.sh" 2>&1 \
    | tee "$log" || rc=$?
  POLYSPAN_ENGINE="$engine" OPENSEARCH_PORT="$port" POLYSPAN_NODES=1 "$INTEG_DIR/node.sh" stop
  DEMO_NODE=
  (( rc == 0 )) || die "integ-test/demo.sh on $engine exited with status $rc (output in ${log#"$REPO_DIR"/})"
  check_demo_output "$log" "$engine" || die "the demo on $engine did not label or project as it should (output in ${log#"$REPO_DIR"/})"
}

# check_demo_output LOG ENGINE: at least one span line under [en], [de] and [es], and one in the projection
check_demo_output() {
  python3 - "$1" "$2" <<'PY'
import re, sys
log, engine = sys.argv[1], sys.argv[2]
# a span line of demo.sh: four spaces, label, quoted text, start-end, score
span = re.compile(r'^    \S+\s+".*"\s+\d+-\d+\s+score\s+-?\d+(\.\d+)?\s*$')
section, doc = "", None
docs, projected = {}, 0
with open(log, encoding="utf-8", errors="replace") as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("==== ") and line.endswith(" ===="):
            section, doc = line[5:-5], None
        elif section == "the documents with their spans":
            m = re.match(r"^\[(\w+)\] ", line)
            if m:
                doc = m.group(1)
                docs.setdefault(doc, 0)
            elif doc and span.match(line):
                docs[doc] += 1
        elif section.startswith("projection") and span.match(line):
            projected += 1
problems = ["no span under [%s]" % lang for lang in ("en", "de", "es") if docs.get(lang, 0) < 1]
if projected < 1:
    problems.append("no projected span")
print("[run-tests.sh] demo on %s: %s; projection: %d span(s)%s" % (
    engine, ", ".join("[%s] %d span(s)" % (d, docs.get(d, 0)) for d in ("en", "de", "es")), projected,
    "" if not problems else " -- " + "; ".join(problems)))
sys.exit(1 if problems else 0)
PY
}

begin "11/11 demos: integ-test/demo.sh on OpenSearch (port $DEMO_PORT) and Elasticsearch (port $DEMO_ES_PORT)"
default_model_built || die "the demo needs the default model, which stage 2 did not build (SKIP_DEFAULT_MODEL?)"
run_demo opensearch "$DEMO_PORT"
run_demo elasticsearch "$DEMO_ES_PORT"
end "demos"
