#!/usr/bin/env bash
# Runs every test: unit tests, then REST integration tests against a real OpenSearch node with the plugin
# (an Elasticsearch node with POLYSPAN_ENGINE=elasticsearch).
#
#   integ-test/run-tests.sh [extra Maven arguments...]
#
# Stages: system packages (Debian, installed only when missing) -> test fixtures and default model ->
# plugin zip -> node on POLYSPAN_IT_PORT (default 9250) with the fixtures -> mvn verify (surefire + failsafe).
# The node is stopped on exit. Works non-interactively and as root (CI).
#
# Environment: POLYSPAN_ENGINE (opensearch or elasticsearch), POLYSPAN_IT_PORT (default 9250), SKIP_DEFAULT_MODEL=1 (do not build mbert-ner; its tests then fail
# unless it was built before), KEEP_NODE=1 (leave the node running for debugging).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
exec < /dev/null

PORT="${POLYSPAN_IT_PORT:-9250}"
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
  if [[ -n "${NODE_STARTED:-}" && -z "${KEEP_NODE:-}" ]]; then
    stage "stopping the node"
    OPENSEARCH_PORT="$PORT" "$INTEG_DIR/node.sh" stop || true
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

# ------------------------------------------------------------------ 1. system packages
begin "1/5 system packages"
install_system_packages
# the Apertium unit tests fail instead of skipping when the engine is missing
export POLYSPAN_REQUIRE_APERTIUM=1
# so do the tests that read the gold data sets of ../shared/data (see README, Tests and the gold data)
export POLYSPAN_REQUIRE_GOLD_DATA=1
select_java
info "java: $JAVA_HOME"
end "system packages"

# ------------------------------------------------------------------ 2. models
begin "2/5 test fixtures and default model"
"$REPO_DIR/models/build-default.sh" --tiny "$TEST_MODELS"
if [[ -n "${SKIP_DEFAULT_MODEL:-}" ]]; then
  info "SKIP_DEFAULT_MODEL set: not building mbert-ner"
else
  "$REPO_DIR/models/build-default.sh"
fi
end "fixtures and default model"

# ------------------------------------------------------------------ 3. plugin
begin "3/5 plugin zip"
quiet_mvn "$REPO_DIR" package -DskipTests || die "plugin build failed"
[[ -f "$PLUGIN_ZIP" ]] || die "no plugin zip at $PLUGIN_ZIP"
info "built ${PLUGIN_ZIP#"$REPO_DIR"/}"
end "plugin zip"

# ------------------------------------------------------------------ 4. node
begin "4/5 $ENGINE_NAME node on port $PORT"
NODE_STARTED=1
OPENSEARCH_PORT="$PORT" POLYSPAN_EXTRA_MODELS="$TEST_MODELS" "$INTEG_DIR/node.sh" start
end "node start"

# ------------------------------------------------------------------ 5. tests
begin "5/5 mvn verify (unit tests, then integration tests against http://127.0.0.1:$PORT)"
(cd "$REPO_DIR" && "${MVN[@]}" verify -DskipITs=false -Dpolyspan.it.url="http://127.0.0.1:$PORT" -Dpolyspan.it.engine="$ENGINE" "$@")
end "mvn verify"
