#!/usr/bin/env bash
# A single local OpenSearch node with the Polyspan plugin, for the demo and the integration tests.
#
#   integ-test/node.sh start     fresh node (data wiped), plugin installed, models copied, waits for yellow
#   integ-test/node.sh stop      stops the node started from this checkout on OPENSEARCH_PORT
#   integ-test/node.sh status    running or not, cluster health, models
#
# Environment:
#   OPENSEARCH_PORT          HTTP port (default 9200); transport picks a free port in 9300-9400
#   POLYSPAN_EXTRA_MODELS    directory whose sub-directories are copied as extra models (e.g. target/test-models)
#   POLYSPAN_PLUGIN_ZIP      plugin zip to install (default target/polyspan-0.1.0.zip, built when missing)
#   OPENSEARCH_JAVA_HOME     JDK 21+ to run OpenSearch (default: JAVA_HOME if 21+, else Temurin 25)
#   OPENSEARCH_HEAP          heap size (default 2g)
#   NODE_START_TIMEOUT       seconds to wait for yellow health (default 120)
#   POLYSPAN_APY_PORT        port of the Apertium APY service started beside the node when apertium-apy is installed
#                            (default OPENSEARCH_PORT + 2000); it serves _project with "translate"
#
# OpenSearch refuses to run as root; as root the node runs in a user namespace mapped to uid 1000.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

PORT="${OPENSEARCH_PORT:-9200}"
HEAP="${OPENSEARCH_HEAP:-2g}"
TIMEOUT="${NODE_START_TIMEOUT:-120}"
DIST_ZIP_DIR="$BUILD_DIR/dist"
DIST_ZIP="$DIST_ZIP_DIR/opensearch-$OPENSEARCH_VERSION.zip"
DIST_HOME="$BUILD_DIR/opensearch-$OPENSEARCH_VERSION"
NODE_DIR="$BUILD_DIR/node-$PORT"
PID_FILE="$NODE_DIR/opensearch.pid"
CONSOLE_LOG="$NODE_DIR/logs/console.log"
URL="http://127.0.0.1:$PORT"
APY_PORT="${POLYSPAN_APY_PORT:-$((PORT + 2000))}"
APY_PID_FILE="$BUILD_DIR/apy-$PORT.pid"
APY_MODES=/usr/share/apertium/modes

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch_distribution() {
  if [[ -x "$DIST_HOME/bin/opensearch" ]]; then
    return 0
  fi
  if [[ ! -f "$DIST_ZIP" ]]; then
    info "fetching OpenSearch $OPENSEARCH_VERSION (integ-test-zip) from Maven Central"
    mkdir -p "$DIST_ZIP_DIR"
    # run outside the project so its pom is not involved
    quiet_mvn "$DIST_ZIP_DIR" dependency:copy \
      -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
      -DoutputDirectory="$DIST_ZIP_DIR" || die "could not fetch the OpenSearch distribution"
    [[ -f "$DIST_ZIP" ]] || die "Maven did not produce $DIST_ZIP"
  fi
  info "unpacking ${DIST_ZIP#"$REPO_DIR"/}"
  rm -rf "$DIST_HOME.tmp"
  mkdir -p "$DIST_HOME.tmp"
  unzip -q "$DIST_ZIP" -d "$DIST_HOME.tmp"
  mv "$DIST_HOME.tmp/opensearch-$OPENSEARCH_VERSION" "$DIST_HOME"
  rm -rf "$DIST_HOME.tmp"
}

# copy_model SRC NAME [link]: a copy, or hard links (large models; same file system) when asked and possible
copy_model() {
  local src="$1" dest="$NODE_DIR/config/polyspan/models/$2"
  rm -rf "$dest"
  if [[ "${3:-}" == link ]] && cp -al "$src" "$dest" 2>/dev/null; then
    :
  else
    rm -rf "$dest"
    cp -a "$src" "$dest"
  fi
  info "model $2 <- ${src#"$REPO_DIR"/}"
}

prepare_node() {
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  # libraries and modules are never written to: hard-link them; everything else is copied
  local entry
  for entry in "$DIST_HOME"/*; do
    case "$(basename "$entry")" in
      lib|modules) cp -al "$entry" "$NODE_DIR/" 2>/dev/null || cp -a "$entry" "$NODE_DIR/" ;;
      *) cp -a "$entry" "$NODE_DIR/" ;;
    esac
  done
  mkdir -p "$NODE_DIR/data" "$NODE_DIR/logs" "$NODE_DIR/tmp" "$NODE_DIR/config/polyspan/models"

  cat >> "$NODE_DIR/config/opensearch.yml" <<EOF

# ---- written by integ-test/node.sh ----
cluster.name: polyspan-dev
node.name: polyspan-$PORT
path.data: $NODE_DIR/data
path.logs: $NODE_DIR/logs
network.host: 127.0.0.1
http.port: $PORT
transport.host: 127.0.0.1
transport.port: 9300-9400
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: true
EOF

  info "installing plugin ${PLUGIN_ZIP#"$REPO_DIR"/}"
  if ! OPENSEARCH_JAVA_OPTS="" "$NODE_DIR/bin/opensearch-plugin" install --batch "file://$PLUGIN_ZIP" \
        > "$NODE_DIR/logs/plugin-install.log" 2>&1; then
    cat "$NODE_DIR/logs/plugin-install.log" >&2
    die "plugin installation failed"
  fi

  if default_model_built; then
    copy_model "$DEFAULT_MODEL_DIR" mbert-ner link
  else
    info "default model not built (models/build-default.sh); starting without mbert-ner"
  fi
  if int8_model_built; then
    copy_model "$INT8_MODEL_DIR" mbert-ner-int8 link
  else
    info "int8 model not built (models/build-default.sh); starting without mbert-ner-int8"
  fi
  if [[ -n "${POLYSPAN_EXTRA_MODELS:-}" ]]; then
    local extra d
    extra="$(cd "$POLYSPAN_EXTRA_MODELS" 2>/dev/null && pwd)" || die "POLYSPAN_EXTRA_MODELS=$POLYSPAN_EXTRA_MODELS is not a directory"
    for d in "$extra"/*/; do
      [[ -d "$d" ]] && copy_model "${d%/}" "$(basename "$d")"
    done
  fi
}

# Apertium's HTTP service beside the node: the node's system call filter forbids it to start processes itself.
start_apy() {
  if ! command -v apertium-apy > /dev/null || [[ ! -d "$APY_MODES" ]]; then
    info "apertium-apy not installed: _project with translate is unavailable (apt-get install apertium-apy apertium-eng-spa)"
    return 0
  fi
  stop_apy
  mkdir -p "$BUILD_DIR"
  setsid apertium-apy -p "$APY_PORT" -t 60 "$APY_MODES" > "$BUILD_DIR/apy-$PORT.log" 2>&1 < /dev/null &
  echo $! > "$APY_PID_FILE"
  local deadline=$((SECONDS + 30))
  until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$APY_PORT/listPairs"; do
    (( SECONDS < deadline )) || { tail -20 "$BUILD_DIR/apy-$PORT.log" >&2; die "apertium-apy did not start on port $APY_PORT"; }
    sleep 0.5
  done
  echo "polyspan.translate.apertium_url: http://127.0.0.1:$APY_PORT" >> "$NODE_DIR/config/opensearch.yml"
  info "apertium-apy on http://127.0.0.1:$APY_PORT (pairs in $APY_MODES)"
}

stop_apy() {
  local pid
  [[ -f "$APY_PID_FILE" ]] || return 0
  pid="$(cat "$APY_PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  rm -f "$APY_PID_FILE"
}

print_log_tail() {
  local f
  for f in "$CONSOLE_LOG" "$NODE_DIR/logs/polyspan-dev.log"; do
    if [[ -s "$f" ]]; then
      printf -- '---- last lines of %s ----\n' "${f#"$REPO_DIR"/}" >&2
      tail -n 60 "$f" >&2
    fi
  done
}

start() {
  if pid="$(running_pid)"; then
    die "a node is already running on port $PORT (pid $pid); run: integ-test/node.sh stop"
  fi
  if curl -s -o /dev/null --max-time 2 "$URL"; then
    die "port $PORT is already in use by another process; set OPENSEARCH_PORT"
  fi
  select_java
  build_plugin_if_needed
  fetch_distribution
  local t0=$SECONDS
  prepare_node
  start_apy

  local -a launcher=()
  if [[ "$(id -u)" -eq 0 ]]; then
    # OpenSearch refuses to run as root: run it as uid 1000 inside a user namespace (files stay root-owned
    # outside; inside they belong to the mapped user)
    launcher=(unshare --user --map-user=1000 --map-group=1000)
  fi
  info "starting OpenSearch $OPENSEARCH_VERSION on $URL (heap $HEAP, java $OPENSEARCH_JAVA_HOME)"
  (
    cd "$NODE_DIR"
    export OPENSEARCH_JAVA_HOME OPENSEARCH_PATH_CONF="$NODE_DIR/config" OPENSEARCH_TMPDIR="$NODE_DIR/tmp"
    export OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${POLYSPAN_NODE_JAVA_OPTS:-}"
    unset JAVA_HOME
    exec setsid "${launcher[@]}" "$NODE_DIR/bin/opensearch" -p "$PID_FILE" > "$CONSOLE_LOG" 2>&1 < /dev/null
  ) &
  local launcher_pid=$!

  local deadline=$((SECONDS + TIMEOUT))
  until curl -sf -o /dev/null --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s"; do
    if ! kill -0 "$launcher_pid" 2>/dev/null; then
      print_log_tail
      die "OpenSearch exited during startup (logs in ${NODE_DIR#"$REPO_DIR"/}/logs)"
    fi
    if (( SECONDS >= deadline )); then
      print_log_tail
      stop_node || true
      die "OpenSearch did not reach yellow health within ${TIMEOUT}s"
    fi
    sleep 1
  done
  info "node up in $((SECONDS - t0))s: $URL (pid $(running_pid || echo '?'), logs in ${NODE_DIR#"$REPO_DIR"/}/logs)"
  curl -s "$URL/_plugins/polyspan/models" | sed 's/^/  models: /'
  echo
}

stop_node() {
  local pid
  stop_apy
  if ! pid="$(running_pid)"; then
    info "no node running on port $PORT"
    return 0
  fi
  info "stopping node on port $PORT (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { info "stopped"; rm -f "$PID_FILE"; return 0; }
    sleep 1
  done
  info "still running after 60s: killing"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    info "running on $URL (pid $pid)"
    curl -s "$URL/_cluster/health?pretty" || true
    curl -s "$URL/_plugins/polyspan/models?pretty" || true
  else
    info "not running (port $PORT)"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_node ;;
  status) status ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
