#!/usr/bin/env bash
# Proves that the current sources would make a release Maven Central accepts, without uploading anything.
#
#   scripts/release-check.sh [--no-reproducibility]
#
# 1. Copies the sources (tracked and untracked, not ignored) to a temporary directory and sets the release version
#    there (the current version without -SNAPSHOT): the Central plugin bundles releases only.
# 2. Makes a throwaway GPG key in a temporary GnuPG home and runs scripts/release.sh --dry-run with it, exactly as the
#    release workflow runs it, minus the upload and the tests.
# 3. Checks the bundle (scripts/tools/CheckBundle.java): for every published module the POM, and for jar modules the
#    jar, sources and Javadoc jars, each with an .asc signature that verifies and md5/sha1 (and sha256/sha512)
#    checksums that match; the metadata Central requires in the effective POMs; Automatic-Module-Name; no internal
#    package in the Javadoc; nothing from the examples or benchmarks.
# 4. Builds the same sources again in another directory and checks that every jar and POM is byte for byte the same
#    (reproducible builds); --no-reproducibility skips this second build.
#
# Exits non-zero with the list of what is missing. Build logs go to target/release-check/; KEEP_WORK=1 keeps the
# temporary directory.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

reproducibility=true
for arg in "$@"; do
  case "$arg" in
    --no-reproducibility) reproducibility=false ;;
    *) echo "release-check: unknown argument '$arg' (use --no-reproducibility)" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
die() { printf '\nrelease-check: FAILED: %s\n' "$*" >&2; exit 1; }

command -v gpg >/dev/null || die "gpg (GnuPG) is not installed: apt-get install gnupg"
command -v java >/dev/null || die "java is not on the PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/ohlcv4j-release-check.XXXXXX")
export GNUPGHOME="$work/gnupg"
cleanup() {
  gpgconf --kill all >/dev/null 2>&1 || true
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "release-check: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

logs="$root/target/release-check"
rm -rf "$logs"
mkdir -p "$logs"

# The sources as they are in this working tree (what git would commit), without build output.
copy_sources() {
  mkdir -p "$1"
  if git -c safe.directory="$root" -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # Files deleted but not yet committed are listed too: keep those that exist.
    # shellcheck disable=SC2016
    git -c safe.directory="$root" -C "$root" ls-files -z --cached --others --exclude-standard |
      (cd "$root" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh) |
      tar -C "$root" --null -T - -cf - | tar -C "$1" -xf -
  else
    tar -C "$root" --exclude=./target --exclude='./*/target' -cf - . | tar -C "$1" -xf -
  fi
}

snapshot=$(java scripts/tools/SetVersion.java --print)
version=${snapshot%-SNAPSHOT}

say "Sources copied to $work/a, version set to $version"
copy_sources "$work/a"
java "$root/scripts/tools/SetVersion.java" --root "$work/a" --timestamp keep "$version" >"$logs/set-version.log"

say "A throwaway signing key"
passphrase=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase "$passphrase" \
  --quick-generate-key "ohlcv4j release check <release-check@ohlcv4j.invalid>" rsa3072 sign 1d 2>"$logs/gpg.log" ||
  die "gpg could not make a key (see $logs/gpg.log)"
# Handed over the way the release workflow hands over the real key: in the environment.
MAVEN_GPG_KEY=$(gpg --batch --pinentry-mode loopback --passphrase "$passphrase" --armor --export-secret-keys)
export MAVEN_GPG_KEY MAVEN_GPG_PASSPHRASE="$passphrase"
gpg --batch --list-keys --with-colons 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}'

dry_run() {
  local dir=$1 log=$2
  if ! (cd "$dir" && scripts/release.sh --dry-run --skip-tests) >"$log" 2>&1; then
    tail -n 80 "$log" >&2
    die "the release build failed in $dir; the whole log is $log"
  fi
}

say "Release build (scripts/release.sh --dry-run --skip-tests)"
time_start=$SECONDS
dry_run "$work/a" "$logs/release-build.log"
echo "built in $((SECONDS - time_start)) s"

if $reproducibility; then
  say "The same sources built again, elsewhere"
  copy_sources "$work/b"
  java "$root/scripts/tools/SetVersion.java" --root "$work/b" --timestamp keep "$version" >/dev/null
  dry_run "$work/b" "$logs/release-build-again.log"
fi

say "Effective POMs"
(cd "$work/a" && ./mvnw -q -B -ntp -Prelease org.apache.maven.plugins:maven-help-plugin:3.5.1:effective-pom \
  -Doutput="$work/effective-poms.xml") >"$logs/effective-pom.log" 2>&1 ||
  die "help:effective-pom failed (see $logs/effective-pom.log)"
cp "$work/effective-poms.xml" "$logs/"

say "Checking the bundle"
check=(--bundle "$work/a/root/target/central-publishing/central-bundle.zip" --effective-poms "$work/effective-poms.xml")
if $reproducibility; then
  check+=(--same-as "$work/b/root/target/central-publishing/central-bundle.zip")
fi
cp "$work/a/root/target/central-publishing/central-bundle.zip" "$logs/" 2>/dev/null || true
java "$root/scripts/tools/CheckBundle.java" "${check[@]}" || die "the bundle is not ready (see the list above)"

echo "release-check: OK: ohlcv4j $version would be accepted by Maven Central (bundle: $logs/central-bundle.zip)."
