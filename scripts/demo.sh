#!/usr/bin/env bash
# make demo: load the demo company (testdata/demo) into the local embedded
# store, list its tickets and distribute them. Builds nothing: pass the binary. Safe to run
# again (everything already loaded is left alone) and in a fresh HOME.
#
#   bash scripts/demo.sh bin/ticketctl
set -euo pipefail
bin=${1:-bin/ticketctl}
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
cd "$(dirname "$0")/.."
demo=testdata/demo
# The demo accounts' password (a bcrypt hash in accounts.ndjson, as a Node
# backend stores it; the first login upgrades it to argon2id).
password=lakeside-demo-2026
admin=ada.park

# Always the local store, whatever the environment or config points at:
# the demo adds accounts with a published password.
unset TICKETCTL_URI TICKETCTL_DATABASE TICKETCTL_CONTEXT TICKETCTL_TOKEN
tc() { "$bin" --context local "$@"; }

echo "== loading servers, teams, accounts and history"
tc demo load "$demo"
echo "== init (indexes, central server; the demo admin exists already)"
tc init
echo "== logging in as $admin"
printf '%s\n' "$password" | tc login --username "$admin" --password-stdin
echo "== importing tickets"
tc tickets import "$demo/tickets.ndjson" --skip-existing
echo "== servers"
tc servers list --counts
echo "== tickets (newest first)"
tc tickets list --sort -created_at
echo "== distribution plan for the tickets waiting on the central server"
tc distribute plan -o table --limit 15
echo "== distribute auto (what cron runs every few minutes)"
tc distribute auto --yes
echo "== servers after distribution"
tc servers list --counts
