# Shared by bin/bench-ingest and bin/bench-metering (sourced, not run): build the default run if needed, build the
# benchmarks module (benchmarks/) and compute its classpath, run a benchmark class.
#
#   bench_run NAME BUILD CLASS ARGS...   NAME prefixes messages, BUILD=1 forces ./mvnw package
# The caller has cd'ed to the project root.

bench_run() {
  local name=$1 build=$2 class=$3
  shift 3
  if [ "$build" = 1 ] || [ ! -f devrun/target/quarkus-app/quarkus-run.jar ]; then
    echo "$name: building the default run (./mvnw package -DskipTests)" >&2
    ./mvnw -B -q package -DskipTests
  fi
  # The benchmarks module and its classpath (the reactor's jars and the rest from the local repository); quick when
  # nothing changed.
  mkdir -p target
  local cp_file=$PWD/target/bench-classpath.txt
  ./mvnw -B -q package dependency:build-classpath -DskipTests -pl benchmarks -am \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime

  exec java ${BENCH_JAVA_OPTS:-} -cp "benchmarks/target/classes:$(cat "$cp_file")" "$class" "$@"
}
