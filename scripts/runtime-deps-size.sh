#!/usr/bin/env bash
# Size of the engine's runtime dependency set: every jar on its runtime class path (compile and
# runtime scope, no test jars), as Maven resolves it. Prints the count, the total and the largest.
# usage: scripts/runtime-deps-size.sh [MODULE]   (default: engine)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
module="${1:-engine}"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
mvn -B -q -ntp -pl "$module" dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile="$cp_file" >/dev/null
tr ':' '\n' < "$cp_file" | grep -v '^$' | xargs stat -c '%s %n' | sort -rn > "$cp_file.sizes"
trap 'rm -f "$cp_file" "$cp_file.sizes"' EXIT
awk -v m="$module" '{ s += $1; n++ } END { printf "%s runtime dependencies: %d jars, %d bytes (%.1f MiB)\n", m, n, s, s / 1048576 }' "$cp_file.sizes"
echo "largest:"
head -n 5 "$cp_file.sizes" | awk '{ n = split($2, p, "/"); printf "  %7.1f MiB  %s\n", $1 / 1048576, p[n] }'
