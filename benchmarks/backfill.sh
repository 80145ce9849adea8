#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs the cold backfill (ColdBackfill): a year of 1-minute
# candles from a loopback stand-in for Binance's klines API, through a client with a DuckDB store, and
# prints the requests made, the weight used against the weight allowed over the run, and whether every
# candle reached the store.
#
#   benchmarks/backfill.sh                                   # 365 days, 300 weight a minute (~4 minutes)
#   benchmarks/backfill.sh --days 30 --weight-limit 6000     # Binance spot's own limit: it does not bind
#   benchmarks/backfill.sh --dir /tmp/backfill               # keep the store file there
#
# Exits 1 when a candle is missing or the venue's weight limit was exceeded in some minute.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
(cd "$root" && ./mvnw -q -B -pl benchmarks -am package -DskipTests)
exec "$java" -Xmx${HEAP:-2g} -cp "$root/benchmarks/target/benchmarks.jar" \
  io.github.ohlcv4j.benchmarks.ColdBackfill "$@"
