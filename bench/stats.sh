#!/bin/bash
# stats.sh - casekit stats against the ingest of the same dump, for one or two binaries
#
# usage: bench/stats.sh [SELLERS [RUNS]]    (default 100000 sellers, 3 runs)
#   CASEKIT=./_build/casekit   the binary measured
#   PEER=                      a second binary (the one before a change): measured the same way
# Makes one synth dump; for each binary, RUNS times: a new store, ingest of the whole dump
# (timed). On the last store: screen and link, then stats RUNS times (timed). Prints the
# medians of wall and CPU time and the stats/ingest ratio (#15's bar: at most 5% at 300k
# sellers, at most 10 s at 1M), and whether both binaries print the same figures.
set -euo pipefail
SELLERS=${1:-100000}
RUNS=${2:-3}
CASEKIT=${CASEKIT:-./_build/casekit}
PEER=${PEER:-}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ckstats.XXXXXX")
trap 'rm -rf "$W"' EXIT
export XDG_DATA_HOME="$W/data" XDG_CONFIG_HOME="$W/config"
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}

# timed OUT CMD...: run CMD once, append "wall cpu" to OUT
timed() {
	local out=$1 wall u s
	shift
	"$TIME" -f '%e %U %S' -o "$W/time" "$@" >"$W/last.out" 2>"$W/last.err" || {
		echo "bench: $* failed:" >&2
		tail -5 "$W/last.err" >&2
		exit 1
	}
	read -r wall u s <"$W/time"
	echo "$wall $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" >>"$out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

"$CASEKIT" synth -q --sellers "$SELLERS" -s 1 -o "$W/dump"
printf '%-6s %10s %10s %10s %10s %8s\n' binary ingest_s ingest_cpu stats_s stats_cpu ratio
n=0
for ck in "$CASEKIT" ${PEER:+"$PEER"}; do
	n=$((n + 1))
	name=new
	[ $n = 2 ] && name=peer
	mkdir -p "$W/$name"
	cp "$ck" "$W/$name/casekit" # a rebuild while the bench runs does not pull it away
	CK=$W/$name/casekit
	rm -f "$W/$name.ingest" "$W/$name.stats"
	for r in $(seq "$RUNS"); do
		rm -f "$W/$name/s.db"*
		"$CK" init -q "$W/$name/s.db"
		timed "$W/$name.ingest" "$CK" ingest -q -d "$W/$name/s.db" --country CN "$W/dump"
	done
	"$CK" screen -q -d "$W/$name/s.db" -f ids --min-score 50 >/dev/null
	"$CK" link -q -d "$W/$name/s.db" -f ids >/dev/null
	for r in $(seq "$RUNS"); do
		timed "$W/$name.stats" "$CK" stats -d "$W/$name/s.db" -f tsv
	done
	cp "$W/last.out" "$W/$name.figures"
	iw=$(cut -d' ' -f1 "$W/$name.ingest" | median)
	ic=$(cut -d' ' -f2 "$W/$name.ingest" | median)
	sw=$(cut -d' ' -f1 "$W/$name.stats" | median)
	sc=$(cut -d' ' -f2 "$W/$name.stats" | median)
	printf '%-6s %10s %10s %10s %10s %7.1f%%\n' "$name" "$iw" "$ic" "$sw" "$sc" \
		"$(awk -v s="$sw" -v i="$iw" 'BEGIN { print (i > 0 ? 100 * s / i : 0) }')"
	rm -f "$W/$name/s.db"*
done
if [ -n "$PEER" ]; then
	if cmp -s "$W/new.figures" "$W/peer.figures"; then
		echo "figures: the same"
	else
		echo "figures: DIFFER"
		diff "$W/peer.figures" "$W/new.figures" | head -20
	fi
fi
