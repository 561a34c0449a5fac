#!/usr/bin/env bash
# trace-peer.sh - speed of casekit trace: a depth-6 walk from 1,000 leads over a store with 10M
# shipments, against a SQLite recursive-CTE walk of the same graph with the same depth limit.
#
#   bench/trace-peer.sh [SHIPMENTS [RUNS]]     default 10000000 shipments, median of 3 runs
#
# CASEKIT names the binary (default: _build/casekit); BENCH_DIR keeps the generated store
# between runs (default: a temporary folder, removed at the end). Generating 10M shipments
# and their indexes takes a few minutes; the walks themselves are what is timed.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000000}
RUNS=${2:-3}
CK=${CASEKIT:-$PWD/_build/casekit}
DEPTH=6
LEADS=1000
if [ -n "${BENCH_DIR:-}" ]; then
	mkdir -p "$BENCH_DIR"
	D=$BENCH_DIR
else
	D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
	trap 'rm -rf "$D"' EXIT
fi
export XDG_DATA_HOME="$D" # the stores' payment key files, beside the stores
DB=$D/trace-$N.db
# A copy, so that a rebuild while the bench runs does not pull the binary away.
cp "$CK" "$D/casekit.bin" && CK=$D/casekit.bin

# The graph: sellers in clusters of 100 (an operation or a shop street); each cluster has five
# warehouses and two factories of its own. Factories ship to their warehouses, warehouses to
# their sellers and back to the factories now and then (returns: cycles), and ten carriers
# ship to sellers everywhere. One shipment in twenty crosses from another cluster.
SELLERS=$((N / 10))
CLUSTERS=$((SELLERS / 100))
if [ ! -f "$DB" ]; then
	echo "generating $N shipments over $SELLERS sellers in $DB ..." >&2
	"$CK" init -q "$DB"
	t0=$(date +%s)
	sqlite3 "$DB" >/dev/null <<SQL
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;
BEGIN;
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < $SELLERS - 1)
INSERT INTO sellers(seller_id, shop_name, source_id, line)
SELECT printf('S%07d', n), 'shop ' || n, 1, n + 2 FROM i;
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < $CLUSTERS * 5 - 1)
INSERT INTO parties(party_id, kind, name, source_id, line)
SELECT printf('W%06d', n), 'warehouse', 'warehouse ' || n, 2, n + 2 FROM i;
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < $CLUSTERS * 2 - 1)
INSERT INTO parties(party_id, kind, name, source_id, line)
SELECT printf('F%06d', n), 'factory', 'factory ' || n, 2, n + 100000002 FROM i;
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < 9)
INSERT INTO parties(party_id, kind, name, source_id, line)
SELECT printf('C%02d', n), 'carrier', 'carrier ' || n, 2, n + 200000002 FROM i;
WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < $N - 1),
h AS (SELECT n, (n * 2654435761) % 4294967296 AS h FROM i),
g AS (SELECT n, n % 20 AS b, h % $SELLERS AS s,
	CASE WHEN n % 53 = 0 THEN (h / 7) % $CLUSTERS ELSE (h % $SELLERS) / 100 END AS c
	FROM h)
INSERT INTO shipments(shipment_id, from_id, to_id, quantity, declared_value, currency,
	source_id, line)
SELECT printf('H%08d', n),
	CASE WHEN b < 2 THEN printf('F%06d', c * 2 + n % 2)
	     WHEN b < 14 THEN printf('W%06d', c * 5 + n % 5)
	     WHEN b = 14 AND n % 3 = 0 THEN printf('W%06d', c * 5 + n % 5)
	     ELSE printf('C%02d', n % 10) END,
	CASE WHEN b < 2 THEN printf('W%06d', c * 5 + (n / 2) % 5)
	     WHEN b < 14 THEN printf('S%07d', c * 100 + s % 100)
	     WHEN b = 14 AND n % 3 = 0 THEN printf('F%06d', c * 2 + (n / 3) % 2)
	     ELSE printf('S%07d', s) END,
	1 + n % 50, 100 * (1 + n % 50), 'CNY', 4, n + 2
FROM g;
COMMIT;
SQL
	t1=$(date +%s)
	echo "generated in $((t1 - t0)) s; indexing (trace makes its indexes on first use) ..." >&2
	"$CK" trace -d "$DB" -q -f tsv S0000000 >/dev/null
	echo "indexed in $(($(date +%s) - t1)) s" >&2
fi

# 1,000 leads spread over the sellers.
STEP=$((SELLERS / LEADS))
seq 0 $((LEADS - 1)) | awk -v st=$STEP '{ printf "seller:S%07d\n", $1 * st }' >"$D/leads.txt"
sed "s/^seller:\\(.*\\)\$/('\\1')/" "$D/leads.txt" | paste -sd, >"$D/leads.sql"

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# casekit: the walk, the ranking and the output.
for r in $(seq "$RUNS"); do
	t0=$(now)
	"$CK" trace -d "$DB" -q -f tsv --depth $DEPTH --from "$D/leads.txt" >"$D/ck.out"
	t1=$(now)
	echo "$t1 - $t0" | bc -l
done | median >"$D/ck.t"
rows=$(($(wc -l <"$D/ck.out") - 1))
rss=$( { /usr/bin/time -f %M "$CK" trace -d "$DB" -q -f tsv --depth $DEPTH --from "$D/leads.txt" \
	>/dev/null; } 2>&1 | tail -1)

# The peer: what a user would write in SQL, the same walk with the same depth limit,
# counting the distinct leads each upstream node reaches.
cat >"$D/peer.sql" <<SQL
WITH RECURSIVE leads(id) AS (VALUES $(cat "$D/leads.sql")),
up(lead, node, d) AS (
	SELECT id, id, 0 FROM leads
	UNION
	SELECT up.lead, s.from_id, up.d + 1 FROM up JOIN shipments s ON s.to_id = up.node
	WHERE up.d < $DEPTH AND s.from_id IS NOT NULL)
SELECT node, count(DISTINCT lead) AS leads, min(d) AS depth FROM up WHERE d > 0
GROUP BY node ORDER BY leads DESC, node;
SQL
for r in $(seq "$RUNS"); do
	t0=$(now)
	sqlite3 -readonly "$DB" <"$D/peer.sql" >"$D/peer.out"
	t1=$(now)
	echo "$t1 - $t0" | bc -l
done | median >"$D/peer.t"
prow=$(wc -l <"$D/peer.out")

# The same walk doing trace's job in SQL: reach, plus each node's share of deliveries that go
# to the walked side (what ranks a carrier below a factory).
cat >"$D/peer2.sql" <<SQL
WITH RECURSIVE leads(id) AS (VALUES $(cat "$D/leads.sql")),
up(lead, node, d) AS (
	SELECT id, id, 0 FROM leads
	UNION
	SELECT up.lead, s.from_id, up.d + 1 FROM up JOIN shipments s ON s.to_id = up.node
	WHERE up.d < $DEPTH AND s.from_id IS NOT NULL),
walked(node) AS MATERIALIZED (SELECT DISTINCT node FROM up),
reach AS (SELECT node, count(DISTINCT lead) AS leads, min(d) AS depth FROM up WHERE d > 0
	GROUP BY node)
SELECT node, leads, depth, share, share * leads AS score FROM (
	SELECT r.node, r.leads, r.depth,
		1.0 * (SELECT count(*) FROM shipments s WHERE s.from_id = r.node
			AND s.to_id IN (SELECT node FROM walked)) /
		(SELECT count(*) FROM shipments s WHERE s.from_id = r.node) AS share
	FROM reach r)
ORDER BY score DESC, node;
SQL
for r in $(seq "$RUNS"); do
	t0=$(now)
	sqlite3 -readonly "$DB" <"$D/peer2.sql" >"$D/peer2.out"
	t1=$(now)
	echo "$t1 - $t0" | bc -l
done | median >"$D/peer2.t"

ck_t=$(cat "$D/ck.t")
peer_t=$(cat "$D/peer.t")
peer2_t=$(cat "$D/peer2.t")
printf 'store: %s shipments, %s sellers; %s leads, depth %s; median of %s runs\n' \
	"$N" "$SELLERS" "$LEADS" "$DEPTH" "$RUNS"
printf 'casekit trace                      %8.3f s  (%s upstream nodes ranked, peak RSS %s KB)\n' \
	"$ck_t" "$rows" "$rss"
printf 'sqlite CTE, reach only             %8.3f s  (%s nodes)  ratio %.2fx\n' "$peer_t" "$prow" \
	"$(echo "$peer_t / $ck_t" | bc -l)"
printf 'sqlite CTE, reach and share        %8.3f s  (%s nodes)  ratio %.2fx\n' "$peer2_t" \
	"$(wc -l <"$D/peer2.out")" "$(echo "$peer2_t / $ck_t" | bc -l)"
echo "(ratio: peer time / casekit time; above 1 means casekit is faster)"
[ "$rows" = "$prow" ] || echo "note: the node counts differ ($rows vs $prow)" >&2
