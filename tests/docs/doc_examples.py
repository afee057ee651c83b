#!/usr/bin/python3
"""Runs the examples of the user documentation: the docs show what users type, this proves it.

In a docs/*.md file:
  <!-- example-file: EXAMPLE/PATH -->   before a fenced block: the block is the file EXAMPLE/PATH
  <!-- example-run: EXAMPLE -->         before a ```console block: each `$ COMMAND` line runs (bash,
                                        in the scratch folder, `host` on PATH) and its standard
                                        output must be the lines up to the next `$` line; a line
                                        `...` stands for any number of lines, and lines starting
                                        `host: ` (progress, on standard error) are not compared.
                                        Every command must exit 0 (show a failure with
                                        `|| echo "exit $?"`). All examples share one scratch
                                        folder: their module names must differ.
Usage: doc_examples.py HOST_BINARY DOC.md... [--only EXAMPLE]
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!--\s*example-(file|run):\s*(\S+)\s*-->\s*$")
FENCE = re.compile(r"^(```+|~~~+)")


def blocks(path):
    """Yields (kind, name, lines, line_number) for every marked block of a Markdown file."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        if not m:
            i += 1
            continue
        kind, name, start = m.group(1), m.group(2), i + 1
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        if not fence:
            raise SystemExit(f"{path}:{start}: example-{kind} {name} is not followed by a fenced block")
        k = j + 1
        while k < len(lines) and not lines[k].startswith(fence.group(1)):
            k += 1
        if k == len(lines):
            raise SystemExit(f"{path}:{start}: the block of example-{kind} {name} is not closed")
        yield kind, name, lines[j + 1:k], start
        i = k + 1


def matches(expected, actual):
    """Whether the actual lines match the expected ones, `...` standing for any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[n:]) for n in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def run(host, docs, only):
    scratch = tempfile.mkdtemp(prefix="host-docs-")
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(os.path.abspath(host)) + os.pathsep + env.get("PATH", "")
    env["HOST_STATE_DIR"] = os.path.join(scratch, ".state")
    failures, ran = 0, 0
    try:
        for doc in docs:
            for kind, name, body, line in blocks(doc):
                if only and name.split("/")[0] != only:
                    continue
                if kind == "file":
                    example, _, rel = name.partition("/")
                    target = os.path.realpath(os.path.join(scratch, example, rel))
                    if not rel or not target.startswith(os.path.realpath(scratch) + os.sep):
                        raise SystemExit(f"{doc}:{line}: example-file {name} must be EXAMPLE/PATH")
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "w", encoding="utf-8") as f:
                        f.write("\n".join(body) + "\n")
                    continue
                commands = []
                for text in body:
                    if text.startswith("$ "):
                        commands.append((text[2:], []))
                    elif commands and not text.startswith("host: "):
                        commands[-1][1].append(text.rstrip())
                for command, expected in commands:
                    ran += 1
                    while expected and not expected[-1]:
                        expected.pop()
                    done = subprocess.run(["bash", "-c", command], cwd=scratch, env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, timeout=600)
                    actual = [t.rstrip() for t in done.stdout.rstrip("\n").split("\n")]
                    if actual == [""]:
                        actual = []
                    ok = matches(expected, actual) and done.returncode == 0
                    print(f"{'ok  ' if ok else 'FAIL'} {doc}:{line} [{name}] $ {command}")
                    if not ok:
                        failures += 1
                        print("  expected:\n    " + "\n    ".join(expected))
                        print("  got (exit %d):\n    " % done.returncode + "\n    ".join(actual))
                        print("  stderr:\n    " + "\n    ".join(done.stderr.strip().split("\n")[-15:]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{ran} command(s), {failures} failed")
    if ran == 0:
        print("no example ran: nothing was tested")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    only = None
    if "--only" in args:
        n = args.index("--only")
        only = args[n + 1]
        del args[n:n + 2]
    if len(args) < 2:
        raise SystemExit(__doc__)
    sys.exit(run(args[0], args[1:], only))
