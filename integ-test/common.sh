# Shared settings for the integ-test scripts (sourced, not run).
# shellcheck shell=bash

INTEG_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$INTEG_DIR/.." && pwd)"
# shellcheck disable=SC2034  # used by the scripts that source this file
BUILD_DIR="$INTEG_DIR/build"

OPENSEARCH_VERSION="${OPENSEARCH_VERSION:-3.6.0}"
ELASTICSEARCH_VERSION="${ELASTICSEARCH_VERSION:-8.19.21}"
# the search engine the scripts run: opensearch (default) or elasticsearch
ENGINE="${POLYSPAN_ENGINE:-opensearch}"
case "$ENGINE" in
  opensearch)
    ENGINE_NAME=OpenSearch ENGINE_VERSION="$OPENSEARCH_VERSION"
    # the plugin's REST paths: _plugins/polyspan/... on OpenSearch, _polyspan/... on Elasticsearch
    API="_plugins/polyspan" ;;
  elasticsearch)
    ENGINE_NAME=Elasticsearch ENGINE_VERSION="$ELASTICSEARCH_VERSION"
    API="_polyspan" ;;
  *) printf '[%s] error: POLYSPAN_ENGINE must be opensearch or elasticsearch, not [%s]\n' "$(basename "$0")" "$ENGINE" >&2; exit 1 ;;
esac
PLUGIN_ZIP="${POLYSPAN_PLUGIN_ZIP:-$REPO_DIR/target/polyspan-$ENGINE-0.1.0.zip}"
DEFAULT_MODEL_DIR="$REPO_DIR/models/build/mbert-ner"
# its int8 quantisation (models/build-default.sh step 6), installed as mbert-ner-int8
INT8_MODEL_DIR="$REPO_DIR/models/build/mbert-ner-int8"

stage() { printf '\n==== %s ====\n' "$*"; }
info() { printf '[%s] %s\n' "$(basename "$0")" "$*"; }
die() { printf '[%s] error: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# java_major DIR: the feature version of DIR/bin/java (0 when there is none)
java_major() {
  local v
  [[ -x "$1/bin/java" ]] || { echo 0; return; }
  v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  echo "${v%%.*}"
}

# Pick a JDK 21+ for Maven and OpenSearch: OPENSEARCH_JAVA_HOME, then JAVA_HOME, then Temurin 25, then any under /usr/lib/jvm.
select_java() {
  local c
  for c in "${OPENSEARCH_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [[ -n "$c" ]] || continue
    if [[ "$(java_major "$c")" -ge 21 ]]; then
      export JAVA_HOME="$c" OPENSEARCH_JAVA_HOME="$c"
      if [[ "$(java_major "$c")" -ge 24 && "${MAVEN_OPTS:-}" != *sun-misc-unsafe-memory-access* ]]; then
        export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
      fi
      return 0
    fi
  done
  die "no JDK 21+ found; set OPENSEARCH_JAVA_HOME or JAVA_HOME"
}

# quiet_mvn DIR ARGS...: runs Maven in DIR showing its output only when it fails
quiet_mvn() {
  local dir="$1" log
  shift
  log="$(mktemp)"
  if (cd "$dir" && mvn -B -q -Dstyle.color=never "$@") > "$log" 2>&1; then
    rm -f "$log"
  else
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
}

# Build the plugin zip when it is missing or older than the sources.
build_plugin_if_needed() {
  if [[ -n "${POLYSPAN_PLUGIN_ZIP:-}" ]]; then
    [[ -f "$PLUGIN_ZIP" ]] || die "POLYSPAN_PLUGIN_ZIP=$PLUGIN_ZIP does not exist"
    info "plugin zip (POLYSPAN_PLUGIN_ZIP): $PLUGIN_ZIP"
    return 0
  fi
  if [[ -f "$PLUGIN_ZIP" ]] && [[ -z "$(find "$REPO_DIR/src/core/main" "$REPO_DIR/src/$ENGINE/main" \
        "$REPO_DIR/src/$ENGINE/assembly" "$REPO_DIR/pom.xml" "$REPO_DIR/src/core/pom.xml" "$REPO_DIR/src/$ENGINE/pom.xml" \
        "$REPO_DIR/plugin-descriptor.properties" -newer "$PLUGIN_ZIP" -type f -print -quit)" ]]; then
    info "plugin zip up to date: ${PLUGIN_ZIP#"$REPO_DIR"/}"
    return 0
  fi
  info "building the plugin (mvn package -DskipTests)"
  quiet_mvn "$REPO_DIR" package -DskipTests -pl "src/$ENGINE" -am || die "plugin build failed"
  [[ -f "$PLUGIN_ZIP" ]] || die "Maven did not produce $PLUGIN_ZIP"
}

# models/build-default.sh writes .complete into a model directory as its last step (the fp32 model's digest; for the
# int8 model, that digest followed by the quantisation's key) and removes it before any step changes the directory.

# True when the default model has been built completely (its files and the completion marker present).
default_model_built() {
  [[ -s "$DEFAULT_MODEL_DIR/.complete" && -f "$DEFAULT_MODEL_DIR/config.json" && -f "$DEFAULT_MODEL_DIR/tokenizer.json" ]] \
    && { [[ -f "$DEFAULT_MODEL_DIR/encoder.onnx" ]] || [[ -f "$DEFAULT_MODEL_DIR/model.onnx" ]]; }
}

# True when the int8 model has been built completely, from the default model as it is now (its marker starts with the
# default model's).
int8_model_built() {
  local fp32 int8
  default_model_built || return 1
  [[ -s "$INT8_MODEL_DIR/.complete" && -f "$INT8_MODEL_DIR/config.json" && -f "$INT8_MODEL_DIR/tokenizer.json" \
     && -f "$INT8_MODEL_DIR/encoder.onnx" ]] || return 1
  fp32="$(cat "$DEFAULT_MODEL_DIR/.complete")"
  int8="$(cat "$INT8_MODEL_DIR/.complete")"
  [[ -n "$fp32" && "$int8" == "$fp32-"* ]]
}

# Installs the Debian packages the scripts need when any is missing (one apt-get run for all of them).
install_system_packages() {
  local python="${PYTHON:-/usr/bin/python3}" p
  local -a missing=()
  if ! "$python" -c 'import torch, onnx, numpy, sentencepiece' 2>/dev/null; then
    for p in python3-torch python3-onnx python3-numpy python3-sentencepiece; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
  fi
  # Apertium, its HTTP service and its English-Spanish pair: translate-first projection (_project with "translate")
  command -v apertium > /dev/null || missing+=(apertium)
  command -v apertium-apy > /dev/null || missing+=(apertium-apy)
  dpkg-query -W -f='${Status}' apertium-eng-spa 2>/dev/null | grep -q 'install ok installed' || missing+=(apertium-eng-spa)
  command -v unzip > /dev/null || missing+=(unzip)
  command -v curl > /dev/null || missing+=(curl)
  command -v unshare > /dev/null || missing+=(util-linux)
  # an x86-64 CPU without VNNI, emulated, for the int8 check of run-tests.sh (qemu-user runs one program, no machine)
  [[ "$(uname -m)" != x86_64 ]] || command -v qemu-x86_64 > /dev/null || missing+=(qemu-user)
  if [[ ${#missing[@]} -eq 0 ]]; then
    info "system packages present (python3-torch, python3-onnx, python3-numpy, python3-sentencepiece, apertium, apertium-apy, apertium-eng-spa, unzip, curl, qemu-user)"
    return 0
  fi
  info "installing Debian packages: ${missing[*]}"
  local -a sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo -n)
  "${sudo[@]}" apt-get update -q || die "apt-get update failed (run as root, or with password-less sudo)"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "could not install: ${missing[*]}"
}
