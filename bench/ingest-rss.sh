#!/bin/bash
# ingest-rss.sh - casekit ingest's peak RSS at two or more sizes, so that growth shows
#
# usage: bench/ingest-rss.sh [SELLERS...]    (default 100000 300000)
# Needs the built binary ($CASEKIT, default ./_build/casekit) and GNU time.
# For each size: `casekit synth --sellers N -s 1`, then the whole dump into a new store, as
# bench/scale.sh loads it. Prints the peak RSS (GNU time's), the CPU seconds (user+sys) and,
# from /proc sampled every 0.2 s, the largest RSS seen while each file was open and while the
# indexes were built at the end ("end"), which says where the peak is. CASEKIT_OLD=BINARY
# runs an older casekit on the same dumps, and the ratio new/old is printed. #15's bar: peak
# RSS <= 200 MB at any size, so the figure must not climb with the size (a bound reached at
# one size stays the bound).
set -euo pipefail
SIZES=${*:-100000 300000}
CASEKIT=${CASEKIT:-./_build/casekit}
W=$(mktemp -d "${TMPDIR:-/tmp}/ckrss.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
trap 'rm -rf "$W"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }
cp "$CASEKIT" "$W/casekit.bin" # a rebuild while the bench runs does not pull it away
BINS="new:$W/casekit.bin"
if [ -n "${CASEKIT_OLD:-}" ]; then
	cp "$CASEKIT_OLD" "$W/old-casekit.bin" # not casekit-*: it would dispatch on that name
	BINS="$BINS old:$W/old-casekit.bin"
fi

# run LABEL BIN: ingest $W/dump into a new store, sampling RSS; one result line
run() {
	local label=$1 bin=$2 pid f r
	rm -f "$W"/s.db*
	"$bin" init -q "$W/s.db"
	$TIME -f '%M %U %S %e' -o "$W/time" "$bin" ingest -q -d "$W/s.db" "$W/dump" 2>"$W/err" &
	pid=$!
	: >"$W/samples"
	while kill -0 "$pid" 2>/dev/null; do
		# the ingest is time's child; the csv file it has open names the phase
		for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
			f=$(ls -l /proc/"$c"/fd 2>/dev/null | grep -o '[a-z_]*\.csv' | head -1 || true)
			r=$(awk '/VmRSS/ { print $2 }' /proc/"$c"/status 2>/dev/null || true)
			[ -z "$r" ] || echo "${f:-end} $r" >>"$W/samples"
		done
		sleep 0.2
	done
	wait "$pid" || { echo "bench: $label ingest failed:" >&2; cat "$W/err" >&2; exit 1; }
	read -r kb u s e <"$W/time"
	awk -v l="$label" -v n="$N" -v kb="$kb" -v c="$(echo "$u + $s" | bc)" -v e="$e" '
		{ if ($2 > m[$1]) m[$1] = $2; if (!($1 in o)) { o[$1] = k++; name[k - 1] = $1 } }
		END {
			printf "%-4s %9d sellers: peak RSS %6.1f MB, %7.1f s CPU, %7.1f s wall; by phase:", \
				l, n, kb / 1024, c, e
			for (i = 0; i < k; i++)
				printf " %s %.0f", name[i], m[name[i]] / 1024
			printf "\n"
		}' "$W/samples"
	echo "$label $N $kb" >>"$W/peaks"
	rm -f "$W"/s.db*
}

for N in $SIZES; do
	echo "generating $N sellers" >&2
	rm -rf "$W/dump"
	"$W/casekit.bin" synth -q --sellers "$N" -s 1 -o "$W/dump" >/dev/null
	for b in $BINS; do
		run "${b%%:*}" "${b#*:}"
	done
	rm -rf "$W/dump"
done
awk '{ if (!($1 in first)) { first[$1] = $3; fn[$1] = $2 } last[$1] = $3; ln[$1] = $2 }
	END { for (l in first) printf "%-4s peak RSS %.1f MB at %d sellers, %.1f MB at %d (%+.1f MB); %s\n",
		l, first[l] / 1024, fn[l], last[l] / 1024, ln[l], (last[l] - first[l]) / 1024,
		last[l] / 1024 <= 200 ? "<= 200 MB: ok" : "TOO BIG" }' "$W/peaks" | sort
# the peer: the older binary on the same dumps (CASEKIT_OLD)
awk '{ kb[$1 " " $2] = $3; n[$2] = 1 }
	END { for (s in n) if (("old " s) in kb)
		printf "new/old peak RSS at %d sellers: %.2f\n", s, kb["new " s] / kb["old " s] }' \
	"$W/peaks" | sort -t' ' -k5n
