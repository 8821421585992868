#!/usr/bin/env bash
# Runs one of the project's command-line tools (module src/tools: Evaluate, TrainHead, Benchmark, ...) on the
# compiled classes. The tools are not part of the plugin zip.
#   models/tool.sh Evaluate --model models/build/mbert-ner --sets all
# Environment: POLYSPAN_TOOL_JAVA_OPTS (JVM options, default -Xmx16g), POLYSPAN_TOOL_PREFIX (a command to run the JVM
# under, e.g. qemu-x86_64 -cpu Haswell-v4).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
if [ $# -lt 1 ]; then
  echo "usage: models/tool.sh Evaluate|TrainHead|LanguageCentroids|Benchmark|SpeedTable|LoadBenchmark|TruncatedEncoderBenchmark|CompareModels|Seq2SeqBenchmark|EvaluateProjection|BenchmarkProjectIndex|TranslateTrain|Soak|SelfCheck [options]" >&2
  exit 2
fi
tool="$1"; shift
tools_target=src/tools/target
classpath="$tools_target/classpath.txt"
# rebuild when any pom or a source of the core or the tools is newer than the class path
if [ ! -f "$classpath" ] || [ -n "$(find pom.xml src/core src/tools -newer "$classpath" \( -name '*.java' -o -name pom.xml \) -not -path '*/target/*' | head -1)" ]; then
  mvn -q -B -DskipTests -pl src/tools -am package >&2
  touch "$classpath"
fi
# POLYSPAN_TOOL_PREFIX runs the JVM under another command, e.g. "qemu-x86_64 -cpu Haswell-v4" for a CPU without
# AVX-512 or VNNI (run-tests.sh checks the int8 path that way)
# shellcheck disable=SC2086
exec ${POLYSPAN_TOOL_PREFIX:-} "$JAVA_HOME/bin/java" ${POLYSPAN_TOOL_JAVA_OPTS:--Xmx16g} -DOPT_OUT_TRACKING=true -Dai.djl.offline=true \
  -DDJL_CACHE_DIR="$root/target/djl-cache" -cp "$tools_target/classes:$(cat "$classpath")" "org.polyspan.tools.$tool" "$@"
