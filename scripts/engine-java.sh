# Sourced by scripts/bench-conv.sh and scripts/bench-train.sh (run from the repository root): builds the
# engine's test classes and defines engine_java HEAP ARGS..., which runs java on them with the engine's
# settings, those of the convnb kernelspec (scripts/install-kernel.sh): the Vector API module for the
# direct convolution and OMP_WAIT_POLICY=PASSIVE. The reference processes (PyTorch) keep their defaults.
mvn -q -B -pl engine -am test-compile
ENGINE_CP_FILE=$(mktemp)
trap 'rm -f "$ENGINE_CP_FILE"' EXIT
mvn -q -B -pl engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$ENGINE_CP_FILE" >/dev/null

engine_java() {
  local heap="$1"
  shift
  OMP_WAIT_POLICY=PASSIVE java "-Xmx$heap" --add-modules=jdk.incubator.vector \
    -cp "engine/target/test-classes:engine/target/classes:$(cat "$ENGINE_CP_FILE")" "$@"
}
