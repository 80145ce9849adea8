#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs one benchmark (a JMH name or regex) with the
# settings the published baselines were measured with, then prints the JMH table.
#
#   benchmarks/run.sh ResampleBenchmark
#   benchmarks/run.sh 'ResampleBenchmark.(resample|columnarLoop)'
#   benchmarks/run.sh ResampleBenchmark -p someParam=1     # further arguments go to JMH
#
# Settings: one fork, one thread, average time, -prof gc, and
#   1,000,000-row benchmarks (names matching $LARGE): warmup 2 x 3 s, measurement 3 x 2 s, -Xmx4g;
#   others (1000-row JSON bodies):                    warmup 2 x 3 s, measurement 3 x 1 s, -Xmx1g.
# Override with WARMUP_ITERATIONS, WARMUP_TIME, ITERATIONS, TIME, HEAP. The JVM is $JAVA_HOME/bin/java
# (or java on the PATH); the baselines were measured on JDK 17, so use a JDK 17 for comparable figures.
# Results also go to benchmarks/target/jmh-<name>.txt (the log) and .json (machine-readable).
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi
name=$1
shift

root=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
LARGE='Resample|RowBinary|ClickHouse|TabSeparated|JsonEachRow|Memory|DuckDb'

if [[ $name =~ $LARGE ]]; then
  measure_time=${TIME:-2s}
  heap=${HEAP:-4g}
else
  measure_time=${TIME:-1s}
  heap=${HEAP:-1g}
fi

version=$("$java" -version 2>&1 | head -n 1)
echo "JVM: $version"
if [[ $version != *'"17.'* ]]; then
  echo "warning: not a JDK 17; the published baselines were measured on JDK 17" >&2
fi

(cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)

safe=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_')
log="$root/benchmarks/target/jmh-$safe.txt"
"$java" -jar "$root/benchmarks/target/benchmarks.jar" "$name" \
  -f 1 -t 1 -bm avgt \
  -wi "${WARMUP_ITERATIONS:-2}" -w "${WARMUP_TIME:-3s}" \
  -i "${ITERATIONS:-3}" -r "$measure_time" \
  -jvmArgsAppend "-Xmx$heap" \
  -prof gc \
  -rf json -rff "$root/benchmarks/target/jmh-$safe.json" \
  "$@" | tee "$log"
