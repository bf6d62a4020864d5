#!/usr/bin/env bash
# The real pre-commit (from PyPI) runs this repository's hook (.pre-commit-hooks.yaml, id
# elpc-check, language rust: pre-commit builds elpc with cargo install) in a temporary git
# repository, through `git commit` as a user would:
#   1. a clean policy, its env file and elpc.toml commit;
#   2. an env file edit that puts the REST server on the TCP port (the policy is untouched)
#      fails the commit with EL302 port-conflict;
#   3. an elpc.toml edit with a misspelt rule fails it with EL030 and the fix;
#   4. fixing both commits again;
#   5. the policy processes a deployment script elpc.toml maps (path_map): it commits;
#   6. an edit of only that script that stops it fails the commit with EL501 at the script's
#      path in the repository (not the node's /app/... path) and EL510 in the policy, which
#      the script edit re-checked;
#   7. handling the failure (`on error ignore`) and suppressing the remaining warning with a
#      reason commits;
#   8. a broken script no group reads (a vendored upstream checkout) fails the commit until
#      the repository opts out with `exclude:` on the hook in .pre-commit-config.yaml.
# Needs: pre-commit on PATH; the hook definition committed at HEAD (pre-commit clones the
# repository at a revision). Usage: tests/hooks/pre-commit.sh [HOOK_ID]
set -euo pipefail
hook=${1:-elpc-check}
repo=$(cd "$(dirname "$0")/../.." && pwd)
rev=$(git -C "$repo" rev-parse HEAD)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# pre-commit's clones and hook environments stay outside the repository under test.
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$tmp/cache}"
work="$tmp/repo"
# The hook's output goes outside the repository, so `git add -A` never stages it.
log="$tmp/log"
mkdir -p "$work"

cd "$work"
git init -q -b main
git config user.email ci@example.invalid
git config user.name "elpc CI"
mkdir -p operator
cat > operator/node.policy <<'POLICY'
{'config': {'name': 'operator-1', 'ip': '!external_ip',
    'port': '!anylog_server_port.int',
    'rest_port': '!anylog_rest_port.int',
    'script': ['run scheduler 1']}}
POLICY
cat > operator/base_configs.env <<'ENV'
NODE_TYPE=operator
ANYLOG_SERVER_PORT=32148
ANYLOG_REST_PORT=32149
ENV
cat > elpc.toml <<'TOML'
[lint]
allow = ["not-idempotent"]

[[policies]]
files = ["operator/*.policy"]
env = ["operator/base_configs.env"]
TOML
hook_config() {
  cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: $hook
$1
YAML
}
hook_config ""
pre-commit install >/dev/null

fail() { echo "FAIL: $*"; exit 1; }
passed=0
git add -A
git commit -q -m "operator policy" > "$log" 2>&1 || { cat "$log"; fail "the clean policy did not commit"; }
echo "ok   a clean policy, env file and elpc.toml commit"; passed=$((passed + 1))

sed -i 's/^ANYLOG_REST_PORT=32149$/ANYLOG_REST_PORT=32148/' operator/base_configs.env
git add operator/base_configs.env
if git commit -q -m "REST on the TCP port" > "$log" 2>&1; then cat "$log"; fail "the env-file breakage committed"; fi
grep -q "EL302" "$log" || { cat "$log"; fail "no EL302 in the hook's output"; }
grep -q "operator/node.policy" "$log" || { cat "$log"; fail "the affected policy is not named"; }
echo "ok   an env file that puts two servers on one port fails the hook (EL302 in operator/node.policy)"; passed=$((passed + 1))
git checkout -q HEAD -- operator/base_configs.env

sed -i 's/"not-idempotent"/"not-idempotnet"/' elpc.toml
git add elpc.toml
if git commit -q -m "typo in elpc.toml" > "$log" 2>&1; then cat "$log"; fail "the elpc.toml typo committed"; fi
grep -q "EL030" "$log" && grep -q "did you mean \`not-idempotent\`" "$log" || { cat "$log"; fail "no EL030 with the fix"; }
echo "ok   a misspelt rule in elpc.toml fails the hook (EL030, did you mean not-idempotent)"; passed=$((passed + 1))

sed -i 's/"not-idempotnet"/"not-idempotent"/' elpc.toml
echo "# fleet ports" >> operator/base_configs.env
git add -A
git commit -q -m "comment" > "$log" 2>&1 || { cat "$log"; fail "the fixed repository did not commit"; }
echo "ok   fixed, it commits again"; passed=$((passed + 1))

script=deployment-scripts/node-deployment/deploy.al
mkdir -p "$(dirname "$script")"
printf 'print "deploying"\n' > "$script"
sed -i "s|'script': \['run scheduler 1'\]|'script': ['run scheduler 1', 'process /app/deployment-scripts/node-deployment/deploy.al']|" operator/node.policy
grep -q "deploy.al" operator/node.policy || fail "the policy edit did not apply"
echo 'path_map = ["/app/deployment-scripts=deployment-scripts"]' >> elpc.toml
git add -A
git commit -q -m "deploy script" > "$log" 2>&1 || { cat "$log"; fail "the policy with its script did not commit"; }
echo "ok   a policy that processes a mapped deployment script commits"; passed=$((passed + 1))

printf 'frobnicate the node\n' >> "$script"
git add "$script"
if git commit -q -m "script breakage" > "$log" 2>&1; then cat "$log"; fail "the script breakage committed"; fi
grep -q "EL501" "$log" || { cat "$log"; fail "no EL501 in the hook's output"; }
grep -q -- "--> $script:2:1" "$log" || { cat "$log"; fail "EL501 is not at $script:2:1"; }
if grep -q -- "--> /app/" "$log"; then cat "$log"; fail "a finding points at the node's path"; fi
grep -q "EL510" "$log" && grep -q -- "--> operator/node.policy:" "$log" \
  || { cat "$log"; fail "the policy was not re-checked through its script"; }
echo "ok   a script edit that stops it fails the hook (EL501 at $script:2:1, EL510 in the policy)"; passed=$((passed + 1))

printf 'print "deploying"\non error ignore\n# elpc: ignore[script-error-handled] our image adds frobnicate\nfrobnicate the node\n' > "$script"
git add "$script"
git commit -q -m "handled" > "$log" 2>&1 || { cat "$log"; fail "the handled, suppressed script did not commit"; }
echo "ok   on error ignore plus a suppression with a reason commits"; passed=$((passed + 1))

mkdir -p vendor/upstream
printf 'frobnicate\n' > vendor/upstream/broken.al
git add vendor
if git commit -q -m "vendored scripts" > "$log" 2>&1; then cat "$log"; fail "the broken vendored script committed"; fi
grep -q -- "--> vendor/upstream/broken.al:1:1" "$log" || { cat "$log"; fail "no finding in the vendored script"; }
hook_config "        exclude: ^vendor/"
git add -A
git commit -q -m "vendored scripts, excluded" > "$log" 2>&1 || { cat "$log"; fail "exclude: did not opt the vendored scripts out"; }
echo "ok   a vendored script fails the hook until exclude: opts it out"; passed=$((passed + 1))
echo "pre-commit hook $hook: $passed passed, 0 failed"
