#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, -fsanitize=fuzzer,address,undefined) in a
# build folder of their own and runs each for a bounded time on a copy of its seed corpus
# (tests/fuzz/corpus/<target>), so the repository is never modified. Exits non-zero when any
# target crashes, leaks, hangs or runs out of memory, printing the input and how to reproduce it.
# Usage: scripts/fuzz.sh [BUILD_DIR] [SECONDS_PER_TARGET]   (defaults: build-fuzz, 15)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-fuzz}
seconds=${2:-15}
case $build in /*) ;; *) build=$PWD/$build ;; esac
targets=(manifest cli_args cli_chain wire_value oci_manifest host_config layer path_filter
  store_size_index source_index lock_file module_ref module_archive index_site index_markdown
  site_path link_header sshsig sdk_wire)

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DHOST_FUZZ=ON \
  -DHOST_BUILD_TESTS=OFF -DHOST_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j2 --target host_fuzzers

run=$build/fuzz-run
rm -rf "$run"
mkdir -p "$run"
passed=0
failed=0
for target in "${targets[@]}"; do
  binary=$build/fuzz/${target}_fuzz
  dir=$run/$target
  mkdir -p "$dir/corpus" "$dir/tmp"
  cp -r "$top/tests/fuzz/corpus/$target/." "$dir/corpus/"
  options=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
    -artifact_prefix="$dir/")
  if [ -f "$top/tests/fuzz/$target.dict" ]; then options+=(-dict="$top/tests/fuzz/$target.dict"); fi
  echo "== fuzz $target (${seconds}s)"
  status=0
  (cd "$dir" && TMPDIR=$dir/tmp ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$binary" "${options[@]}" "$dir/corpus" >"$dir/log" 2>&1) || status=$?
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "fuzz $target: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" |
      grep -o '[0-9]*$') runs, corpus $(find "$dir/corpus" -type f | wc -l) inputs)"
    continue
  fi
  failed=$((failed + 1))
  echo "fuzz $target: FAILED (exit $status); the end of its log ($dir/log):"
  grep -E 'what\(\)|==[0-9]+== ?ERROR|^SUMMARY|_fuzz: |#[0-9]+ 0x[0-9a-f]+ in (host::|LLVMFuzzerTestOneInput)' \
    "$dir/log" | head -n 20 || tail -n 20 "$dir/log"
  for artifact in "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* "$dir"/slow-unit-*; do
    [ -e "$artifact" ] || continue
    echo "  input: $artifact"
    echo "  reproduce: $binary $artifact"
  done
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
