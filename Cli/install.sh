#!/usr/bin/env bash
# Builds the `kourou` command from this repository and installs it as a .NET tool (global by default).
#   Cli/install.sh                        -> dotnet tool install --global (the command lands in ~/.dotnet/tools)
#   Cli/install.sh --tool-path ./tools    -> installed in ./tools instead
set -euo pipefail
cd "$(dirname "$0")/.."
where=("$@")
[ ${#where[@]} -eq 0 ] && where=(--global)

dotnet pack Cli/Kuzzle.Realtime.Cli -c Release -o artifacts/packages
# Same version after a rebuild: remove the installed copy so the new package is taken.
dotnet tool uninstall "${where[@]}" Kuzzle.Realtime.Cli >/dev/null 2>&1 || true
dotnet tool install "${where[@]}" --add-source artifacts/packages Kuzzle.Realtime.Cli
