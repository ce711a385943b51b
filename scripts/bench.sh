#!/usr/bin/env bash
# make bench: start-up time of the built binary next to /bin/true, then the
# Go benchmarks. Server benchmarks run on TICKETCTL_BENCH_MONGODB_URI when it
# is set; otherwise on FerretDB's PostgreSQL handler, which this script
# installs (Debian's postgresql) and starts when missing. Numbers vary with
# the machine: compare ratios within one run.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/ticketctl}
runs=${BENCH_RUNS:-50}

avg_ms() { # command... → mean wall time in ms over $runs runs
	local start end
	start=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1; done
	end=$(date +%s%N)
	awk -v d=$((end - start)) -v n="$runs" 'BEGIN { printf "%.2f", d / n / 1e6 }'
}

echo "== start-up ($runs runs each)"
t_true=$(avg_ms /bin/true)
t_ver=$(avg_ms "$bin" version)
t_help=$(avg_ms "$bin" --help)
printf "  %-28s %8s ms\n" "/bin/true" "$t_true" "ticketctl version" "$t_ver" "ticketctl --help" "$t_help"
awk -v a="$t_ver" -v b="$t_true" 'BEGIN { printf "  version costs %.2f ms more than /bin/true\n", a - b }'
printf "  binary size: %s bytes\n" "$(stat -c %s "$bin")"

fdb_pid=
cleanup() { [ -n "$fdb_pid" ] && kill "$fdb_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${TICKETCTL_BENCH_MONGODB_URI:-}" ]; then
	echo "== starting FerretDB on PostgreSQL for the server benchmarks"
	if ! command -v pg_ctlcluster >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	fi
	ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
	pg_ctlcluster "$ver" main start 2>/dev/null || true
	su postgres -c "psql -qc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='ticketctl') THEN CREATE ROLE ticketctl LOGIN PASSWORD 'ticketctl' SUPERUSER; END IF; END\\\$\\\$;\""
	su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='ticketctl_bench'\" | grep -q 1 || createdb -O ticketctl ticketctl_bench"
	go build -o bin/ferretdb-dev ./scripts/ferretdb
	bin/ferretdb-dev -listen 127.0.0.1:27019 -postgresql 'postgres://ticketctl:ticketctl@127.0.0.1:5432/ticketctl_bench' > bin/ferretdb-dev.log 2>&1 &
	fdb_pid=$!
	for _ in $(seq 50); do grep -q mongodb:// bin/ferretdb-dev.log && break; sleep 0.2; done
	export TICKETCTL_BENCH_MONGODB_URI=mongodb://127.0.0.1:27019/
fi
echo "  server: $TICKETCTL_BENCH_MONGODB_URI"

echo "== Go benchmarks"
go test -run "^$" -bench "${BENCH:-.}" ${BENCHTIME:+-benchtime "$BENCHTIME"} -benchmem -timeout 60m ${BENCH_PKGS:-./internal/...}
