#!/usr/bin/env bash
# Installs the kernel jar of IJava 1.3.0 (https://github.com/SpencerPark/IJava, MIT licence) for the
# convnb-ijava kernelspec, verified by content: the archive is unpacked into a temporary folder and
# every file pinned in binder/checksums as "ijava-1.3.0/<path in the archive>" must match its
# SHA-256 before anything takes the place of an earlier install. A mismatch fails loudly and
# installs nothing. The archive's own bytes are not pinned: re-zipped copies of the release differ
# as archives but not in their files.
#
# usage: scripts/get-ijava.sh [--require]
#   Where the archive comes from, first match wins:
#     1. CONVNB_IJAVA_ZIP=/path/ijava-1.3.0.zip (a local copy; CI points it at ../shared/ijava/);
#     2. an earlier install in CONVNB_IJAVA_HOME (default ~/.convnb/ijava-1.3.0) that still verifies;
#     3. the GitHub release URL (CONVNB_IJAVA_URL overrides it), when the host answers.
#   Prints the verified jar's path on stdout (messages go to stderr). Exit status: 0 installed,
#   3 skipped because no archive could be had (one line on stderr says how to add it; --require
#   makes that an error, exit 1, as on Binder), 1 on any error (bad archive, checksum mismatch).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION=1.3.0
URL="${CONVNB_IJAVA_URL:-https://github.com/SpencerPark/IJava/releases/download/v$VERSION/ijava-$VERSION.zip}"
HOME_DIR="${CONVNB_IJAVA_HOME:-$HOME/.convnb/ijava-$VERSION}"
JAR_IN_ZIP="java/ijava-$VERSION.jar"
CHECKSUMS="$REPO/binder/checksums"
FETCH_WHO=get-ijava.sh
# shellcheck source=binder/fetch.sh
source "$REPO/binder/fetch.sh"

require=0
case "${1:-}" in
  --require) require=1 ;;
  "") ;;
  *) die "unknown option '$1' (usage: scripts/get-ijava.sh [--require])" ;;
esac

# The "ijava-1.3.0/..." entries of binder/checksums, as paths inside the archive.
pinned_files() {
  grep -v '^[[:space:]]*#' "$CHECKSUMS" \
    | awk -v p="ijava-$VERSION/" '$1 == "sha256" && index($3, p) == 1 { print substr($3, length(p) + 1) }'
}

# Verifies every pinned file under DIR (an unpacked archive); dies on the first mismatch.
verify_tree() {
  local dir="$1" rel n=0
  while IFS= read -r rel; do
    [ -f "$dir/$rel" ] || die "the IJava archive has no $rel; it is not the IJava $VERSION release"
    verify "$dir/$rel" "ijava-$VERSION/$rel" >&2
    n=$((n + 1))
  done < <(pinned_files)
  [ "$n" -gt 0 ] || die "binder/checksums pins no ijava-$VERSION/ file; refusing to install an unverified IJava"
}

# Quietly true when an earlier install is complete and still matches the pins.
installed_ok() {
  [ -f "$HOME_DIR/$JAR_IN_ZIP" ] && (verify_tree "$HOME_DIR") >/dev/null 2>&1
}

# Unpacks ZIP into a fresh folder, verifies it, then swaps it into HOME_DIR.
install_from() {
  local zip="$1" new="$HOME_DIR.new"
  rm -rf "$new"
  mkdir -p "$new"
  # A failed check must leave no half-unpacked folder behind.
  trap 'rm -rf "$new"' EXIT
  /usr/bin/python3 -m zipfile -e "$zip" "$new/" 2>/dev/null \
    || die "$zip is not a readable zip archive; expected IJava's release ijava-$VERSION.zip"
  verify_tree "$new"
  # Keep IJava's licence next to the jar we copy (MIT asks for it); it is not inside the archive.
  [ -f "$(dirname "$zip")/LICENSE" ] && cp "$(dirname "$zip")/LICENSE" "$new/LICENSE"
  rm -rf "$HOME_DIR"
  mv "$new" "$HOME_DIR"
  trap - EXIT
  echo "IJava $VERSION installed in $HOME_DIR (verified against binder/checksums)" >&2
}

if [ -n "${CONVNB_IJAVA_ZIP:-}" ]; then
  [ -f "$CONVNB_IJAVA_ZIP" ] || die "CONVNB_IJAVA_ZIP=$CONVNB_IJAVA_ZIP is not a file; point it at IJava's release archive ijava-$VERSION.zip"
  if ! installed_ok; then install_from "$CONVNB_IJAVA_ZIP"; fi
elif installed_ok; then
  :
elif reachable "$URL"; then
  tmp="$(mktemp -d)"
  curl -fsSL --connect-timeout 10 --retry 3 -o "$tmp/ijava-$VERSION.zip" "$URL" || { rm -rf "$tmp"; die "download of $URL failed"; }
  (install_from "$tmp/ijava-$VERSION.zip") || { rm -rf "$tmp"; exit 1; }
  rm -rf "$tmp"
else
  line="IJava $VERSION skipped: no CONVNB_IJAVA_ZIP and $URL is unreachable; to add the convnb-ijava kernel, download that archive and run CONVNB_IJAVA_ZIP=/path/to/ijava-$VERSION.zip ./convnb setup"
  [ "$require" = 1 ] && die "$line"
  echo "$line" >&2
  exit 3
fi
echo "$HOME_DIR/$JAR_IN_ZIP"
