#!/usr/bin/env bash
# Runs the issue-13 scenarios one after the other, each into OUTDIR/<scenario>.txt (stdout: the Markdown tables,
# preceded by the command, the date and `uptime`, followed by `uptime` again; progress in <scenario>.err).
#
#   mvn -B -q -pl benchmarks -am package -DskipTests
#   benchmarks/run-scenarios.sh benchmarks/results/<date> [scenario ...]
#
# Scenarios (default: all, in this order): model footprint day outage burst cold shared b1 b2
# Environment: ACCOUNTS (default 10000), POLICY (model-vs-engine policy: phases (default) or legacy),
# SIM_OPTS (extra ScaleSimulation options for every simulation, e.g. "--s3-rate-limit 5000"),
# JAVA17 (default: java on the PATH), JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java: the burst needs
# virtual threads), JAR (default benchmarks/target/benchmarks.jar), JMH_OPTS (default "-f 1 -wi 3 -i 5").
set -u
OUT=${1:?usage: run-scenarios.sh OUTDIR [scenario ...]}
shift
mkdir -p "$OUT"
JAR=${JAR:-benchmarks/target/benchmarks.jar}
J17=${JAVA17:-java}
J25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
N=${ACCOUNTS:-10000}
POLICY=${POLICY:-phases}
JMH_OPTS=${JMH_OPTS:--f 1 -wi 3 -i 5}
SIM_OPTS=${SIM_OPTS:-}
SIM=io.getport.ocean.aws.credentials.benchmarks.ScaleSimulation

run() {
    local name=$1
    shift
    {
        echo "# command: $*"
        echo "# start: $(date -u +%FT%TZ), nproc $(nproc), uptime before: $(uptime)"
        echo
    } > "$OUT/$name.txt"
    "$@" >> "$OUT/$name.txt" 2> "$OUT/$name.err"
    local rc=$?
    {
        echo
        echo "# end: $(date -u +%FT%TZ), exit $rc, uptime after: $(uptime)"
    } >> "$OUT/$name.txt"
    echo "$name: exit $rc ($(date -u +%T))"
}

scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
    scenarios=(model footprint day outage burst cold shared b1 b2)
fi
for s in "${scenarios[@]}"; do
    case "$s" in
        model) run model "$J17" -cp "$JAR" $SIM model --accounts "$N" $SIM_OPTS ;;
        footprint) run footprint "$J17" -cp "$JAR" $SIM footprint --sizes 100,1000,10000 $SIM_OPTS ;;
        day) run day "$J17" -cp "$JAR" $SIM model-vs-engine --accounts "$N" --policy "$POLICY" $SIM_OPTS ;;
        outage) run outage "$J17" -cp "$JAR" $SIM outage --accounts "$N" $SIM_OPTS ;;
        burst) run burst "$J25" -cp "$JAR" $SIM burst --sizes 2000,10000 $SIM_OPTS ;;
        cold) run cold "$J17" -cp "$JAR" $SIM cold --accounts "$N" $SIM_OPTS ;;
        shared) run shared "$J17" -cp "$JAR" $SIM shared --accounts "$N" $SIM_OPTS ;;
        b1) run b1 "$J17" -jar "$JAR" B1 $JMH_OPTS -prof gc -rf json -rff "$OUT/b1.json" ;;
        b2) run b2 "$J17" -jar "$JAR" B2 $JMH_OPTS -prof gc -rf json -rff "$OUT/b2.json" ;;
        *) echo "unknown scenario $s" >&2; exit 2 ;;
    esac
done
