#!/usr/bin/env bash
# Installs redis-server when it is missing, so the Redis storage tests can start a real server.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
