#!/usr/bin/env bash
# Checks that every C and C++ file of the project is formatted by clang-format with the
# repository's .clang-format; prints the files that are not and exits 1 if there are any.
# Build folders, node_modules, generated code and fuzz corpora are not the project's and are left
# out. Usage: scripts/check_format.sh [CLANG_FORMAT]   (default: clang-format on PATH)
# To format a file: clang-format -i FILE
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
clang_format=${1:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "check_format: $clang_format not found; run scripts/setup.sh (it installs clang-format)" >&2
  exit 2
fi
cd "$top"

# The project's files: those git knows or would add (tracked, or new and not ignored); outside a
# git checkout, the files of the tree less build folders and node_modules.
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard
  else
    find . \( -path './build*' -o -name node_modules -o -name .git \) -prune -o -type f -print0 |
      sed -z 's|^\./||'
  fi
}

files=()
while IFS= read -r -d '' file; do
  case "$file" in
    build*/* | */node_modules/* | node_modules/* | tests/fuzz/corpus/*) continue ;;
    *.c | *.cc | *.cpp | *.cxx | *.h | *.hh | *.hpp | *.hxx | *.inc) ;;
    *) continue ;;
  esac
  [[ -f $file ]] && files+=("$file")  # a deleted file git still lists
done < <(list_files)

# In batches, two at a time; clang-format names each file it would change in a warning line
# "FILE:LINE:COLUMN: error: code should be clang-formatted".
report=$(printf '%s\0' "${files[@]}" |
  xargs -0 -n 40 -P 2 "$clang_format" --style=file --dry-run -Werror 2>&1 >/dev/null || true)
mapfile -t unformatted < <(sed -n 's/^\(.*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' \
  <<<"$report" | sort -u)
if ((${#unformatted[@]} == 0)) && grep -q . <<<"$report"; then
  echo "check_format: clang-format failed:" >&2
  echo "$report" >&2
  exit 2
fi

if ((${#unformatted[@]} > 0)); then
  echo "check_format: ${#unformatted[@]} of ${#files[@]} files are not formatted" \
    "(clang-format -i FILE formats one):" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
