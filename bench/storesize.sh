#!/bin/bash
# storesize.sh - where a store's bytes go: each table and index, and each table with its
# indexes, against the CSV it was loaded from (what #15's "store <= 1.5x the CSV" is about)
#
# usage: bench/storesize.sh STORE [CSV_DIR]
# Reads the store through sqlite3's dbstat table (every page once: a minute for a few GB on a
# cold disk). Columns: MiB, the share of the store, and with CSV_DIR the bytes per CSV byte.
# "unused" is free space inside pages; the rows are sorted by size. With COLUMNS_OF set to
# table names (COLUMNS_OF="identifiers orders"), the bytes of each of their columns follow
# (the values' own bytes, as text for numbers; SQLite's record headers and rowids aside),
# which is one more read of those tables.
set -euo pipefail
[ $# -ge 1 ] && [ -f "$1" ] || { echo "usage: bench/storesize.sh STORE [CSV_DIR]" >&2; exit 64; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 1; }
STORE=$1
CSV=1
[ $# -ge 2 ] && CSV=$(cat "$2"/*.csv | wc -c)
sqlite3 -readonly "$STORE" "
CREATE TEMP TABLE s AS SELECT d.name, coalesce(m.tbl_name, d.name) AS tbl, m.type,
	sum(d.pgsize) AS bytes, sum(d.unused) AS unused
	FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name;
SELECT printf('%-36s %9s %6s %8s %9s', 'table or index', 'MiB', 'share', 'per_csv', 'unused');
SELECT printf('%-36s %9.1f %5.1f%% %8.3f %9.1f', name, bytes / 1048576.0,
	100.0 * bytes / (SELECT sum(bytes) FROM s), 1.0 * bytes / $CSV, unused / 1048576.0)
	FROM s WHERE bytes >= 65536 ORDER BY bytes DESC;
SELECT '';
SELECT printf('%-36s %9s %6s %8s %9s', 'table with its indexes', 'MiB', 'share', 'per_csv',
	'indexes');
SELECT printf('%-36s %9.1f %5.1f%% %8.3f %9.1f', tbl, sum(bytes) / 1048576.0,
	100.0 * sum(bytes) / (SELECT sum(bytes) FROM s), 1.0 * sum(bytes) / $CSV,
	sum(CASE WHEN name <> tbl THEN bytes ELSE 0 END) / 1048576.0)
	FROM s GROUP BY tbl HAVING sum(bytes) >= 65536 ORDER BY sum(bytes) DESC;
SELECT '';
SELECT printf('%-36s %9.1f %6s %8.3f', 'store', sum(bytes) / 1048576.0, '', 1.0 * sum(bytes) / $CSV)
	FROM s;"
for t in ${COLUMNS_OF:-}; do
	cols=$(sqlite3 -readonly "$STORE" "SELECT group_concat(printf('SELECT %Q AS c, sum(length(CAST(%s AS BLOB))) AS b, count(%s) AS n FROM $t', name, name, name), ' UNION ALL ') FROM pragma_table_info('$t')")
	echo
	printf '%-36s %9s %8s %12s\n' "$t: column" MiB per_csv values
	sqlite3 -readonly "$STORE" "SELECT printf('%-36s %9.1f %8.3f %12d', c, coalesce(b, 0) / 1048576.0,
		coalesce(b, 0) * 1.0 / $CSV, n) FROM ($cols)"
done
