#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the live load test: one OhlcvClient, 200 symbols
# on bybit:linear against a loopback stand-in of Bybit's v5 public WebSocket, 4 updates a second per
# symbol and a close per symbol when the venue's minute turns, for 60 s. Prints updates and closes
# sent and received, the send-to-consumer delay (p50, p99, max), the heap after GC at the start,
# middle and end, and the connections opened; exits non-zero if anything was lost, duplicated or
# out of order.
#
#   benchmarks/live-load.sh
#   benchmarks/live-load.sh --seconds 10
#   benchmarks/live-load.sh --seconds 300 --symbols 200 --rate 4
#
# The JVM is $JAVA_HOME/bin/java (or java on the PATH), with -Xmx${HEAP:-512m}.
set -euo pipefail

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

(cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)

exec "$java" "-Xmx${HEAP:-512m}" -cp "$root/benchmarks/target/benchmarks.jar" \
  io.github.ohlcv4j.benchmarks.LiveLoadTest "$@"
