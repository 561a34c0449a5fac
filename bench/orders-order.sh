#!/bin/bash
# orders-order.sh - casekit ingest of orders in synth's order (by listing) against the same
# orders in time order, as a platform exports them
#
# usage: bench/orders-order.sh [SELLERS] [RUNS]    (default 300000 sellers, 3 runs; medians)
# Needs the built binary ($CASEKIT, default ./_build/casekit) and GNU time.
# synth writes each listing's orders together, so the check that an order's listing exists
# reads the listings' key index in order. A platform's dump lists orders by time: each
# order names a listing anywhere in the index. The time-ordered file is synth's, sorted by
# ordered_at and numbered again in that order (order ids that grow with time, as a
# platform's do). Both load into copies of one store that holds the sellers and listings.
# The time order loads twice: as ingest chooses (its sorted pass over the references, when
# the writer's lookups miss the page cache) and with CASEKIT_REF_PASS=never (each reference
# looked up in the file's order).
# Each line gives the median wall and CPU seconds and, from CASEKIT_SQL_PROFILE, the median
# time of the listing lookups the writer made (those the known set of ids did not hold); the
# last lines, the ratios of the time order to the listing order (the peer), and of the
# sorted pass to none.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args 1 "${1:-300000}"
RUNS=${2:-3}
W=$D
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }

echo "generating $SELLERS sellers in $W" >&2
"$CK" synth -q --sellers "$SELLERS" -s 1 -o "$W/dump"
"$CK" init -q "$W/base.db"
"$CK" ingest -q -d "$W/base.db" "$W/dump/sellers.csv" "$W/dump/listings.csv"
mkdir "$W/listing" "$W/time"
ln -s ../dump/orders.csv "$W/listing/orders.csv"
# ordered_at is the 8th field; no field before the 9th holds a comma or a quote
n=$(($(wc -l <"$W/dump/orders.csv") - 1))
{
	head -1 "$W/dump/orders.csv"
	paste -d, <(seq -f 'O%010.0f' 1 "$n") \
		<(tail -n +2 "$W/dump/orders.csv" | LC_ALL=C sort -t, -k8,8 -s | cut -d, -f2-)
} >"$W/time/orders.csv"

declare -A WALLS CPUS LOOKS
for ((r = 1; r <= RUNS; r++)); do
	for order in listing time time-never; do
		pass=${order#time-}
		[ "$pass" = never ] || pass=
		cp "$W/base.db" "$W/o.db"
		CASEKIT_REF_PASS=$pass CASEKIT_SQL_PROFILE=1 $TIME -f '%e %U %S' -o "$W/t" \
			"$CK" ingest -q -d "$W/o.db" "$W/${order%-never}/orders.csv" 2>"$W/err"
		read -r wall u s <"$W/t"
		kept=$("$CK" query -d "$W/o.db" -f tsv "select count(*) from orders" | tail -1)
		[ "$kept" = "$n" ] || { echo "bench: $order order: $kept orders of $n in the store" >&2; exit 1; }
		WALLS[$order]+="$wall "
		CPUS[$order]+="$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') "
		LOOKS[$order]+="$(awk '/SELECT 1 FROM listings WHERE listing_id/ { t = $3 } END { print t + 0 }' "$W/err") "
		rm -f "$W/o.db" "$W/o.db-wal" "$W/o.db-shm"
	done
done

declare -A MW MC ML
declare -A LABEL=([listing]="listing order" [time]="time order" [time-never]="time order, no pass")
printf '%-34s %9s %9s %12s\n' "orders ($n)" wall_s cpu_s lookups_s
for order in listing time time-never; do
	MW[$order]=$(tr ' ' '\n' <<<"${WALLS[$order]}" | grep . | bench_median)
	MC[$order]=$(tr ' ' '\n' <<<"${CPUS[$order]}" | grep . | bench_median)
	ML[$order]=$(tr ' ' '\n' <<<"${LOOKS[$order]}" | grep . | bench_median)
	printf '%-34s %9s %9s %12s\n' "${LABEL[$order]}" "${MW[$order]}" "${MC[$order]}" "${ML[$order]}"
done
awk -v a="${MW[time]}" -v b="${MW[listing]}" -v c="${MC[time]}" -v d="${MC[listing]}" \
	'BEGIN { if (b > 0 && d > 0) printf "time / listing order:  %.2f (cpu %.2f)\n", a / b, c / d }'
awk -v a="${MW[time]}" -v b="${MW[time-never]}" -v c="${MC[time]}" -v d="${MC[time-never]}" \
	'BEGIN { if (b > 0 && d > 0) printf "sorted pass / none:    %.2f (cpu %.2f)\n", a / b, c / d }'
