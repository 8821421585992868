#!/usr/bin/env bash
# Runs one of the project's command-line tools (Evaluate, TrainHead, Benchmark) on the compiled classes.
#   models/tool.sh Evaluate --model models/build/mbert-ner --sets all
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
if [ $# -lt 1 ]; then
  echo "usage: models/tool.sh Evaluate|TrainHead|Benchmark|Seq2SeqBenchmark|BenchmarkProjectIndex|Soak [options]" >&2
  exit 2
fi
tool="$1"; shift
if [ ! -f target/classpath.txt ] || [ pom.xml -nt target/classpath.txt ] || [ -n "$(find src/main -newer target/classpath.txt -name '*.java' | head -1)" ]; then
  mvn -q -DskipTests compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt >&2
  touch target/classpath.txt
fi
exec "$JAVA_HOME/bin/java" ${POLYSPAN_TOOL_JAVA_OPTS:--Xmx16g} -DOPT_OUT_TRACKING=true -Dai.djl.offline=true \
  -DDJL_CACHE_DIR="$root/target/djl-cache" -cp "target/classes:$(cat target/classpath.txt)" "org.polyspan.tools.$tool" "$@"
