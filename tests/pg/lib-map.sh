# lib-map.sh - the CLI suite on PostgreSQL: sourced by tests/cli/lib.sh when $CASEKIT_TEST_PG
# names a server (make check-pg). casekit runs through tests/pg/casekit-on-pg, and the shell
# commands a test uses on its store files follow the same mapping (tests/pg/map.sh):
#   sqlite3 [-csv] [-header] PATH [SQL...]   runs the SQL (arguments or stdin) with psql on
#                                            PATH's database: unaligned, '|' between columns
#                                            and no header, as sqlite3 prints; dot-commands
#                                            and other PRAGMAs fail (mark such checks
#                                            sqlite_only);
#                                            sqlite_master, PRAGMA user_version and DROP
#                                            TRIGGER are put in PostgreSQL's terms
#   rm PATH...                               also drops the databases of PATH and under it
#   cp STORE NEW                             copies the database (CREATE DATABASE TEMPLATE)
. "$TOP_SRCDIR/tests/pg/map.sh"
ON_PG=1
CASEKIT_REAL=$CASEKIT
CASEKIT=$TOP_SRCDIR/tests/pg/casekit-on-pg
PGMAP_REG=$T/pg-stores
: >"$PGMAP_REG"
export CASEKIT CASEKIT_REAL PGMAP_REG CASEKIT_TEST_PG
if [ -z "$PGMAP_PSQL" ] || ! pgmap_admin -c 'select 1' >/dev/null 2>"$T/pg.err"; then
	echo "Bail out! CASEKIT_TEST_PG='$CASEKIT_TEST_PG' does not answer: $(cat "$T/pg.err")"
	exit 1
fi

# pgmap_unmap FILE...: the URIs casekit-on-pg made, turned back into the paths the test gave
pgmap_unmap() {
	local pre=${CASEKIT_TEST_PG%%\?*}
	[ -s "$PGMAP_REG.alias" ] || return 0
	PGMAP_PRE=${pre%/*} PGMAP_Q=${CASEKIT_TEST_PG#"$pre"} PGMAP_ALIAS=$PGMAP_REG.alias \
		perl -i -pe 'BEGIN { open my $a, "<", $ENV{PGMAP_ALIAS} or die;
			while (<$a>) { chomp; my ($n, $t) = split /\t/, $_, 2; $m{$n} = $t } }
			s{\Q$ENV{PGMAP_PRE}\E/(ck_[0-9a-f]{24})\Q$ENV{PGMAP_Q}\E}
			 {exists $m{$1} ? $m{$1} : $&}ge' "$@"
}

# The identity columns' sequences after rows were put in with their ids, as SQLite's
# INTEGER PRIMARY KEY goes on from the largest.
PGMAP_RESEQ="DO \$\$DECLARE r record; m bigint; BEGIN
FOR r IN SELECT c.relname AS t, a.attname AS col FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE a.attidentity <> '' AND n.nspname = current_schema() LOOP
  EXECUTE format('SELECT max(%I) FROM %I', r.col, r.t) INTO m;
  IF m IS NOT NULL THEN
    PERFORM setval(pg_get_serial_sequence(quote_ident(r.t), r.col), m);
  END IF;
END LOOP; END\$\$;"

# sqlite_master: the tables, indexes, views and triggers of the store's schema
PGMAP_MASTER="(SELECT CASE c.relkind WHEN 'i' THEN 'index' WHEN 'v' THEN 'view'
  ELSE 'table' END AS type, c.relname AS name, c.relname AS tbl_name FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
  AND c.relkind IN ('r', 'p', 'i', 'v') UNION ALL SELECT 'trigger', t.tgname,
  t.tgrelid::regclass::text FROM pg_trigger t WHERE NOT t.tgisinternal) AS sqlite_master"
export PGMAP_MASTER

sqlite3() {
	local opts=() csv= header= db uri rc=0 sqlf=$T/pg-sql.$$
	while [ $# -gt 0 ]; do
		case $1 in
		-csv) csv=1 ;;
		-header) header=1 ;;
		-batch | -bail) ;;
		-*) break ;;
		*) break ;;
		esac
		opts+=("$1"); shift
	done
	db=${1:-}
	if [ $# -eq 0 ] || ! pgmap_is_store "$db"; then
		command sqlite3 "${opts[@]}" "$@"
		return
	fi
	shift
	if [ $# -gt 0 ]; then printf '%s;\n' "$@" >"$sqlf"; else cat >"$sqlf"; fi
	if grep -q '^[[:space:]]*\.' "$sqlf"; then
		echo "sqlite3 (on PostgreSQL): dot-commands have no counterpart here" >&2
		return 1
	fi
	# SQLite's catalogue and schema version, and its DROP TRIGGER that names no table
	perl -0777 -i -pe 's{\bpragma\s+user_version\b}{SELECT value::int FROM meta WHERE key = '"'"'user_version'"'"'}gi;
		s{\bsqlite_master\b}{$ENV{PGMAP_MASTER}}gi' "$sqlf"
	perl -i -pe 's{\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?(\w+)\s*(?=;|$)}{DO \$\$DECLARE t regclass; BEGIN SELECT tgrelid INTO t FROM pg_trigger WHERE tgname = '"'"'$1'"'"'; IF t IS NOT NULL THEN EXECUTE format('"'"'DROP TRIGGER $1 ON %s'"'"', t); END IF; END\$\$}gi' "$sqlf"
	pgmap_create "$db" || return 1
	uri=$(pgmap_uri "$db")
	opts=(-X -q -A -v ON_ERROR_STOP=1)
	[ -n "$csv" ] && opts+=(--csv)
	[ -n "$header" ] || opts+=(-t)
	"$PGMAP_PSQL" "${opts[@]}" -d "$uri" -f "$sqlf" ||
		rc=$?
	[ $rc = 0 ] && grep -qiE '\b(insert|update)\b' "$sqlf" &&
		{ "$PGMAP_PSQL" -X -q -v ON_ERROR_STOP=1 -d "$uri" -c "$PGMAP_RESEQ" >/dev/null || rc=1; }
	command rm -f "$sqlf"
	return $rc
}

rm() {
	local a abs p db
	for a; do
		case $a in -*) continue ;; esac
		abs=$(pgmap_abs "$a")
		while IFS=$'\t' read -r p db; do
			case $p in "$abs" | "$abs"/*) pgmap_drop "$p" ;; esac
		done <"$PGMAP_REG"
	done
	command rm "$@"
}

cp() {
	if [ $# = 2 ] && pgmap_known "$1" && pgmap_is_store "$2"; then
		pgmap_create "$2" "$1"
	else
		command cp "$@"
	fi
}
