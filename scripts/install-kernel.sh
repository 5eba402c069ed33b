#!/usr/bin/env bash
# Installs the Jupyter kernelspec "convnb" (Java (convnb): the self-contained convnb Java kernel)
# and, given IJava's jar, "convnb-ijava" (Java (IJava 1.3.0 + convnb)).
#
# Usage: scripts/install-kernel.sh [--user | --prefix DIR | --sys-prefix] [--ijava PATH/ijava-1.3.0.jar]
#                                  [--kernel-dir DIR] [--no-copy] [--name NAME] [--java JAVA]
#                                  [--display-name TEXT] [--no-cds]
#
#   --user          kernelspecs in the user's Jupyter data dir, kernel files in ~/.convnb/kernel (default;
#                   ~/.convnb/kernel-NAME for another --name, likewise below)
#   --prefix DIR    kernelspecs in DIR/share/jupyter/kernels, kernel files in DIR/share/convnb/kernel
#   --sys-prefix    kernelspecs in /usr/share/jupyter/kernels (Debian's Jupyter), kernel files in
#                   /usr/share/convnb/kernel (needs root)
#   --ijava PATH    also install the IJava kernelspec, loading convnb into IJava 1.3.0
#                   (scripts/get-ijava.sh fetches and verifies the jar)
#   --kernel-dir D  the built kernel (default: kernel-ext/target/convnb-kernel, made by `mvn package`)
#   --no-copy       point the kernelspec at --kernel-dir itself instead of copying it (for tests and
#                   development; `mvn clean` then breaks the kernelspec)
#   --name NAME     kernelspec name (default convnb; the IJava one is NAME-ijava)
#   --java JAVA     the java executable the kernels run (default: `java` on PATH when the kernel
#                   starts); e.g. --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --name convnb-jdk25
#   --display-name  the launcher's name of the convnb kernelspec (default "Java (convnb)")
#   --no-cds        skip the class-data-sharing archive (see below)
#
# Start-up speed: the installer runs the kernel once in warm-up mode (typical first cells, no
# Jupyter) with -XX:ArchiveClassesAtExit, and the kernelspec loads the resulting archive
# (convnb.jsa next to lib/) with -XX:SharedArchiveFile: javac's and the kernel's classes then come
# pre-parsed, which cuts kernel start + first cell by about a third. A stale archive (rebuilt
# jars, another JDK) is ignored by the JVM with a warning, never fatal; rerun the installer.
#
# Memory: both kernelspecs start the JVM through convnb-launch.sh (scripts/kernel-launch.sh), which
# sizes the heap and JavaCPP's off-heap caps (maxbytes, maxphysicalbytes) at every kernel start
# from the container's memory limit (cgroup v2 or v1, MEM_LIMIT), else the physical memory; past
# the caps a cell gets an OutOfMemoryError instead of the OS killing the kernel (for ND4J tensors the
# extension's tensor guard checks the caps before libnd4j allocates). The formula is in that file;
# %environment shows the numbers.
set -euo pipefail

# The JVM flags the kernels share, except the memory caps (convnb-launch.sh adds those at start).
# --add-modules=jdk.incubator.vector: the JDK Vector API, which the engine's direct convolution of thin
# layers uses (an incubator module in Java 17, loaded only on request; without it the engine falls back).
# Both kernelspecs also set OMP_WAIT_POLICY=PASSIVE: ND4J's OpenMP threads then sleep between ops
# instead of spinning for milliseconds on the cores the kernel's Java code needs next (training the
# tutorial CNN went from 2,115 to 2,970 samples/s here).
JVM_FLAGS=(-XX:+UseG1GC --add-modules=jdk.incubator.vector -Djava.awt.headless=true)

die() { echo "install-kernel.sh: $*" >&2; exit 1; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kernel_dir="$repo_root/kernel-ext/target/convnb-kernel"
scope=(--user)
dest="$HOME/.convnb/kernel"
ijava=""
copy=1
name="convnb"
cds=1
java=""
display_name="Java (convnb)"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --user) scope=(--user); dest="$HOME/.convnb/kernel"; shift ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a directory"
              mkdir -p "$2"; prefix="$(cd "$2" && pwd)"
              scope=(--prefix "$prefix"); dest="$prefix/share/convnb/kernel"; shift 2 ;;
    --sys-prefix) sys="$(/usr/bin/python3 -c 'import sys; print(sys.prefix)')"
                  scope=(--sys-prefix); dest="$sys/share/convnb/kernel"; shift ;;
    --ijava) [[ $# -ge 2 ]] || die "--ijava needs the path of ijava-1.3.0.jar"; ijava="$2"; shift 2 ;;
    --kernel-dir) [[ $# -ge 2 ]] || die "--kernel-dir needs a directory"; kernel_dir="$2"; shift 2 ;;
    --no-copy) copy=0; shift ;;
    --name) [[ $# -ge 2 ]] || die "--name needs a name"; name="$2"; shift 2 ;;
    --no-cds) cds=0; shift ;;
    --java) [[ $# -ge 2 ]] || die "--java needs the path of a java executable"; java="$2"; shift 2 ;;
    --display-name) [[ $# -ge 2 ]] || die "--display-name needs a text"; display_name="$2"; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    *) die "unknown option '$1'; see --help" ;;
  esac
done

if [[ -n "$java" ]]; then
  [[ -x "$java" ]] || die "--java '$java' is not an executable; pass e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
  java="$(cd "$(dirname "$java")" && pwd)/$(basename "$java")"
fi
run_java="${java:-java}"
# Each kernelspec name gets its own copy of the kernel (and its own class-data archive, made by its JDK).
[[ "$name" == convnb ]] || dest="$dest-$name"
[[ -x /usr/bin/jupyter ]] || die "/usr/bin/jupyter not found; install Debian's Jupyter: sudo apt-get install -y jupyter-core jupyter-client python3-jupyter-client"
built="$(cd "$kernel_dir" 2>/dev/null && pwd)" \
  || die "no built kernel at '$kernel_dir'; build it first: mvn -B -DskipTests package"
kernel_dir="$built"
ls "$kernel_dir"/lib/convnb-kernel-ext-*.jar >/dev/null 2>&1 \
  || die "'$kernel_dir/lib' has no convnb-kernel-ext jar; build it first: mvn -B -DskipTests package"

if [[ $copy -eq 1 ]]; then
  # Copy next to, then swap, so a failed copy never leaves a half-installed kernel.
  mkdir -p "$(dirname "$dest")"
  rm -rf "$dest.new"
  cp -r "$kernel_dir" "$dest.new"
  rm -rf "$dest.new/convnb.jsa" "$dest.new/warm-up.log" "$dest.new/ijava"   # made per install, below
  rm -rf "$dest"
  mv "$dest.new" "$dest"
else
  dest="$kernel_dir"
fi
lib="$dest/lib"
launcher="$dest/convnb-launch.sh"
cp "$repo_root/scripts/kernel-launch.sh" "$launcher.new" && chmod 755 "$launcher.new" && mv "$launcher.new" "$launcher"
launch=(/bin/bash "$launcher")
[[ -n "$java" ]] && launch+=(--java "$java")

convnb_args=()
if [[ $cds -eq 1 ]]; then
  archive="$dest/convnb.jsa"
  rm -f "$archive"
  # The archive is made by the JVM the kernel will run (another JDK would ignore it).
  if "$run_java" "${JVM_FLAGS[@]}" -Xmx1g -XX:ArchiveClassesAtExit="$archive" -cp "$lib/*" io.convnb.kernel.ConvnbKernel --warm-up \
       >"$dest/warm-up.log" 2>&1 && [[ -s "$archive" ]]; then
    convnb_args+=(--cds "$archive")
  else
    echo "install-kernel.sh: warning: no class-data-sharing archive (see $dest/warm-up.log); the kernel starts without it" >&2
  fi
fi

json_string() { /usr/bin/python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
json_array() {
  local out="" a
  for a in "$@"; do out+="${out:+, }$(json_string "$a")"; done
  printf '[%s]' "$out"
}

# jupyter kernelspec install is chatty on stderr: show its output only when it fails.
install_spec() {
  local out
  out="$(/usr/bin/jupyter kernelspec install "$1" --name "$2" --replace "${scope[@]}" 2>&1)" \
    || die "jupyter kernelspec install of '$2' failed: $out"
}

spec_root="$(mktemp -d)"
trap 'rm -rf "$spec_root"' EXIT

mkdir -p "$spec_root/$name"
cat > "$spec_root/$name/kernel.json" <<EOF
{
  "argv": $(json_array "${launch[@]}" "${convnb_args[@]}" --convnb "$lib" "{connection_file}"),
  "display_name": $(json_string "$display_name"),
  "language": "java",
  "interrupt_mode": "message",
  "env": {"OMP_WAIT_POLICY": "PASSIVE"},
  "metadata": {"debugger": false}
}
EOF
install_spec "$spec_root/$name" "$name"
echo "installed kernelspec '$name' ($display_name) using $lib${java:+ and $java}"

if [[ -n "$ijava" ]]; then
  [[ -f "$ijava" ]] || die "--ijava '$ijava' is not a file; pass the path of ijava-1.3.0.jar from IJava's release zip"
  ijava_jar="$(cd "$(dirname "$ijava")" && pwd)/$(basename "$ijava")"
  if [[ $copy -eq 1 ]]; then
    mkdir -p "$dest/ijava"
    cp "$ijava_jar" "$dest/ijava/"
    ijava_jar="$dest/ijava/$(basename "$ijava_jar")"
  fi
  # IJava already bundles basekernel and its ZeroMQ transport: leave them out of IJAVA_CLASSPATH.
  cp_entries=()
  for jar in "$lib"/*.jar; do
    case "$(basename "$jar")" in
      jupyter-jvm-basekernel-*|jeromq-*|jnacl-*) ;;
      *) cp_entries+=("$jar") ;;
    esac
  done
  ijava_cp="$(IFS=:; echo "${cp_entries[*]}")"
  mkdir -p "$spec_root/$name-ijava"
  cat > "$spec_root/$name-ijava/kernel.json" <<EOF
{
  "argv": $(json_array "${launch[@]}" --ijava "$ijava_jar" "{connection_file}"),
  "display_name": "Java (IJava 1.3.0 + convnb)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {
    "IJAVA_CLASSPATH": $(json_string "$ijava_cp"),
    "IJAVA_STARTUP_SCRIPTS_PATH": $(json_string "$dest/convnb-startup.jshell"),
    "OMP_WAIT_POLICY": "PASSIVE"
  }
}
EOF
  install_spec "$spec_root/$name-ijava" "$name-ijava"
  echo "installed kernelspec '$name-ijava' (Java (IJava 1.3.0 + convnb)) using $ijava_jar"
fi
