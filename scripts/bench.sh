#!/usr/bin/env bash
# make bench: start-up time of the built binary next to /bin/true, then the
# Go benchmarks. Numbers vary with the machine; compare ratios within a run.
set -euo pipefail
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

echo "== Go benchmarks"
go test -run '^$' -bench "${BENCH:-.}" -benchmem -timeout 30m ${BENCH_PKGS:-./internal/...}
