# Shared by bin/bench-ingest and bin/bench-metering (sourced, not run): build the hub if needed, compile the
# benchmarks (src/test/java/io/meterbridge/bench), compute the test classpath once, run a benchmark class.
#
#   bench_run NAME BUILD CLASS ARGS...   NAME prefixes messages, BUILD=1 forces ./mvnw package
# The caller has cd'ed to the project root.

bench_run() {
  local name=$1 build=$2 class=$3
  shift 3
  if [ "$build" = 1 ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    echo "$name: building the hub (./mvnw package -DskipTests)" >&2
    ./mvnw -B -q package -DskipTests
  fi
  # Test classes (the benchmarks live in src/test/java); quick when nothing changed.
  ./mvnw -B -q test-compile

  local cp_file=target/bench-classpath.txt
  if [ ! -s "$cp_file" ] || [ pom.xml -nt "$cp_file" ]; then
    echo "$name: computing the test classpath ($cp_file)" >&2
    ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
  fi

  exec java ${BENCH_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat "$cp_file")" "$class" "$@"
}
