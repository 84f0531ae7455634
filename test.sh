#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need (redis-server from apt, the npm
# packages of the client-compatibility and differential tests), builds, runs all test projects, and ends with
# one line: "tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

step() { printf '\n== %s\n' "$*"; }

step "redis-server (for the Redis storage contract tests)"
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
fi
command -v redis-server >/dev/null 2>&1 && redis-server --version || echo "redis-server could not be installed: the Redis tests will fail"

step "slapd and ldap-utils (slapd brings libldap, which System.DirectoryServices.Protocols loads; for the LDAP strategy tests: the tests run their own slapd with a generated configuration)"
# slapd's postinst only creates a default database; no debconf question is asked non-interactively and nothing is started
# (no init system), and the tests never use the system configuration.
if ! command -v ldapadd >/dev/null 2>&1 || [ ! -x /usr/sbin/slapd ] || ! ldconfig -p | grep -q 'libldap'; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
  fi
fi
[ -x /usr/sbin/slapd ] && /usr/sbin/slapd -VV 2>&1 | head -n1 || echo "slapd could not be installed: the LDAP tests will fail"

step "npm packages (kuzzle-sdk, koncorde, oauth2-mock-server)"
# Only the test projects' packages: the benchmarks install their own when they run.
for dir in $(git ls-files 'Tests/*package.json' | xargs -n1 dirname); do
  # npm ci rebuilds native modules from scratch (minutes): skip it when the installed tree already matches the lock file.
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    echo "$dir: up to date"
  elif [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci failed in $dir"
  else
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error) || echo "npm install failed in $dir"
  fi
done

step "build and test"
rm -rf TestResults
# Two cores: one test assembly at a time keeps socket and timing tests honest.
dotnet test Kuzzle.Realtime.sln -c Release --logger trx --results-directory TestResults -m:1 "$@"
rc=$?

passed=0; failed=0
for f in TestResults/*.trx; do
  [ -f "$f" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -n1)
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
done
# A build error or a crash never reads as green, and a run that executed nothing is a failure.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then failed=1; rc=1; fi
echo "tests: $passed passed, $failed failed"
exit "$rc"
