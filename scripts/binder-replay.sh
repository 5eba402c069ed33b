#!/usr/bin/env bash
# Replays the Binder (repo2docker) build of this repository on a Debian machine, in repo2docker's
# order, then executes notebooks with the kernelspecs that build installed:
#   1. binder/apt.txt installed as root (apt-get install --yes --no-install-recommends, comments
#      stripped as repo2docker strips them; apt-get update only when a package is missing);
#   2. a non-root user (convnb-binder) with a fresh, empty HOME into which the repository is copied
#      (tracked files plus untracked ones git does not ignore, i.e. what a clean clone of this
#      working tree holds; no build outputs);
#   3. binder/postBuild run as that user from that copy, with a clean environment, exactly as
#      repo2docker runs it (chmod +x, ./binder/postBuild), plus CONVNB_REPLAY=1 so that steps
#      needing hosts this machine cannot reach are skipped with a visible NOTICE instead of
#      failing, and CONVNB_IJAVA_ZIP (when set) so that postBuild installs the real IJava from
#      that local copy of its release archive, verified by the same pins as on Binder;
#   4. notebooks executed as that user through binder/start (the Binder session's environment)
#      with scripts/run_notebooks.py under each kernelspec postBuild installed in the user's HOME,
#      each notebook run inside its own 2 GiB memory cgroup (cgroup v2 or v1, as root), as a
#      mybinder.org session is held to 2 GB: the kernel sizes itself from that limit, the replay
#      prints each run's peak memory and fails when a run was killed for memory. With the cgroup,
#      scripts/probes/memory-guard.ipynb runs last under each kernelspec: cells that ask for more
#      memory than the container holds must get the tensor guard's error, and the kernel must live.
#
# Maven: the user cannot read root's ~/.m2, and downloading ~300 MB again on every replay is slow.
# The replay keeps a copy of root's local repository in /var/cache/convnb-binder/m2 (owned by the
# user, refreshed with `cp -u`) and points the user's ~/.m2/settings.xml at it; postBuild itself
# runs plain `mvn` as on Binder. Set CONVNB_M2_SEED to seed from another repository.
#
# usage: scripts/binder-replay.sh [--all | NOTEBOOK...]   (as root)
#   default: the first notebook of notebooks/ (CI); --all: every notebook; or the named ones.
#   CONVNB_QUICK=0 runs the notebooks in full (default: CONVNB_QUICK=1, small subsets).
#   CONVNB_REPLAY_MEM_MIB sets the cgroup's limit (default 2048); where no memory cgroup can be
#   made (not root, or a cgroup v2 tree that does not delegate the memory controller) the
#   notebooks run without one, with a NOTICE.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USER_NAME=convnb-binder
USER_HOME="/home/$USER_NAME"
M2_CACHE=/var/cache/convnb-binder/m2
M2_SEED="${CONVNB_M2_SEED:-$HOME/.m2/repository}"
MEM_MIB="${CONVNB_REPLAY_MEM_MIB:-2048}"
IJAVA_CACHE=/var/cache/convnb-binder/ijava-1.3.0.zip

say() { printf '\033[1m[binder-replay]\033[0m %s\n' "$*"; }
die() { printf '[binder-replay] error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs apt.txt and creates the user $USER_NAME)"
command -v git >/dev/null || die "git is needed to list the repository's files"

notebooks=()
if [ "${1:-}" = --all ]; then
  [ $# -eq 1 ] || die "--all takes no notebook names"
  for nb in "$REPO"/notebooks/*.ipynb; do [ -f "$nb" ] && notebooks+=("notebooks/$(basename "$nb")"); done
  [ ${#notebooks[@]} -gt 0 ] || die "no notebooks in $REPO/notebooks"
elif [ $# -gt 0 ]; then
  for nb in "$@"; do
    rel="$(realpath --relative-to="$REPO" "$nb")"
    [ -f "$REPO/$rel" ] && [[ "$rel" != ../* ]] || die "$nb is not a notebook inside $REPO"
    notebooks+=("$rel")
  done
else
  first="$(find "$REPO/notebooks" -maxdepth 1 -name '*.ipynb' 2>/dev/null | sort | head -n 1)"
  [ -n "$first" ] || die "no notebooks in $REPO/notebooks"
  notebooks=("notebooks/$(basename "$first")")
fi
t0=$SECONDS

say "1/4 apt.txt as root"
packages=()
while IFS= read -r line; do
  pkg="${line%%#*}"; pkg="${pkg//[[:space:]]/}"
  [ -n "$pkg" ] && packages+=("$pkg")
done < "$REPO/binder/apt.txt"
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends -qq "${missing[@]}"
else
  say "all installed: ${packages[*]}"
fi

say "2/4 user $USER_NAME with a fresh HOME and a copy of the repository"
id -u "$USER_NAME" >/dev/null 2>&1 \
  || useradd --home-dir "$USER_HOME" --no-create-home --shell /bin/bash --user-group "$USER_NAME"
[ "$(getent passwd "$USER_NAME" | cut -d: -f6)" = "$USER_HOME" ] \
  || die "user $USER_NAME exists with another home than $USER_HOME; remove it (userdel $USER_NAME)"
rm -rf --one-file-system "$USER_HOME"
install -d -o "$USER_NAME" -g "$USER_NAME" -m 755 "$USER_HOME"
# Files a clean clone of this working tree would have (uncommitted edits included), no outputs.
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
   | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
   | tar --null -T - -cf -) | tar -xf - -C "$USER_HOME"
mkdir -p "$M2_CACHE" "$USER_HOME/.m2"
if [ -d "$M2_SEED" ]; then
  say "seeding the user's Maven repository from $M2_SEED"
  cp -a -u "$M2_SEED/." "$M2_CACHE/"
fi
ijava_env=()
if [ -n "${CONVNB_IJAVA_ZIP:-}" ]; then
  [ -f "$CONVNB_IJAVA_ZIP" ] || die "CONVNB_IJAVA_ZIP=$CONVNB_IJAVA_ZIP is not a file"
  # A copy the user can read (the original may sit in a folder only root can enter).
  install -m 644 "$CONVNB_IJAVA_ZIP" "$IJAVA_CACHE"
  ijava_env=(CONVNB_IJAVA_ZIP="$IJAVA_CACHE")
fi
cat > "$USER_HOME/.m2/settings.xml" <<EOF
<settings><localRepository>$M2_CACHE</localRepository></settings>
EOF
chown -R "$USER_NAME:$USER_NAME" "$USER_HOME" "$M2_CACHE"

# Runs a command as the user, in its HOME, with a clean environment like the image build's.
as_user() {
  local keep=(HOME="$USER_HOME" USER="$USER_NAME" LOGNAME="$USER_NAME" SHELL=/bin/bash
              LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin CONVNB_REPLAY=1 "${ijava_env[@]}")
  [ -n "${OPENBLAS_CORETYPE:-}" ] && keep+=(OPENBLAS_CORETYPE="$OPENBLAS_CORETYPE")
  runuser -u "$USER_NAME" -- env -i "${keep[@]}" bash -c 'cd "$HOME" && "$@"' bash "$@"
}

say "3/4 postBuild as $USER_NAME"
chmod +x "$USER_HOME/binder/postBuild" "$USER_HOME/binder/start"
as_user ./binder/postBuild

say "4/4 notebooks as $USER_NAME with the kernelspecs postBuild installed"
kernels=()
for k in convnb convnb-ijava; do
  [ -f "$USER_HOME/.local/share/jupyter/kernels/$k/kernel.json" ] && kernels+=("$k")
done
[ "${kernels[0]:-}" = convnb ] \
  || die "postBuild installed no convnb kernelspec in $USER_HOME/.local/share/jupyter/kernels"
[ ${#kernels[@]} -eq 2 ] || say "NOTICE: no convnb-ijava kernelspec (IJava was not installed); running convnb only"
quick=()
[ "${CONVNB_QUICK:-1}" = 0 ] || quick=(--quick)

# --- memory cgroup per notebook run -------------------------------------------------------------
cg_mode="" cg_root=""
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  # v2: a child of the root needs the memory controller enabled for the root's children.
  grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null \
    || echo +memory > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
  grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null && { cg_mode=v2; cg_root=/sys/fs/cgroup; }
elif [ -w /sys/fs/cgroup/memory ]; then
  cg_mode=v1; cg_root=/sys/fs/cgroup/memory
fi
cg_make() {   # prints the new cgroup's path, or nothing when none can be made
  local d="$cg_root/convnb-replay-$$-$1"
  [ -n "$cg_mode" ] && mkdir "$d" 2>/dev/null || return 0
  if [ "$cg_mode" = v2 ]; then
    echo $((MEM_MIB << 20)) > "$d/memory.max" && { echo 0 > "$d/memory.swap.max" 2>/dev/null || true; }
  else
    echo $((MEM_MIB << 20)) > "$d/memory.limit_in_bytes" \
      && { [ ! -f "$d/memory.memsw.limit_in_bytes" ] || echo $((MEM_MIB << 20)) > "$d/memory.memsw.limit_in_bytes"; }
  fi || { rmdir "$d"; return 0; }
  echo "$d"
}
cg_peak_mib() {
  local f="$1/memory.max_usage_in_bytes"
  [ "$cg_mode" = v2 ] && f="$1/memory.peak"
  [ -r "$f" ] && echo $(( $(cat "$f") >> 20 )) || echo "?"
}
cg_oom_kills() {
  local f="$1/memory.oom_control"
  [ "$cg_mode" = v2 ] && f="$1/memory.events"
  awk '$1 == "oom_kill" { print $2; found = 1 } END { if (!found) print 0 }' "$f" 2>/dev/null || echo 0
}
cg_remove() {   # the run's processes are gone once the runner returns; give the kernel a moment
  local i
  for i in 1 2 3 4 5 6 7 8 9 10; do rmdir "$1" 2>/dev/null && return 0; sleep 1; done
  say "NOTICE: could not remove $1 (processes still in it?)"
}
[ -n "$cg_mode" ] && say "each notebook runs in its own $MEM_MIB MiB memory cgroup (cgroup $cg_mode)" \
  || say "NOTICE: no memory cgroup can be made here (not cgroup v1, or a v2 tree without the memory controller); notebooks run without the $MEM_MIB MiB limit"
# The memory-guard probe asks for more than the container holds (3 GiB at once, then 600 MiB blocks until
# refused): in the cgroup it must get the tensor guard's errors, not the kernel killed. Its sizes
# assume a limit of at most 4 GiB; without a cgroup it would prove nothing.
PROBE=scripts/probes/memory-guard.ipynb
if [ -n "$cg_mode" ] && [ "$MEM_MIB" -le 4096 ]; then
  notebooks+=("$PROBE")
else
  say "NOTICE: the memory-guard probe ($PROBE) needs a memory cgroup of at most 4096 MiB; skipped"
fi

memory_lines=() mem_failed=0 run=0
for k in "${kernels[@]}"; do
  for nb in "${notebooks[@]}"; do
    run=$((run + 1))
    cg="$(cg_make "$run")"
    status=0
    if [ -n "$cg" ]; then
      # The runner, and so the kernel it starts, live in the cgroup: echo our pid in, then exec.
      bash -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' cg "$cg" \
        runuser -u "$USER_NAME" -- env -i HOME="$USER_HOME" USER="$USER_NAME" LOGNAME="$USER_NAME" SHELL=/bin/bash \
        LANG=C.UTF-8 PATH=/usr/local/bin:/usr/bin:/bin CONVNB_REPLAY=1 \
        bash -c 'cd "$HOME" && "$@"' bash ./binder/start /usr/bin/python3 scripts/run_notebooks.py --kernel "$k" \
        "${quick[@]}" --reports "$USER_HOME/reports/$k" "$nb" || status=$?
      peak="$(cg_peak_mib "$cg")" kills="$(cg_oom_kills "$cg")"
      cg_remove "$cg"
      line="$(basename "$nb") [$k]: peak $peak MiB of $MEM_MIB MiB (cgroup $cg_mode, page cache included), OOM kills $kills"
      if [ "$kills" != 0 ]; then line+=" -- KILLED FOR MEMORY"; mem_failed=1; fi
    else
      as_user ./binder/start /usr/bin/python3 scripts/run_notebooks.py --kernel "$k" "${quick[@]}" \
        --reports "$USER_HOME/reports/$k" "$nb" || status=$?
      line="$(basename "$nb") [$k]: no memory cgroup, peak not measured"
    fi
    [ "$status" = 0 ] || line+=" -- FAILED (exit $status)"
    memory_lines+=("$line")
    say "memory: $line"
  done
done
say "memory per notebook run:"
printf '  %s\n' "${memory_lines[@]}"
[ "$mem_failed" = 0 ] || die "a notebook was killed for memory inside the $MEM_MIB MiB cgroup (see above)"
printf '%s\n' "${memory_lines[@]}" | grep -q -- "-- FAILED" && die "a notebook run failed (see above)"
say "replay passed in $((SECONDS - t0)) s (reports in $USER_HOME/reports)"
