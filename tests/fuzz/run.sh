#!/usr/bin/env bash
# The coverage-guided fuzzers: the cargo-fuzz targets of fuzz/ (libFuzzer, AddressSanitizer),
# built with the nightly toolchain. See tests/fuzz/README.md.
#
#   bash tests/fuzz/run.sh [--secs N] [--jobs J] [TARGET...]   fuzz each target N seconds
#                                                             (default 180), J at a time
#   bash tests/fuzz/run.sh --replay [TARGET...]                run each target once over its
#                                                             corpus and regressions
#   bash tests/fuzz/run.sh --coverage DIR [TARGET...]          the coverage (edges, features)
#                                                             the inputs in DIR/<target> reach
#
# Fuzzing prints, per target, its executions, executions per second, the coverage reached
# and the crashes; a crash is minimised (cargo fuzz tmin) into
# tests/fuzz/regressions/<target>-<hash>.bin, which both fuzzers replay from then on, and the
# command fails. Without a nightly toolchain, --replay prints a SKIP line and succeeds (the
# stable test command replays the same files through tests/fuzz.rs); fuzzing fails.
#
# cargo-fuzz is installed into target/tools on first use; the build goes to target/fuzz.
set -euo pipefail
cd "$(dirname "$0")/../.."

all_targets=(template literal_map custom run_input query_template map_element)
mode=fuzz secs=180 jobs=1 dump=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) secs="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --replay) mode=replay; shift ;;
    --coverage) mode=coverage; dump="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz: no target $t (targets: ${all_targets[*]})" >&2; exit 2; }
done

if ! cargo +nightly --version >/dev/null 2>&1; then
  if [ "$mode" = replay ]; then
    echo "SKIP fuzz replay: no nightly toolchain (\`rustup toolchain list\`); tests/fuzz.rs replayed the corpus and regressions on stable"
    exit 0
  fi
  echo "fuzz: the cargo-fuzz targets need a nightly toolchain (rustup toolchain install nightly)" >&2
  exit 1
fi

tools="$PWD/target/tools"
if [ ! -x "$tools/bin/cargo-fuzz" ]; then
  echo "fuzz: installing cargo-fuzz into $tools"
  cargo install --quiet --locked --root "$tools" cargo-fuzz@0.13.2
fi
export PATH="$tools/bin:$PATH"
tdir="$PWD/target/fuzz"
fuzz() { cargo +nightly fuzz "$1" --fuzz-dir fuzz --target-dir "$tdir" "${@:2}"; }

# A replay runs a few dozen inputs: an unoptimised build (--dev, minutes faster to compile)
# serves it; fuzzing and coverage want the optimised one.
profile=()
[ "$mode" = replay ] && profile=(--dev)
echo "fuzz: building ${targets[*]} (nightly, AddressSanitizer${profile:+, unoptimised})"
if [ ${#targets[@]} = ${#all_targets[@]} ]; then
  fuzz build "${profile[@]}"
else
  for t in "${targets[@]}"; do fuzz build "${profile[@]}" "$t"; done
fi

# A folder with the target's corpus and regressions, for a run that must not add to either.
seeds() {
  local t=$1 dir
  dir=$(mktemp -d "$tdir/seeds.XXXXXX")
  cp tests/fuzz/corpus/"$t"/* "$dir"/
  cp tests/fuzz/regressions/"$t"-* "$dir"/ 2>/dev/null || true
  echo "$dir"
}

# libFuzzer's coverage line after its corpus has been read: `cov: EDGES ft: FEATURES`.
inited() { grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$1" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo "cov: ? ft: ?"; }

case "$mode" in
replay)
  for t in "${targets[@]}"; do
    dir=$(seeds "$t")
    log="$tdir/$t.replay.log"
    if fuzz run "${profile[@]}" "$t" "$dir" -- -runs=0 >"$log" 2>&1; then
      echo "fuzz $t: $(ls "$dir" | wc -l) corpus and regression inputs pass ($(inited "$log"))"
    else
      tail -40 "$log" >&2
      echo "fuzz $t: FAILED replaying its corpus and regressions (log: $log)" >&2
      exit 1
    fi
    rm -rf "$dir"
  done
  ;;
coverage)
  for t in "${targets[@]}"; do
    [ -d "$dump/$t" ] || { echo "fuzz: no inputs in $dump/$t" >&2; exit 1; }
    log="$tdir/$t.coverage.log"
    # -merge keeps only inputs that add coverage (into a scratch folder) and reports it.
    scratch=$(mktemp -d "$tdir/merge.XXXXXX")
    fuzz run "$t" "$scratch" "$dump/$t" -- -merge=1 >"$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
    n=$(ls "$dump/$t" | wc -l)
    cov=$(grep -oE 'MERGE-OUTER: [0-9]+ new files with [0-9]+ new features added; [0-9]+ new coverage edges' "$log" | tail -1)
    echo "fuzz $t: $n distinct inputs replayed: $cov"
    rm -rf "$scratch"
  done
  ;;
fuzz)
  mkdir -p tests/fuzz/regressions
  one() {
    local t=$1 log="$tdir/$t.fuzz.log" corpus="$tdir/corpus/$t" artifacts="$tdir/artifacts/$t/"
    mkdir -p "$corpus" "$artifacts"
    cp -n tests/fuzz/corpus/"$t"/* "$corpus"/
    cp -n tests/fuzz/regressions/"$t"-* "$corpus"/ 2>/dev/null || true
    local status=0
    fuzz run "$t" "$corpus" -- -max_total_time="$secs" -print_final_stats=1 -timeout=30 \
      -artifact_prefix="$artifacts" >"$log" 2>&1 || status=$?
    local execs rate cov
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
    rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
    cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' || echo "cov: ?")
    if [ "$status" = 0 ]; then
      echo "fuzz $t: ${secs} s, $execs executions, $rate/s, $cov, no crash"
      return 0
    fi
    local crash
    crash=$(grep -oE 'Test unit written to [^ ]+' "$log" | tail -1 | sed 's/Test unit written to //')
    if [ -z "$crash" ]; then
      tail -40 "$log" >&2
      echo "fuzz $t: libFuzzer failed without an input (log: $log)" >&2
      return 1
    fi
    grep -E 'panicked at|ERROR: [A-Za-z]*Sanitizer|ERROR: libFuzzer' "$log" | head -3 >&2
    # tmin writes the smallest input that still crashes into the artifacts folder; an input
    # that does not crash again (a race) is left there, reported, and not made a regression.
    if ! fuzz tmin "$t" "$crash" -- -artifact_prefix="$artifacts" >"$log.tmin" 2>&1; then
      if grep -q 'did not crash' "$log.tmin"; then
        echo "fuzz $t: CRASH after $execs executions that does not happen again on its input ($crash; log: $log)" >&2
        return 1
      fi
    fi
    local minimal
    minimal=$(ls -t "$artifacts" | grep '^minimized-from-' | head -1 || true)
    if [ -n "$minimal" ]; then minimal="$artifacts$minimal"; else minimal=$crash; fi
    local keep
    keep="tests/fuzz/regressions/$t-$(sha256sum "$minimal" | cut -c1-12).bin"
    cp "$minimal" "$keep"
    echo "fuzz $t: CRASH after $execs executions; minimised into $keep (log: $log)" >&2
    return 1
  }
  failed=0 running=0
  for t in "${targets[@]}"; do
    one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || failed=1; running=$((running - 1)); fi
  done
  while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
  exit $failed
  ;;
esac
