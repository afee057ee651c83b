#!/usr/bin/env bash
# Installs what host needs, builds it, and runs the main job on its built-in defaults: list a
# module's functions, then compute the next release from conventional commit messages.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" "$top/build"
host="$top/build/bin/host"
set -x
"$host" -m semver functions
"$host" -m semver call --version 1.4.2 next --commits "feat: add login,fix: typo in help" tag
