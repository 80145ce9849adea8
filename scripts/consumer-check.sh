#!/usr/bin/env bash
# Proves that the published POMs work for a user: installs ohlcv4j into a temporary local repository, then builds and
# runs a project outside this build (scripts/consumer/) that knows ohlcv4j only through the BOM and the module POMs.
# It runs the quickstart on the sample market, makes one real HTTP call through OkHttp on the loopback interface, and
# checks the class path Maven resolved: ohlcv4j from the installed artifacts, Okio and Kotlin at the versions ohlcv4j
# is tested with (Moshi asks for older ones), no class in two jars, every source provider loadable.
#
#   scripts/consumer-check.sh
#
# Third-party artifacts are read from your usual local repository (maven.repo.local.tail), which is never written to;
# ohlcv4j's own artifacts exist only in the temporary one. KEEP_WORK=1 keeps the temporary directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nconsumer-check: FAILED: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ohlcv4j-consumer-check.XXXXXX")
cleanup() { if [ "${KEEP_WORK:-}" = 1 ]; then echo "consumer-check: kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

logs="$root/target/consumer-check"
mkdir -p "$logs"

# Runs Maven with its output in a log file; on failure shows the end of it and stops.
mvn_logged() {
  local log=$1
  shift
  if ! "$root/mvnw" -B -ntp "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    die "'mvnw $*' failed; the whole log is $log"
  fi
}

version=$(java "$root/scripts/tools/SetVersion.java" --root "$root" --print)
pom_property() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -n 1; }
okio=$(pom_property okio.version)
kotlin=$(pom_property kotlin.version)
if [ -z "$okio" ] || [ -z "$kotlin" ]; then die "pom.xml has no okio.version or kotlin.version property"; fi

say "Your local repository (read only here)"
"$root/mvnw" -q -B -ntp -N org.apache.maven.plugins:maven-help-plugin:3.5.1:evaluate \
  -Dexpression=settings.localRepository -DforceStdout >"$work/local-repo" 2>"$logs/evaluate.log" ||
  die "could not ask Maven for the local repository (see $logs/evaluate.log)"
user_repo=$(tail -n 1 "$work/local-repo")
[ -d "$user_repo" ] || mkdir -p "$user_repo"
echo "$user_repo"

repo="$work/repository"
repo_args=(-Dmaven.repo.local="$repo" -Dmaven.repo.local.tail="$user_repo")

say "Installing ohlcv4j $version into $repo"
mvn_logged "$logs/install.log" "${repo_args[@]}" -DskipTests install
for a in ohlcv4j-root ohlcv4j-parent ohlcv4j-bom ohlcv4j-core ohlcv4j-exchange ohlcv4j-clickhouse ohlcv4j-duckdb \
  ohlcv4j-micrometer ohlcv4j-opentelemetry ohlcv4j-spring-boot-starter; do
  [ -f "$repo/io/github/ohlcv4j/$a/$version/$a-$version.pom" ] || die "install put no $a $version into $repo"
done
ls "$repo/io/github/ohlcv4j"

say "Building a project outside the build against the installed artifacts"
cp -R "$root/scripts/consumer" "$work/consumer"
sed -i.orig "s/@OHLCV4J_VERSION@/$version/g" "$work/consumer/pom.xml" && rm -f "$work/consumer/pom.xml.orig"
mvn_logged "$logs/consumer-build.log" "${repo_args[@]}" -f "$work/consumer/pom.xml" \
  compile dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=runtime
grep -q "ohlcv4j-core-$version.jar" "$work/classpath.txt" || die "ohlcv4j-core $version is not on the consumer's class path"

say "Running it"
java -cp "$work/consumer/target/classes:$(cat "$work/classpath.txt")" \
  -Dcheck.repository="$repo" -Dcheck.okio="$okio" -Dcheck.kotlin="$kotlin" \
  example.consumer.ConsumerCheck || die "the consumer program reported problems (above)"

echo "consumer-check: OK: a project that depends on ohlcv4j $version through the BOM builds and runs."
