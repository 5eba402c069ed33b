# Sourced by the benchmark scripts (run from the repository root): builds the engine's test classes and
# defines engine_java HEAP ARGS..., which runs java on them with the engine's settings, those of the
# convnb kernelspec (scripts/install-kernel.sh): the Vector API module for the direct convolution and
# OMP_WAIT_POLICY=PASSIVE. The reference processes (PyTorch) keep their defaults. It also exports the
# same as ENGINE_CP, ENGINE_JVM_FLAGS and ENGINE_ENV for bench/bench.py, which starts the JVMs itself
# (with these settings, or without them for its plain-JVM column).
mvn -q -B -pl engine -am test-compile >&2   # the table goes to stdout alone
ENGINE_CP_FILE=$(mktemp)
trap 'rm -f "$ENGINE_CP_FILE"' EXIT
mvn -q -B -pl engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$ENGINE_CP_FILE" >/dev/null
ENGINE_CP="engine/target/test-classes:engine/target/classes:$(cat "$ENGINE_CP_FILE")"
ENGINE_JVM_FLAGS="--add-modules=jdk.incubator.vector"
ENGINE_ENV="OMP_WAIT_POLICY=PASSIVE"
export ENGINE_CP ENGINE_JVM_FLAGS ENGINE_ENV

engine_java() {
  local heap="$1"
  shift
  env $ENGINE_ENV java "-Xmx$heap" $ENGINE_JVM_FLAGS -cp "$ENGINE_CP" "$@"
}
