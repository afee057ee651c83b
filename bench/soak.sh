#!/usr/bin/env bash
# The long benchmark, not part of bench/run.sh: `host serve` under 8 clients for 10 minutes (or
# SECONDS), its RSS sampled every 5 seconds; fails unless the RSS levels off and the call rate and
# error figures of serve_bench hold. Usage: bench/soak.sh [BUILD_DIR [SECONDS]]
set -uo pipefail
build=${1:-$(cd "$(dirname "$0")/.." && pwd)/build}
seconds=${2:-600}
exec "$build/bench/serve_bench" "$seconds" 5
