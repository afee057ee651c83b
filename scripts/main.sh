#!/usr/bin/env bash
# Installs what host needs, builds it, and runs the main job on built-in defaults: the
# infrastructure pipeline of a pull request. `pulumi preview` runs on the fixture project in the
# pulumi-go image, and the iac module posts the diff on pull request 1 with the real gh. Images
# come from a loopback registry (the config file maps docker.io to it); Pulumi's CLI and GitHub's
# API are stand-ins, as this machine cannot reach them (tests/fixtures/pipeline.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" "$top/build"
host="$top/build/bin/host"
work="$top/build/main-job"
"$top/tests/fixtures/pipeline.sh" start "$work" >/dev/null
trap '"$top/tests/fixtures/pipeline.sh" stop "$work"' EXIT
# shellcheck disable=SC1091
. "$work/env"
export HOST_STATE_DIR="$work/state"
GITHUB_TOKEN=$(head -n 1 "$GITHUB_TOKEN_FILE")
PULUMI_ACCESS_TOKEN=pul-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
export GITHUB_TOKEN PULUMI_ACCESS_TOKEN

set -x
"$host" -m iac functions
"$host" -m iac call \
  with-credentials --pulumi-token env://PULUMI_ACCESS_TOKEN \
  with-github --host "$GITHUB_HOST" --base "$GH_IMAGE" \
  preview --src "$top/tests/fixtures/pulumi/project" --stack prod \
  --github-token env://GITHUB_TOKEN --github-ref refs/pull/1/merge --github-repository owner/repo
{ set +x; } 2>/dev/null
echo "--- the comment GitHub's stand-in received on owner/repo#1:"
/usr/bin/python3 -c '
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1])]
comments = [e["variables"]["body"] for e in entries if e.get("kind") == "addComment"
            and e.get("auth") == "valid" and e["variables"].get("pr_number") == 1]
print(comments[-1], end="")' "$GITHUB_REQUESTS"
