#!/usr/bin/env bash
# Measures how the embedded local store (FerretDB on SQLite) behaves as the
# tickets collection grows: the numbers behind the README's size advice.
#   bash scripts/localstore-size.sh bin/ticketctl 1000 5000 20000
set -euo pipefail
bin=${1:-bin/ticketctl}; shift
sizes=("${@:-1000 5000 20000}")
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
unset TICKETCTL_URI TICKETCTL_DATABASE TICKETCTL_CONTEXT TICKETCTL_TOKEN
tc() { "$bin" "$@" 2>/dev/null; }
secs() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); awk -v d=$((e - s)) 'BEGIN { printf "%.2f", d / 1e9 }'; }

printf 'correct horse battery staple\n' | tc init --admin-username admin --password-stdin >/dev/null
printf 'correct horse battery staple\n' | tc login --username admin --password-stdin >/dev/null
have=0
printf "%8s %10s %10s %10s %10s %10s\n" tickets import-s list50-s list-all-s status-s auto-dry-s
for n in ${sizes[@]}; do
	add=$((n - have))
	awk -v n="$add" -v off="$have" 'BEGIN { for (i = 0; i < n; i++) printf "{\"title\":\"ticket %d\",\"description\":\"generated\",\"tags\":[\"t%d\"]}\n", off + i, i % 7 }' > "$work/t.ndjson"
	imp=$(secs tc tickets import "$work/t.ndjson")
	have=$n
	id=$(tc tickets list --limit 1 -o ids)
	l50=$(secs tc tickets list)
	lall=$(secs tc tickets list --all -o ndjson)
	st=$(secs tc tickets status "$id" in-progress)
	auto=$(secs tc distribute auto --dry-run)
	printf "%8d %10s %10s %10s %10s %10s\n" "$n" "$imp" "$l50" "$lall" "$st" "$auto"
done
du -sh "$XDG_DATA_HOME/ticketctl/local" | awk '{print "store size on disk: " $1}'
