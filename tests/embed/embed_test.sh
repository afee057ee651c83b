#!/usr/bin/env bash
# The embedding tests, run by ctest (tests/embed/CMakeLists.txt) against an installed prefix.
# Usage: embed_test.sh install|cpp|c|docs|node|python|cleanup BUILD_DIR WORK_DIR
#   install  installs BUILD_DIR into WORK_DIR/prefix; starts a loopback registry holding busybox
#            when docker-registry and skopeo are here; checks that the prefix's include folder
#            holds public headers only
#   cpp      builds tests/embed/cpp with find_package(host) against the prefix only, and runs it
#   docs     builds the C++ and C examples of docs/embedding.md against the prefix (C++ with its
#            CMakeLists.txt and with pkg-config), runs them and compares what they print with
#            the output the page shows
#   c        compiles tests/embed/c/main.c as C99 with pkg-config host from the prefix only, and
#            runs it under valgrind (or AddressSanitizer when SANITIZE=1)
#   node     a Node.js module and a Node.js client of `host serve`, both using the SDK from
#            the prefix's share/host/node (its npm packages from sdk/node/node_modules)
#   python   `host init --sdk python` with the prefix's host, which copies the SDK from the
#            prefix's share/host/python; the new module runs, and `host install` in it writes a
#            typed client that a call then uses
#   cleanup  stops the registry and removes the prefix
# Environment: CC, CXX (the compilers), SANITIZE=1 for a sanitizer build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
images=$here/../fixtures/images
[ $# -eq 3 ] || {
  echo "usage: $0 install|cpp|c|docs|node|python|cleanup BUILD_DIR WORK_DIR" >&2
  exit 2
}
step=$1
build=$2
work=$3
prefix=$work/prefix
sanitize_flags=()
if [ "${SANITIZE:-0}" = 1 ]; then
  # shellcheck disable=SC2054  # the comma belongs to the flag
  sanitize_flags=(-fsanitize=address,undefined -fno-omit-frame-pointer)
fi

# Runs the programs where nothing but the prefix supplies modules, with a state folder of their own.
isolate() {
  mkdir -p "$work/home"
  export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
  export HOST_STATE_DIR=$work/state-$1
  unset HOST_MODULE_PATH HOST_PREFIX HOST_CONTAINERS_LIB HOST_TRANSFER_LIB XDG_CACHE_HOME
  if [ -f "$work/image" ]; then
    export HOST_CONFIG=$work/config.json
  else
    unset HOST_CONFIG
  fi
}

# Prints the fenced block that follows the line "<!-- $1 -->" in docs/embedding.md.
doc_block() {
  awk -v tag="<!-- $1 -->" '
    $0 == tag { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$here/../../docs/embedding.md"
}

# Fails unless file is not empty (a block of docs/embedding.md that was found).
need_block() {
  [ -s "$1" ] || {
    echo "FAIL docs/embedding.md has no block marked <!-- $2 -->" >&2
    exit 1
  }
}

case $step in
  install)
    bash "$images/registry.sh" stop "$work/registry" 2>/dev/null || true
    rm -rf "$work"
    mkdir -p "$work"
    cmake --install "$build" --prefix "$prefix" >"$work/install.log"
    echo "installed into $prefix"
    # An embedder sees public headers only: none of the runtime's own, none that include them.
    private=$(find "$prefix/include" -path '*/core/*' -o -path '*/registry/*' -o -path '*/runtime/*')
    [ -z "$private" ] || {
      echo "FAIL the prefix installs private headers:" >&2
      echo "$private" >&2
      exit 1
    }
    if grep -rlE '#include ["<](core|registry|boost)/' "$prefix/include" >&2; then
      echo "FAIL the installed headers above include private or Boost headers" >&2
      exit 1
    fi
    if grep -rE 'BOOST|/runtime' "$prefix/lib/cmake/host/hostConfig.cmake" "$prefix/lib/pkgconfig/host.pc" >&2; then
      echo "FAIL the package asks embedders for Boost or private include folders (above)" >&2
      exit 1
    fi
    echo "$(find "$prefix/include" -type f | wc -l) public headers installed"
    if command -v skopeo >/dev/null && [ -x "${DOCKER_REGISTRY:-/usr/bin/docker-registry}" ]; then
      bash "$images/make-busybox-image.sh" "$work/oci" latest >/dev/null
      address=$(bash "$images/registry.sh" start "$work/registry")
      skopeo copy -q "oci:$work/oci:latest" "docker://$address/busybox:latest" \
        --dest-tls-verify=false
      printf '{"insecure": ["%s"]}\n' "$address" >"$work/config.json"
      echo "$address/busybox:latest" >"$work/image"
      echo "registry on $address"
    else
      echo "no docker-registry or skopeo: the container chain is skipped"
    fi
    ;;
  cpp)
    isolate cpp
    flags="${sanitize_flags[*]}"
    cmake -S "$here/cpp" -B "$work/cpp" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
      -DCMAKE_C_COMPILER="${CC:-cc}" -DCMAKE_CXX_COMPILER="${CXX:-c++}" \
      -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" >"$work/cpp.log"
    cmake --build "$work/cpp" >>"$work/cpp.log" || {
      cat "$work/cpp.log"
      exit 1
    }
    image=""
    [ -f "$work/image" ] && image=$(cat "$work/image")
    cd "$work/home"
    "$work/cpp/embed_cpp" "$prefix" "$image"
    ;;
  c)
    isolate c
    export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH=
    # shellcheck disable=SC2046  # pkg-config prints several words on purpose
    "${CC:-cc}" -std=c99 -pedantic -Wall -Wextra -Werror "${sanitize_flags[@]}" \
      $(pkg-config --cflags host) "$here/c/main.c" -o "$work/embed_c" $(pkg-config --libs host)
    cd "$work/home"
    if [ "${SANITIZE:-0}" = 1 ] || ! command -v valgrind >/dev/null; then
      "$work/embed_c"
    else
      valgrind -q --error-exitcode=3 --leak-check=full --show-leak-kinds=definite \
        --errors-for-leak-kinds=definite \
        "$work/embed_c"
    fi
    ;;
  docs)
    isolate docs
    docs=$work/docs
    rm -rf "$docs"
    mkdir -p "$docs/cmake" "$docs/pkg-config" "$docs/c"
    doc_block "docs: CMakeLists.txt" >"$docs/cmake/CMakeLists.txt"
    need_block "$docs/cmake/CMakeLists.txt" "docs: CMakeLists.txt"
    doc_block "docs: main.cc" >"$docs/cmake/main.cc"
    need_block "$docs/cmake/main.cc" "docs: main.cc"
    doc_block "docs: main.cc prints" >"$docs/want-cpp"
    need_block "$docs/want-cpp" "docs: main.cc prints"
    doc_block "docs: main.c" >"$docs/c/main.c"
    need_block "$docs/c/main.c" "docs: main.c"
    doc_block "docs: main.c prints" >"$docs/want-c"
    need_block "$docs/want-c" "docs: main.c prints"
    flags="${sanitize_flags[*]}"
    cmake -S "$docs/cmake" -B "$docs/cmake/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
      -DCMAKE_C_COMPILER="${CC:-cc}" -DCMAKE_CXX_COMPILER="${CXX:-c++}" \
      -DCMAKE_CXX_FLAGS="-Wall -Wextra -Werror $flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
      >"$work/docs.log"
    cmake --build "$docs/cmake/build" >>"$work/docs.log" || {
      cat "$work/docs.log"
      exit 1
    }
    # Without CMake, as the page says: pkg-config host protobuf-lite, and no other flag.
    system_pc=$(pkg-config --variable pc_path pkg-config)
    export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig:$system_pc
    # shellcheck disable=SC2046  # pkg-config prints several words on purpose
    "${CXX:-c++}" -std=c++20 -Wall -Wextra -Werror "${sanitize_flags[@]}" \
      $(pkg-config --cflags host protobuf-lite) "$docs/cmake/main.cc" -o "$docs/pkg-config/main" \
      $(pkg-config --libs host protobuf-lite)
    # shellcheck disable=SC2046
    "${CC:-cc}" -std=c99 -pedantic -Wall -Wextra -Werror "${sanitize_flags[@]}" \
      $(pkg-config --cflags host) "$docs/c/main.c" -o "$docs/c/main" $(pkg-config --libs host)
    cd "$work/home"
    for program in "$docs/cmake/build/pipeline:$docs/want-cpp" "$docs/pkg-config/main:$docs/want-cpp" \
      "$docs/c/main:$docs/want-c"; do
      "${program%%:*}" >"$docs/got"
      diff -u "${program#*:}" "$docs/got" || {
        echo "FAIL ${program%%:*} printed something else than docs/embedding.md shows" >&2
        exit 1
      }
      echo "ok ${program%%:*}"
    done
    ;;
  node)
    isolate node
    node_work=$work/node
    rm -rf "$node_work"
    mkdir -p "$node_work"
    cp -r "$here/node/greet" "$node_work/greet"
    # As `npm install --install-links PREFIX/share/host/node` does, without the network: the
    # package copied from the prefix, its dependencies found through NODE_PATH.
    mkdir -p "$node_work/greet/node_modules/@host" "$node_work/client/node_modules/@host"
    cp -r "$prefix/share/host/node" "$node_work/greet/node_modules/@host/sdk"
    cp -r "$prefix/share/host/node" "$node_work/client/node_modules/@host/sdk"
    cp "$here/node/client.js" "$node_work/client/"
    export NODE_PATH=$here/../../sdk/node/node_modules
    cd "$work/home"
    hello=$("$prefix/bin/host" -q -m "$node_work/greet" call hello --name you)
    [ "$hello" = "Hello, you!" ] || {
      echo "FAIL hello printed '$hello'" >&2
      exit 1
    }
    announced=$("$prefix/bin/host" -q -m "$node_work/greet" call announce --version 1.4.2 \
      --commits "fix: a typo")
    [ "$announced" = "Hello, v1.4.3!" ] || {
      echo "FAIL announce printed '$announced'" >&2
      exit 1
    }
    echo "ok module: $hello / $announced"
    "$prefix/bin/host" serve -q --listen "unix://$node_work/engine.sock" 2>"$node_work/serve.log" &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
      grep -q "serving on" "$node_work/serve.log" && break
      sleep 0.05
    done
    tag=$(node "$node_work/client/client.js" "unix://$node_work/engine.sock")
    [ "$tag" = "v1.5.0" ] || {
      echo "FAIL the client printed '$tag'" >&2
      cat "$node_work/serve.log" >&2
      exit 1
    }
    echo "ok client: $tag"
    ;;
  python)
    isolate python
    py_work=$work/python
    rm -rf "$py_work"
    mkdir -p "$py_work"
    cd "$py_work"
    "$prefix/bin/host" init --sdk python --name greet >/dev/null
    hello=$("$prefix/bin/host" -q -m ./greet call hello --name you)
    [ "$hello" = "Hello, you!" ] || {
      echo "FAIL hello printed '$hello'" >&2
      exit 1
    }
    (cd greet && "$prefix/bin/host" -q install semver >/dev/null)
    # A function that calls semver through the client install wrote, before serve().
    /usr/bin/python3 - greet/main.py <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
method = """
    @function
    def next_minor(self, version: str) -> str:
        \"\"\"The next minor version, as a tag.\"\"\"
        return semver(version).bump(Part.MINOR).tag()
"""
text = "from deps.semver import Part, semver\n" + text.replace("\n\nserve()", method + "\n\nserve()")
open(path, "w").write(text)
PY
    tag=$("$prefix/bin/host" -q -m ./greet call next-minor --version 1.4.2)
    [ "$tag" = "v1.5.0" ] || {
      echo "FAIL next-minor printed '$tag'" >&2
      exit 1
    }
    echo "ok python module: $hello / $tag"
    ;;
  cleanup)
    bash "$images/registry.sh" stop "$work/registry" 2>/dev/null || true
    rm -rf "$prefix" "$work"/state-*
    ;;
  *)
    echo "unknown step $step" >&2
    exit 2
    ;;
esac
