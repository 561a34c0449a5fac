#!/bin/sh
# citus.sh - ingest, screen and link on a three-node Citus store against the SQLite file store,
# on the same dump, in one script and machine.
#
# usage: bench/citus.sh [SELLERS [RUNS]]    (default 2000 sellers, 3 runs; CASEKIT=binary)
# Starts a coordinator and two workers (tests/pg/citus.sh, ports 56150-56152, unix sockets) in
# a temporary folder, loads a casekit synth dump into both stores, and prints the median wall
# time of a full screen (--rescore) and a full link (--full) on each (ingest, and an incremental
# link after one per cent more sellers, link+1%: one run each), and the ratio
# Citus / SQLite; then the same for CPU seconds (user + system): casekit's own on SQLite, and on
# Citus casekit's plus the three servers' (their postmasters' and live processes' times from
# /proc, before and after; a backend's time reaches its postmaster when it exits). CPU is the
# steadier figure on a loaded machine. All three nodes share this machine's cores, so the ratio
# shows the cost of distribution, not its gain. Needs PostgreSQL with Citus (CITUS_SRC=...
# ./quickstart citus).
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
# srvcpu: the CPU seconds the three servers have used so far (postmasters, their live children,
# and the children they have reaped), or 0 before they start
srvcpu() {
	pms=
	for n in coord w1 w2; do
		f=$W/citus/$n/data/postmaster.pid
		[ -f "$f" ] && pms="$pms $(head -1 "$f")"
	done
	[ -n "$pms" ] || { echo 0; return; }
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pms="$pms" -v hz="$(getconf CLK_TCK)" '
		BEGIN { n = split(pms, a, " "); for (i = 1; i <= n; i++) pm[a[i]] = 1 }
		$1 in pm { t += $14 + $15 + $16 + $17 } $4 in pm { t += $14 + $15 }
		END { printf "%.2f\n", t / hz }'
}
# timeit STORE.STEP CMD...: append CMD's wall seconds to STORE.STEP and its CPU seconds (casekit's,
# and on Citus the servers' too) to STORE.STEP.cpu, or "fail" (and say why) if it failed
timeit() {
	out=$1
	shift
	c0=$(srvcpu)
	if /usr/bin/time -f "%e %U %S" -o "$W/time" "$@" >/dev/null 2>"$W/last.err"; then
		sleep 0.5 # the backends exit, and their time goes to their postmaster
		c1=$(srvcpu)
		cut -d' ' -f1 "$W/time" >>"$out"
		case $out in *citus.*) ;; *) c1=$c0 ;; esac
		awk -v a="$c0" -v b="$c1" '{ printf "%.2f\n", $2 + $3 + b - a }' "$W/time" >>"$out.cpu"
	else
		echo "bench/citus.sh: failed: $* ($(grep -v '^Command exited' "$W/last.err" | head -1))" >&2
		echo fail >>"$out"
		echo fail >>"$out.cpu"
	fi
}

URI=$("$CITUS" start "$W/citus" 56150)
ck synth -q -o "$W/dump" --sellers "$N" -s 7
for store in sqlite citus; do
	for step in ingest screen link; do
		: >"$W/$store.$step"
		: >"$W/$store.$step.cpu"
	done
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
# One per cent more sellers (renamed Z...), then one incremental link on each store.
ck synth -q -o "$W/more" --sellers $((N / 100 + 1)) -s 8
mkdir "$W/new"
for f in sellers logins payments; do
	sed 's/\bS\([0-9]\)/Z\1/g' "$W/more/$f.csv" >"$W/new/$f.csv"
done
ck ingest -q -d "$W/s.db" --country CN "$W/new"
ck ingest -q -d "$URI" --country CN "$W/new"
: >"$W/sqlite.link+1%" >"$W/citus.link+1%"
: >"$W/sqlite.link+1%.cpu" >"$W/citus.link+1%.cpu"
timeit "$W/sqlite.link+1%" "$CASEKIT" link -q -d "$W/s.db" -f ids
timeit "$W/citus.link+1%" "$CASEKIT" link -q -d "$URI" -f ids
# table WHAT SUFFIX: the medians of each step on both stores, and their ratio
table() {
	echo "sellers $N; $1, medians of $RUNS runs      SQLite   Citus (3 nodes)   Citus / SQLite"
	for step in ingest screen link link+1%; do
		if grep -q fail "$W/sqlite.$step$2" "$W/citus.$step$2"; then
			printf '%-40s %8s %17s %16s\n' "$step" "$(median <"$W/sqlite.$step$2")" "fails" "-"
			continue
		fi
		a=$(median <"$W/sqlite.$step$2")
		b=$(median <"$W/citus.$step$2")
		printf '%-40s %8s %17s %16s\n' "$step" "$a" "$b" \
			"$(awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')"
	done
}
table "wall s" ""
table "CPU s" .cpu
