#!/usr/bin/env bash
# Local OpenSearch (or Elasticsearch) nodes with the Polyspan plugin, for the demo and the integration tests: one node,
# or an OpenSearch cluster.
#
#   integ-test/node.sh start          fresh node(s) (data wiped), plugin installed, models copied, waits for yellow
#   integ-test/node.sh stop           stops the node(s) started from this checkout on OPENSEARCH_PORT
#   integ-test/node.sh status         running or not, cluster health, models
#   integ-test/node.sh stop-node I    stops node I (0 = OPENSEARCH_PORT, 1 = +1, ...) and keeps its data
#   integ-test/node.sh start-node I   starts node I again on its data and waits until all nodes have joined
#
# Environment:
#   POLYSPAN_ENGINE          opensearch (default) or elasticsearch: the engine and plugin zip the nodes run
#   OPENSEARCH_PORT          HTTP port of the first node (default 9200), for either engine; a single OpenSearch node
#                            picks a free transport port in 9300-9400, a cluster uses HTTP port + 100 for each node,
#                            Elasticsearch uses HTTP port + 300
#   ELASTICSEARCH_VERSION    Elasticsearch version (default 8.19.21; the plugin must be built for the same version)
#   POLYSPAN_NODES           number of nodes (default 1: a single-node cluster); with N > 1, N nodes on HTTP ports
#                            OPENSEARCH_PORT .. OPENSEARCH_PORT + N - 1 form cluster polyspan-dev-OPENSEARCH_PORT
#   POLYSPAN_EXTRA_MODELS    directory whose sub-directories are copied as extra models (e.g. target/test-models)
#   POLYSPAN_PLUGIN_ZIP      plugin zip to install (default target/polyspan-<engine>-0.1.0.zip, built when missing)
#   OPENSEARCH_JAVA_HOME     JDK 21+ to run OpenSearch (default: JAVA_HOME if 21+, else Temurin 25)
#   OPENSEARCH_HEAP          heap size per node (default 2g for one node, 1g per node for a cluster; the models'
#                            weights live outside the heap)
#   NODE_START_TIMEOUT       seconds to wait for yellow health with every node joined (default 120, 240 for a cluster)
#   POLYSPAN_APY_PORT        port of the Apertium APY service started beside the node when apertium-apy is installed
#                            (default OPENSEARCH_PORT + 2000); it serves _project with "translate" for every node
#   GLIBC_TUNABLES           glibc malloc settings of the node process (default glibc.malloc.mmap_threshold=131072:
#                            freed model memory goes back to the system after a _reload; README, Soak)
#
# OpenSearch refuses to run as root; as root the node runs in a user namespace mapped to uid 1000.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

PORT="${OPENSEARCH_PORT:-9200}"
NODES="${POLYSPAN_NODES:-1}"
[[ "$NODES" =~ ^[1-9]$ ]] || { echo "POLYSPAN_NODES must be 1-9, got [$NODES]" >&2; exit 2; }
if (( NODES > 1 )); then
  HEAP="${OPENSEARCH_HEAP:-1g}"
  TIMEOUT="${NODE_START_TIMEOUT:-600}"
else
  HEAP="${OPENSEARCH_HEAP:-2g}"
  TIMEOUT="${NODE_START_TIMEOUT:-300}"
fi
(( NODES == 1 )) || [[ "$ENGINE" == opensearch ]] || { echo "POLYSPAN_NODES > 1 is for OpenSearch only" >&2; exit 2; }
DIST_ZIP_DIR="$BUILD_DIR/dist"
DIST_ZIP="$DIST_ZIP_DIR/$ENGINE-$ENGINE_VERSION.zip"
DIST_HOME="$BUILD_DIR/$ENGINE-$ENGINE_VERSION"
if [[ "$ENGINE" == opensearch ]]; then
  DIST_GROUP=org.opensearch.distribution.integ-test-zip
  NODE_PREFIX=node
else
  DIST_GROUP=org.elasticsearch.distribution.integ-test-zip
  NODE_PREFIX=es-node
fi
URL="http://127.0.0.1:$PORT"
APY_PORT="${POLYSPAN_APY_PORT:-$((PORT + 2000))}"
APY_PID_FILE="$BUILD_DIR/apy-$PORT.pid"
APY_MODES=/usr/share/apertium/modes

usage() { sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# Per-node paths and ports: select_node I sets them for node I of the cluster (node 0 alone for a single node).
select_node() {
  NODE_INDEX="$1"
  NODE_PORT=$((PORT + NODE_INDEX))
  NODE_DIR="$BUILD_DIR/$NODE_PREFIX-$NODE_PORT"
  PID_FILE="$NODE_DIR/$ENGINE.pid"
  NODE_CONFIG="$NODE_DIR/config/$ENGINE.yml"
  CONSOLE_LOG="$NODE_DIR/logs/console.log"
  NODE_URL="http://127.0.0.1:$NODE_PORT"
  # a fixed transport port per HTTP port keeps clusters of different checkouts and ports from joining each other
  TRANSPORT_PORT=$((NODE_PORT + 100))
}
select_node 0

# node_index_arg I: checks a stop-node/start-node argument
node_index_arg() {
  [[ "${1:-}" =~ ^[0-9]$ ]] && (( $1 < NODES )) || die "node index must be 0..$((NODES - 1)) (POLYSPAN_NODES=$NODES), got [${1:-}]"
  echo "$1"
}

running_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch_distribution() {
  if [[ -x "$DIST_HOME/bin/$ENGINE" ]]; then
    return 0
  fi
  if [[ ! -f "$DIST_ZIP" ]]; then
    info "fetching $ENGINE_NAME $ENGINE_VERSION (integ-test-zip) from Maven Central"
    mkdir -p "$DIST_ZIP_DIR"
    # run outside the project so its pom is not involved
    quiet_mvn "$DIST_ZIP_DIR" dependency:copy \
      -Dartifact="$DIST_GROUP:$ENGINE:$ENGINE_VERSION:zip" \
      -DoutputDirectory="$DIST_ZIP_DIR" || die "could not fetch the $ENGINE_NAME distribution"
    [[ -f "$DIST_ZIP" ]] || die "Maven did not produce $DIST_ZIP"
  fi
  info "unpacking ${DIST_ZIP#"$REPO_DIR"/}"
  rm -rf "$DIST_HOME.tmp"
  mkdir -p "$DIST_HOME.tmp"
  unzip -q "$DIST_ZIP" -d "$DIST_HOME.tmp"
  mv "$DIST_HOME.tmp/$ENGINE-$ENGINE_VERSION" "$DIST_HOME"
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

  {
    echo
    echo "# ---- written by integ-test/node.sh ----"
    if (( NODES == 1 )); then
      echo "cluster.name: polyspan-dev"
      echo "node.name: polyspan-$NODE_PORT"
    else
      echo "cluster.name: polyspan-dev-$PORT"
      echo "node.name: polyspan-$NODE_PORT"
    fi
    echo "path.data: $NODE_DIR/data"
    echo "path.logs: $NODE_DIR/logs"
    echo "network.host: 127.0.0.1"
    echo "http.port: $NODE_PORT"
    echo "transport.host: 127.0.0.1"
    if [[ "$ENGINE" == elasticsearch ]]; then
      # a fixed transport port away from 9300-9400, and no security on this local test node
      echo "transport.port: $((NODE_PORT + 300))"
      echo "discovery.type: single-node"
      echo "xpack.security.enabled: false"
    elif (( NODES == 1 )); then
      echo "transport.port: 9300-9400"
      echo "discovery.type: single-node"
    else
      local i hosts="" managers=""
      for ((i = 0; i < NODES; i++)); do
        hosts+="${hosts:+, }\"127.0.0.1:$((PORT + i + 100))\""
        managers+="${managers:+, }\"polyspan-$((PORT + i))\""
      done
      echo "transport.port: $TRANSPORT_PORT"
      echo "discovery.seed_hosts: [$hosts]"
      echo "cluster.initial_cluster_manager_nodes: [$managers]"
    fi
    echo "cluster.routing.allocation.disk.threshold_enabled: false"
    echo "action.auto_create_index: true"
  } >> "$NODE_CONFIG"

  if (( NODE_INDEX > 0 )); then
    # the first node's installed plugin, copied: one installer run for the whole cluster
    cp -a "$BUILD_DIR/$NODE_PREFIX-$PORT/plugins/." "$NODE_DIR/plugins/"
    info "plugin copied from node 0"
  else
    info "installing plugin ${PLUGIN_ZIP#"$REPO_DIR"/}"
    if ! OPENSEARCH_JAVA_OPTS="" ES_JAVA_OPTS="" ES_JAVA_HOME="$OPENSEARCH_JAVA_HOME" ES_PATH_CONF="$NODE_DIR/config" \
          "$NODE_DIR/bin/$ENGINE-plugin" install --batch "file://$PLUGIN_ZIP" \
          > "$NODE_DIR/logs/plugin-install.log" 2>&1; then
      cat "$NODE_DIR/logs/plugin-install.log" >&2
      die "plugin installation failed"
    fi
  fi

  # only complete models (.complete written by models/build-default.sh as its last step), never a half-built one
  if default_model_built; then
    copy_model "$DEFAULT_MODEL_DIR" mbert-ner link
  else
    info "default model not built or incomplete (models/build-default.sh); starting without mbert-ner"
  fi
  if int8_model_built; then
    copy_model "$INT8_MODEL_DIR" mbert-ner-int8 link
  else
    info "int8 model not built, incomplete or older than the default model (models/build-default.sh); starting without mbert-ner-int8"
  fi
  if [[ -n "${POLYSPAN_EXTRA_MODELS:-}" ]]; then
    local extra d
    extra="$(cd "$POLYSPAN_EXTRA_MODELS" 2>/dev/null && pwd)" || die "POLYSPAN_EXTRA_MODELS=$POLYSPAN_EXTRA_MODELS is not a directory"
    for d in "$extra"/*/; do
      # a *.partial directory is a build in progress or one that failed (models/build-default.sh)
      if [[ -d "$d" && "$d" != *.partial/ ]]; then
        copy_model "${d%/}" "$(basename "$d")"
      fi
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
  local i
  for ((i = 0; i < NODES; i++)); do
    echo "polyspan.translate.apertium_url: http://127.0.0.1:$APY_PORT" >> "$BUILD_DIR/$NODE_PREFIX-$((PORT + i))/config/$ENGINE.yml"
  done
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
  for f in "$CONSOLE_LOG" "$NODE_DIR"/logs/polyspan-dev*.log; do
    if [[ -s "$f" ]]; then
      printf -- '---- last lines of %s ----\n' "${f#"$REPO_DIR"/}" >&2
      tail -n 60 "$f" >&2
    fi
  done
}

# port_free P: nothing listens on 127.0.0.1:P
port_free() {
  ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# launch_node: starts the selected node on its prepared directory, in the background
launch_node() {
  local -a launcher=()
  if [[ "$(id -u)" -eq 0 ]]; then
    # the engine refuses to run as root: run it as uid 1000 inside a user namespace (files stay root-owned
    # outside; inside they belong to the mapped user)
    launcher=(unshare --user --map-user=1000 --map-group=1000)
  fi
  info "starting $ENGINE_NAME $ENGINE_VERSION on $NODE_URL (heap $HEAP, java $OPENSEARCH_JAVA_HOME)"
  (
    cd "$NODE_DIR"
    if [[ "$ENGINE" == opensearch ]]; then
      export OPENSEARCH_JAVA_HOME OPENSEARCH_PATH_CONF="$NODE_DIR/config" OPENSEARCH_TMPDIR="$NODE_DIR/tmp"
      export OPENSEARCH_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${POLYSPAN_NODE_JAVA_OPTS:-}"
    else
      export ES_JAVA_HOME="$OPENSEARCH_JAVA_HOME" ES_PATH_CONF="$NODE_DIR/config" ES_TMPDIR="$NODE_DIR/tmp"
      export ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${POLYSPAN_NODE_JAVA_OPTS:-}"
    fi
    # A fixed mmap threshold (glibc's initial 128 KiB) keeps glibc from raising it after the first large free, so a
    # model's weights stay in their own mappings and a closed copy's memory goes back to the system instead of staying
    # in the malloc arenas: without it, RSS grew by about one model copy over the first _reloads (README, Soak).
    export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=131072}"
    unset JAVA_HOME
    exec setsid "${launcher[@]}" "$NODE_DIR/bin/$ENGINE" -p "$PID_FILE" > "$CONSOLE_LOG" 2>&1 < /dev/null
  ) &
  LAUNCHER_PIDS[NODE_INDEX]=$!
}

# wait_for_cluster: yellow or green health with every node joined, as long as the launched nodes live
wait_for_cluster() {
  local deadline=$((SECONDS + TIMEOUT)) i
  until curl -sf -o /dev/null --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&wait_for_nodes=$NODES&timeout=2s"; do
    for i in "${!LAUNCHER_PIDS[@]}"; do
      if ! kill -0 "${LAUNCHER_PIDS[i]}" 2>/dev/null; then
        select_node "$i"
        print_log_tail
        die "$ENGINE_NAME on port $NODE_PORT exited during startup (logs in ${NODE_DIR#"$REPO_DIR"/}/logs)"
      fi
    done
    if (( SECONDS >= deadline )); then
      for i in "${!LAUNCHER_PIDS[@]}"; do select_node "$i"; print_log_tail; done
      stop_all || true
      # a node still starting has no pid file yet: stop it through the process that was launched
      for i in "${!LAUNCHER_PIDS[@]}"; do kill "${LAUNCHER_PIDS[i]}" 2>/dev/null || true; done
      die "$ENGINE_NAME did not reach yellow health with $NODES node(s) within ${TIMEOUT}s"
    fi
    sleep 1
  done
}

start() {
  local i pid
  for ((i = 0; i < NODES; i++)); do
    select_node "$i"
    if pid="$(running_pid)"; then
      die "a node is already running on port $NODE_PORT (pid $pid); run: integ-test/node.sh stop"
    fi
    port_free "$NODE_PORT" || die "port $NODE_PORT is already in use by another process; set OPENSEARCH_PORT"
    if (( NODES > 1 )); then
      port_free "$TRANSPORT_PORT" || die "transport port $TRANSPORT_PORT is already in use; set OPENSEARCH_PORT"
    fi
  done
  select_java
  build_plugin_if_needed
  fetch_distribution
  local t0=$SECONDS
  for ((i = 0; i < NODES; i++)); do
    select_node "$i"
    prepare_node
  done
  start_apy

  declare -ga LAUNCHER_PIDS=()
  for ((i = 0; i < NODES; i++)); do
    select_node "$i"
    launch_node
  done
  wait_for_cluster
  for ((i = 0; i < NODES; i++)); do
    select_node "$i"
    info "node up in $((SECONDS - t0))s: $NODE_URL (pid $(running_pid || echo '?'), logs in ${NODE_DIR#"$REPO_DIR"/}/logs)"
  done
  if (( NODES > 1 )); then
    curl -s "$URL/_cat/nodes?h=name,ip,node.role,cluster_manager" | sed 's/^/  nodes: /'
  fi
  curl -s "$URL/$API/models" | sed 's/^/  models: /'
  echo
}

# start_one I: starts node I again on its data (after stop-node) and waits until every node has joined
start_one() {
  select_node "$(node_index_arg "$1")"
  local pid
  if pid="$(running_pid)"; then
    die "node $NODE_INDEX is already running on port $NODE_PORT (pid $pid)"
  fi
  [[ -f "$NODE_CONFIG" ]] || die "node $NODE_INDEX was never prepared; run: integ-test/node.sh start"
  select_java
  local t0=$SECONDS
  declare -ga LAUNCHER_PIDS=()
  launch_node
  local index=$NODE_INDEX
  # health is asked of another node, which answers while this one starts
  select_node $(( (index + 1) % NODES ))
  URL="$NODE_URL"
  wait_for_cluster
  select_node "$index"
  info "node $index up again in $((SECONDS - t0))s: $NODE_URL (pid $(running_pid || echo '?'))"
}

# stop_node: stops the selected node (SIGTERM, SIGKILL after 60 s)
stop_node() {
  local pid
  if ! pid="$(running_pid)"; then
    info "no node running on port $NODE_PORT"
    return 0
  fi
  info "stopping node on port $NODE_PORT (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { info "stopped"; rm -f "$PID_FILE"; return 0; }
    sleep 1
  done
  info "still running after 60s: killing"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

stop_all() {
  local i
  stop_apy
  # the last node first, so the first node (the one clients use) stays cluster manager as long as possible
  for ((i = NODES - 1; i >= 0; i--)); do
    select_node "$i"
    stop_node
  done
}

status() {
  local pid i up=0
  for ((i = 0; i < NODES; i++)); do
    select_node "$i"
    if pid="$(running_pid)"; then
      info "running on $NODE_URL (pid $pid)"
      up=$((up + 1))
    else
      info "not running (port $NODE_PORT)"
    fi
  done
  (( up > 0 )) || return 3
  for ((i = 0; i < NODES; i++)); do
    select_node "$i"
    if running_pid > /dev/null; then
      curl -s "$NODE_URL/_cluster/health?pretty" || true
      (( NODES == 1 )) || curl -s "$NODE_URL/_cat/nodes?v&h=name,heap.percent,ram.current,cluster_manager" || true
      curl -s "$NODE_URL/$API/models?pretty" || true
      break
    fi
  done
  (( up == NODES )) || return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop_all ;;
  status) status ;;
  stop-node) select_node "$(node_index_arg "${2:-}")"; stop_node ;;
  start-node) start_one "${2:-}" ;;
  -h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
