#!/usr/bin/env bash
# Runs the benchmarks of a build and prints each figure with its limit; exits non-zero when one
# is missed. Usage: bench/run.sh [BUILD_DIR]
set -uo pipefail
build=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
status=0
"$build/bench/startup_bench" || status=1
"$build/bench/call_bench" || status=1
"$build/bench/toolchain_call_bench" || status=1
"$build/bench/process_call_bench" || status=1
if [ -x "$build/bench/python_bench" ]; then "$build/bench/python_bench" || status=1; fi
"$build/bench/nested_call_bench" || status=1
"$build/bench/container_bench" || status=1
"$build/bench/chain_bench" || status=1
"$build/bench/pull_bench" || status=1
"$build/bench/pipeline_bench" || status=1
"$build/bench/confinement_bench" || status=1
"$build/bench/evict_bench" || status=1
"$build/bench/mount_bench" || status=1
"$build/bench/tree_bench" || status=1
"$build/bench/module_bench" || status=1
"$build/bench/index_bench" || status=1
"$build/bench/lazy_load_bench" || status=1
"$build/bench/serve_bench" 60 || status=1
exit $status
