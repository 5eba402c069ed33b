# shellcheck shell=bash
# Shell functions for binder/postBuild (sourced, not run): messages, reachability checks and
# checksum-verified downloads. Needs CHECKSUMS (the binder/checksums file) to be set by the caller.
# scripts/test_binder_fetch.py tests them.

command -v curl >/dev/null || { echo "postBuild: ERROR: curl is needed (apt-get install curl)" >&2; exit 1; }

step() { printf '\n==> postBuild: %s\n' "$*"; }
die() { printf '%s: ERROR: %s\n' "${FETCH_WHO:-postBuild}" "$*" >&2; exit 1; }
notice() { printf '\n*** NOTICE: %s ***\n\n' "$*" >&2; }

# True when the host of URL answers within a short connect timeout.
reachable() { curl -sS -o /dev/null --connect-timeout 5 --max-time 20 --head --location "$1" 2>/dev/null; }

# Skips a step that needs HOST_URL when replaying offline; on Binder an unreachable host is fatal.
need_internet() {
  local url="$1" what="$2"
  reachable "$url" && return 0
  if [ "${CONVNB_REPLAY:-0}" = 1 ]; then
    notice "$what skipped: $url is unreachable from this machine (replay)"
    return 1
  fi
  die "$what: cannot reach $url"
}

# Checks FILE against every line for its NAME in binder/checksums; at least one sha256 is required.
verify() {
  local file="$1" name="$2" algo hash n=0 have_sha256=0 actual
  while read -r algo hash entry; do
    [ "$entry" = "$name" ] || continue
    case "$algo" in md5|sha256|sha512) ;; *) die "binder/checksums: unknown algorithm '$algo' for $name" ;; esac
    actual="$("${algo}sum" "$file" | cut -d' ' -f1)"
    [ "$actual" = "$hash" ] || die "$name: $algo is $actual, expected $hash (binder/checksums); refusing the download"
    n=$((n + 1))
    [ "$algo" = sha256 ] && have_sha256=1
  done < <(grep -v '^[[:space:]]*#' "$CHECKSUMS" | grep -v '^[[:space:]]*$')
  [ "$have_sha256" = 1 ] || die "$name has no pinned sha256 in binder/checksums; refusing to install an unverified download (see the comments in that file for how to pin it)"
  echo "verified $name ($n checksums)"
}

# Downloads URL to DEST through a temporary name and verifies it before it takes DEST's place.
fetch_verified() {
  local url="$1" dest="$2" name
  name="$(basename "$dest")"
  mkdir -p "$(dirname "$dest")"
  curl -fsSL --connect-timeout 10 --retry 3 -o "$dest.part" "$url" || die "download of $url failed"
  verify "$dest.part" "$name"
  mv "$dest.part" "$dest"
}
