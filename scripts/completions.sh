#!/usr/bin/env bash
# Writes completions/* from a freshly built binary (goreleaser before-hook).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p completions
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ticketctl" ./cmd/ticketctl
for sh in bash zsh fish; do "$tmp/ticketctl" completion "$sh" > "completions/ticketctl.$sh"; done
"$tmp/ticketctl" completion powershell > completions/ticketctl.ps1
