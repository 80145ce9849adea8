#!/usr/bin/env bash
# Starts or stops a local ClickHouse server for the end-to-end benchmark (ClickHouseFetchBenchmark):
# Debian's clickhouse-server with a minimal config, data under benchmarks/target/clickhouse, HTTP on
# 127.0.0.1:${CH_HTTP_PORT:-18124}, user default without a password.
#
#   benchmarks/clickhouse.sh start     # prints the URL to pass as -p url=...
#   benchmarks/clickhouse.sh stop      # stops only the server this script started
#
# The binary is $CH_SERVER_BIN, else clickhouse-server on the PATH or in /usr/sbin
# (apt-get install clickhouse-server).
set -euo pipefail

root=$(cd "$(dirname "$0")" && pwd)
dir="$root/target/clickhouse"
port=${CH_HTTP_PORT:-18124}
pidfile="$dir/clickhouse.pid"
url="http://127.0.0.1:$port"

bin=${CH_SERVER_BIN:-}
if [[ -z $bin ]]; then
  bin=$(command -v clickhouse-server || true)
  [[ -z $bin && -x /usr/sbin/clickhouse-server ]] && bin=/usr/sbin/clickhouse-server
fi

case ${1:-} in
  start)
    if [[ -z $bin ]]; then
      echo "clickhouse-server not found: apt-get install clickhouse-server, or set CH_SERVER_BIN" >&2
      exit 3
    fi
    if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "$url"
      exit 0
    fi
    if curl -fsS "$url/ping" >/dev/null 2>&1; then
      echo "port $port already answers; set CH_HTTP_PORT" >&2
      exit 1
    fi
    mkdir -p "$dir/log"
    cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>$port</http_port>
  <listen_host>127.0.0.1</listen_host>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>16</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
XML
    cat >"$dir/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
    TZ=UTC setsid "$bin" --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 1 300); do
      if curl -fsS "$url/ping" >/dev/null 2>&1; then
        echo "$url"
        exit 0
      fi
      if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "clickhouse-server exited during startup:" >&2
        tail -n 20 "$dir/log/stdout.log" "$dir/log/server.err.log" >&2 || true
        rm -f "$pidfile"
        exit 1
      fi
      sleep 0.1
    done
    echo "clickhouse-server did not answer $url/ping within 30 s" >&2
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    exit 1
    ;;
  stop)
    [[ -f $pidfile ]] || exit 0
    pid=$(cat "$pidfile")
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--config-file=$dir/config.xml"; then
      kill "$pid"
      for _ in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2
    ;;
esac
