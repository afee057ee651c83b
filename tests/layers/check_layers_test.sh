#!/usr/bin/env bash
# scripts/check_layers.sh refuses an include of a higher layer, names the file and the header, and
# accepts includes of lower layers.
#
#   check_layers_test.sh CHECK_LAYERS_SCRIPT
set -euo pipefail
check=$1
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/core/types" "$tree/core/engine" "$tree/registry"
printf '#include "core/base/status.h"\n#include "registry/type_registry.h"\n' >"$tree/core/types/ok.cc"
printf '#include "core/types/ok.h"\n' >"$tree/core/engine/fine.cc"
bash "$check" "$tree" || { echo "FAIL: downward includes were refused"; exit 1; }

printf '#include "core/engine/engine.h"\n' >"$tree/core/types/up.cc"
if out=$(bash "$check" "$tree" 2>&1); then
  echo "FAIL: an include of the engine from core/types was accepted"
  exit 1
fi
grep -q "core/types/up.cc includes core/engine/engine.h" <<<"$out" || {
  echo "FAIL: the error does not name the file and the header: $out"
  exit 1
}
rm "$tree/core/types/up.cc"
printf '  #  include "core/cli/cli.h"\n' >"$tree/registry/spaced.h"
if bash "$check" "$tree" 2>/dev/null; then
  echo "FAIL: an indented include of the CLI from registry/ was accepted"
  exit 1
fi
echo "ok"
