#!/usr/bin/env bash
# Builds, signs and publishes a release of ohlcv4j to Maven Central through the Central Portal, with the release
# profile of the parent POM. The release workflow runs it on a tag v*; a maintainer can run it the same way.
#
#   scripts/release.sh [--dry-run] [--skip-tests]
#
#   --dry-run      build and sign the bundle, leave it in root/target/central-publishing/central-bundle.zip, upload nothing
#   --skip-tests   do not run the tests (scripts/release-check.sh uses it: CI has run them already)
#
# Environment (secrets are read from the environment only, never written to a file or a command line):
#   MAVEN_GPG_KEY            the armored secret signing key (or its base64); imported into a throwaway GnuPG home.
#                            Without it, gpg's own keyring is used (GNUPGHOME, else ~/.gnupg).
#   MAVEN_GPG_PASSPHRASE     its passphrase; maven-gpg-plugin reads it from the environment
#   MAVEN_GPG_KEYNAME        optional: which key to sign with (id, fingerprint or e-mail)
#   MAVEN_CENTRAL_USERNAME   a Central Portal user token (name and password): needed to upload, not for --dry-run
#   MAVEN_CENTRAL_PASSWORD
#   RELEASE_TAG              optional: the tag being released; it must be v<the project version>
#   CENTRAL_AUTO_PUBLISH     true: publish as soon as Central has validated the bundle; otherwise (the default) the
#                            validated deployment waits for a maintainer to press Publish in the Central Portal
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

dry_run=false
tests=(-DskipTests=false)
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    --skip-tests) tests=(-DskipTests) ;;
    *) echo "release: unknown argument '$arg' (use --dry-run, --skip-tests)" >&2; exit 2 ;;
  esac
done

die() { printf 'release: %s\n' "$*" >&2; exit 1; }

command -v gpg >/dev/null || die "gpg (GnuPG) is not installed; the release signs every file with it"

version=$(java scripts/tools/SetVersion.java --print)
case "$version" in
  *-SNAPSHOT) die "the version is $version: Maven Central takes releases only. Set one first (java scripts/tools/SetVersion.java 1.2.3), commit, tag v1.2.3." ;;
esac
if [ -n "${RELEASE_TAG:-}" ] && [ "$RELEASE_TAG" != "v$version" ]; then
  die "the tag is $RELEASE_TAG but the project version is $version: tag the commit that sets the version, as v$version"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ohlcv4j-release.XXXXXX")
cleanup() {
  if [ -n "${GNUPGHOME:-}" ] && [ "$GNUPGHOME" = "$work/gnupg" ]; then
    gpgconf --kill all >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${MAVEN_GPG_KEY:-}" ]; then
  export GNUPGHOME="$work/gnupg"
  mkdir -m 700 "$GNUPGHOME"
  key="$MAVEN_GPG_KEY"
  case "$key" in
    -----BEGIN*) ;;
    *) key=$(printf '%s' "$key" | base64 -d 2>/dev/null) || die "MAVEN_GPG_KEY is neither an armored key nor base64 of one" ;;
  esac
  printf '%s\n' "$key" | gpg --batch --quiet --import 2>/dev/null || die "gpg could not import MAVEN_GPG_KEY"
  unset key
fi
gpg --batch --list-secret-keys 2>/dev/null | grep -q '^sec' || die "gpg has no secret key to sign with (set MAVEN_GPG_KEY)"

args=(-B -ntp -Prelease -Dmaven.install.skip=true "${tests[@]}")
if [ -n "${MAVEN_GPG_KEYNAME:-}" ]; then
  args+=("-Dgpg.keyname=$MAVEN_GPG_KEYNAME")
fi
if $dry_run; then
  args+=(-Dcentral.skipUpload=true)
else
  if [ -z "${MAVEN_CENTRAL_USERNAME:-}" ] || [ -z "${MAVEN_CENTRAL_PASSWORD:-}" ]; then
    die "MAVEN_CENTRAL_USERNAME and MAVEN_CENTRAL_PASSWORD (a Central Portal user token) are needed to upload"
  fi
  # The credentials stay in the environment: Maven reads ${env.*} when it loads these settings. They are given as
  # global settings, so that your own settings.xml (mirrors, proxies) still applies.
  cat >"$work/settings.xml" <<'EOF'
<settings>
  <servers>
    <server>
      <id>central</id>
      <username>${env.MAVEN_CENTRAL_USERNAME}</username>
      <password>${env.MAVEN_CENTRAL_PASSWORD}</password>
    </server>
  </servers>
</settings>
EOF
  args+=(-gs "$work/settings.xml" "-Dcentral.autoPublish=${CENTRAL_AUTO_PUBLISH:-false}")
fi

echo "release: ohlcv4j $version$($dry_run && echo ' (dry run: nothing is uploaded)')"
./mvnw "${args[@]}" clean deploy

# The plugin bundles in the first module of the reactor, ohlcv4j-root (root/).
bundle="$root/root/target/central-publishing/central-bundle.zip"
[ -f "$bundle" ] || die "the build made no bundle at $bundle"
if $dry_run; then
  echo "release: the bundle is $bundle"
else
  echo "release: ohlcv4j $version uploaded to the Central Portal$([ "${CENTRAL_AUTO_PUBLISH:-false}" = true ] && echo ', to be published once validated' || echo '; press Publish there once it is validated')"
fi
