#!/usr/bin/env bash
# Starts a convnb kernel JVM with memory caps sized, at every start, from the memory this process
# may really use. scripts/install-kernel.sh copies this file next to the kernel as convnb-launch.sh
# and both kernelspecs (convnb and convnb-ijava) run it.
#
# usage: convnb-launch.sh [--java JAVA] [--cds ARCHIVE] [--print] --convnb LIBDIR CONNECTION_FILE
#        convnb-launch.sh [--java JAVA] [--print] --ijava IJAVA_JAR CONNECTION_FILE
#   --print  write the sizing and the java command line to stdout instead of starting it (tests)
#
# The memory limit L is the smallest of: the cgroup limit of this process and of every cgroup above
# it (v2 memory.max, v1 memory/memory.limit_in_bytes; that is what a container or a Binder pod is
# held to), MEM_LIMIT (bytes; mybinder.org sets it) and the machine's physical memory.
# Of L, the kernel process may use K = L - 384 MiB - 40% of what L has above 2 GiB: the 384 MiB
# are for the Jupyter server and the notebook client next to the kernel (2 GiB on Binder holds
# everything), the 40% leave a desktop's browser, OS and a second kernel room on large machines.
#   heap (-Xmx)                      = 30% of K, at least 256 MiB: Java objects (tables, images);
#   JavaCPP maxphysicalbytes         = K: the whole process's resident memory;
#   JavaCPP maxbytes                 = K - heap - JVM overhead (K/7, 384 MiB to 2 GiB): ND4J's
#                                      off-heap tensors.
# Past a JavaCPP cap, JavaCPP runs the GC to free dead tensors, then throws OutOfMemoryError in the
# cell: a readable error, and the kernel keeps running instead of being killed by the OS.
# JavaCPP does not count ND4J's tensors, and libnd4j allocates (and zeroes) a tensor before JavaCPP
# checks anything, so the kernel enforces both caps itself: the convnb extension installs
# io.convnb.memory.TensorMemoryGuard with them when it finds -Dconvnb.memory.limit (the limit L in
# bytes) and -Dconvnb.memory.source (where L came from, named in its errors). A tensor over maxbytes,
# or a large one that would take the process past maxphysicalbytes, is refused before allocation.
# 2 GiB -> K 1,664 MiB: heap 499, maxbytes 781.  24 GiB -> K ~15 GiB: heap ~4.4 GiB, maxbytes ~8.4 GiB.
# The kernel sees the result in CONVNB_MEMORY (shown by %environment).
#
# Where it reads the limits (tests point these at fake trees; scripts/test_kernel_launch.py):
#   CONVNB_CGROUP_FS    the cgroup mount, default /sys/fs/cgroup (v2 there, v1 in its memory/)
#   CONVNB_PROC_CGROUP  this process's cgroup paths, default /proc/self/cgroup
#   CONVNB_MEMINFO      the physical memory (MemTotal), default /proc/meminfo
set -euo pipefail

die() { echo "convnb-launch.sh: $*" >&2; exit 2; }

java=java cds="" mode="" target="" print=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --java) java="$2"; shift 2 ;;
    --cds) cds="$2"; shift 2 ;;
    --print) print=1; shift ;;
    --convnb|--ijava) mode="${1#--}"; target="$2"; shift 2 ;;
    --) shift; break ;;
    -*) die "unknown option '$1'" ;;
    *) break ;;
  esac
done
[[ -n "$mode" && $# -eq 1 ]] || die "usage: convnb-launch.sh [--java JAVA] [--cds ARCHIVE] [--print] (--convnb LIBDIR | --ijava JAR) CONNECTION_FILE"
connection="$1"

UNLIMITED=$((1 << 62))   # cgroup v1 writes ~2^63 for "no limit"
limit=0 source=""
consider() {   # consider BYTES WHERE: keep the smallest real limit
  local v="$1"
  [[ "$v" =~ ^[0-9]+$ ]] || return 0
  if (( v > 0 && v < UNLIMITED )) && { (( limit == 0 )) || (( v < limit )); }; then
    limit=$v; source="$2"
  fi
}
# Walks from this process's cgroup up to the mount's root; a container whose cgroup namespace hides
# the path still has its own limit at the root of the mount.
walk_cgroup() {   # walk_cgroup MOUNT RELPATH FILE LABEL
  local d="$1$2" f
  while :; do
    f="$d/$3"
    [[ -r "$f" ]] && consider "$(cat "$f" 2>/dev/null || true)" "$4 $f"
    [[ "$d" == "$1" || "$d" == / ]] && break
    d="$(dirname "$d")"
  done
}
cgroup_fs="${CONVNB_CGROUP_FS:-/sys/fs/cgroup}" proc_cgroup="${CONVNB_PROC_CGROUP:-/proc/self/cgroup}"
meminfo="${CONVNB_MEMINFO:-/proc/meminfo}"
if [[ -r "$proc_cgroup" ]]; then
  v2="$(sed -n 's/^0::\(.*\)$/\1/p' "$proc_cgroup" | head -n 1)"
  v1="$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3; exit }' "$proc_cgroup")"
  if [[ -f "$cgroup_fs/cgroup.controllers" ]]; then
    walk_cgroup "$cgroup_fs" "${v2%/}" memory.max "cgroup v2"
  fi
  if [[ -d "$cgroup_fs/memory" ]]; then
    walk_cgroup "$cgroup_fs/memory" "${v1%/}" memory.limit_in_bytes "cgroup v1"
  fi
fi
consider "${MEM_LIMIT:-}" "MEM_LIMIT"
total_kib="$(awk '/^MemTotal:/ { print $2 }' "$meminfo" 2>/dev/null || true)"
physical=$(( ${total_kib:-0} * 1024 ))
consider "$physical" "physical memory"
(( limit > 0 )) || die "cannot tell how much memory this machine has (no cgroup limit, no MEM_LIMIT, no /proc/meminfo)"

mib=$(( limit >> 20 ))
above=$(( mib > 2048 ? mib - 2048 : 0 ))
kernel=$(( mib - 384 - above * 2 / 5 ))
(( kernel >= 512 )) || kernel=512   # below ~900 MiB of limit the kernel cannot be kept in it anyway
heap=$(( kernel * 3 / 10 )); (( heap >= 256 )) || heap=256
overhead=$(( kernel / 7 )); (( overhead >= 384 )) || overhead=384; (( overhead <= 2048 )) || overhead=2048
offheap=$(( kernel - heap - overhead )); (( offheap >= 128 )) || offheap=128

flags=(-Xmx${heap}m -XX:+UseG1GC --add-modules=jdk.incubator.vector
       -Dorg.bytedeco.javacpp.maxbytes=${offheap}m
       -Dorg.bytedeco.javacpp.maxphysicalbytes=${kernel}m
       -Dconvnb.memory.limit=${limit} "-Dconvnb.memory.source=${source}"
       -Djava.awt.headless=true)
export CONVNB_MEMORY="limit ${mib} MiB (${source}); kernel ${kernel} MiB: heap ${heap} MiB, JavaCPP maxbytes ${offheap} MiB, maxphysicalbytes ${kernel} MiB"

case "$mode" in
  convnb)
    [[ -n "$cds" && -f "$cds" ]] && flags+=(-XX:SharedArchiveFile="$cds")
    cmd=("$java" "${flags[@]}" -cp "$target/*" io.convnb.kernel.ConvnbKernel "$connection") ;;
  ijava)
    cmd=("$java" "${flags[@]}" -jar "$target" "$connection") ;;
esac
if [[ $print -eq 1 ]]; then
  echo "CONVNB_MEMORY=$CONVNB_MEMORY"
  printf '%s\n' "${cmd[@]}"
  exit 0
fi
exec "${cmd[@]}"
