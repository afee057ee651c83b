#!/usr/bin/env bash
# Fails when a source file includes a header of a layer above its own: each folder of the runtime
# is one library, and a library uses only the layers below it (docs/architecture.md, "Layers").
#
#   scripts/check_layers.sh [SOURCE_DIR]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}

# Each folder and the folders whose headers it may include (its own included), bottom first.
layers=(
  "core/base:"
  "registry:core/base"
  "core/images:core/base"
  "core/executor:core/base core/images"
  "core/loader:core/base registry"
  "core/remote:core/base registry core/loader"
  "core/types:core/base registry core/loader core/executor"
  "core/containers:core/base core/images core/executor core/types"
  "core/modules:core/base registry core/images"
  "core/index:core/base registry core/images core/modules"
  "core/engine:core/base registry core/loader core/remote core/types core/images core/modules"
  "core/codegen:core/base"
  "core/cli:core/base registry core/loader core/remote core/types core/images core/engine core/codegen core/modules"
  "core/api:core/base registry core/loader core/remote core/types core/engine core/codegen core/modules"
  "sdk:"
  "modules:"
)

status=0
for entry in "${layers[@]}"; do
  layer=${entry%%:*}
  allowed="$layer ${entry#*:}"
  [[ -d $root/$layer ]] || continue
  while IFS= read -r hit; do
    file=${hit%%:*}
    header=${hit#*\"}
    header=${header%%\"*}
    [[ $header == core/* || $header == registry/* ]] || continue
    ok=0
    for dir in $allowed; do
      [[ $header == "$dir"/* ]] && ok=1
    done
    if ((!ok)); then
      echo "${file#"$root"/} includes $header, a header of a layer $layer may not use;" \
        "$layer may include only: $allowed. Move what both need down a layer" \
        "(docs/architecture.md, Layers)." >&2
      status=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' --include='*.c' --exclude-dir=node_modules \
             '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$root/$layer" || true)
done
exit $status
