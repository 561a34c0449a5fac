#!/bin/sh
# citus.sh - ingest, screen and link on a three-node Citus store against the SQLite file store,
# on the same dump, in one script and machine.
#
# usage: bench/citus.sh [SELLERS [RUNS]]    (default 2000 sellers, 3 runs; CASEKIT=binary)
# Starts a coordinator and two workers (tests/pg/citus.sh, ports 56150-56152, unix sockets) in
# a temporary folder, loads a casekit synth dump into both stores, and prints the median wall
# time of a full screen (--rescore) and a full link (--full) on each (ingest: one run), and the ratio
# Citus / SQLite. Wall time only: on Citus the work is done by the servers, not by casekit.
# All three nodes share this machine's cores, so the ratio shows the cost of distribution,
# not its gain. Needs PostgreSQL with Citus (CITUS_SRC=... ./quickstart citus).
set -eu
N=${1:-2000}
RUNS=${2:-3}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CASEKIT=${CASEKIT:-$TOP/_build/casekit}
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$TOP/share}
CITUS=$TOP/tests/pg/citus.sh
if ! "$CITUS" available; then
	echo "bench/citus.sh: no PostgreSQL server with Citus here (CITUS_SRC=... ./quickstart citus)" >&2
	exit 69
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
chmod 755 "$W" # the servers run as postgres when we are root
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
trap '"$CITUS" stop "$W/citus"; rm -rf "$W"' EXIT
ck() { "$CASEKIT" "$@"; }

# median < FILE: the median of the first column
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# timeit OUT CMD...: append CMD's wall seconds to OUT, or "fail" (and say why) if it failed
timeit() {
	out=$1
	shift
	if /usr/bin/time -f "%e" -o "$W/time" "$@" >/dev/null 2>"$W/last.err"; then
		cat "$W/time" >>"$out"
	else
		echo "bench/citus.sh: failed: $* ($(grep -v '^Command exited' "$W/last.err" | head -1))" >&2
		echo fail >>"$out"
	fi
}

URI=$("$CITUS" start "$W/citus" 56150)
ck synth -q -o "$W/dump" --sellers "$N" -s 7
for store in sqlite citus; do
	for step in ingest screen link; do : >"$W/$store.$step"; done
done
ck init -q "$W/s.db"
timeit "$W/sqlite.ingest" "$CASEKIT" ingest -q -d "$W/s.db" --country CN "$W/dump"
ck init -q --distributed "$URI"
timeit "$W/citus.ingest" "$CASEKIT" ingest -q -d "$URI" --country CN "$W/dump"
for i in $(seq "$RUNS"); do
	timeit "$W/sqlite.screen" "$CASEKIT" screen -q --rescore -d "$W/s.db" -f ids
	timeit "$W/citus.screen" "$CASEKIT" screen -q --rescore -d "$URI" -f ids
	timeit "$W/sqlite.link" "$CASEKIT" link -q --full -d "$W/s.db" -f ids
	timeit "$W/citus.link" "$CASEKIT" link -q --full -d "$URI" -f ids
done
echo "sellers $N; wall s, medians of $RUNS runs      SQLite   Citus (3 nodes)   Citus / SQLite"
for step in ingest screen link; do
	if grep -q fail "$W/sqlite.$step" "$W/citus.$step"; then
		printf '%-40s %8s %17s %16s\n' "$step" "$(median <"$W/sqlite.$step")" "fails" "-"
		continue
	fi
	a=$(median <"$W/sqlite.$step")
	b=$(median <"$W/citus.$step")
	printf '%-40s %8s %17s %16s\n' "$step" "$a" "$b" \
		"$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')"
done
