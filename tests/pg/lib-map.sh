# lib-map.sh - the CLI suite on PostgreSQL (bash): sourced by tests/cli/lib.sh when
# $CASEKIT_TEST_PG names a server (make check-pg). casekit runs through tests/pg/casekit-on-pg, and the shell
# commands a test uses on its store files follow the same mapping (tests/pg/map.sh):
#   sqlite3 PATH [SQL...]   tests/pg/sqlite3-on-pg, first on $PATH (sh -c finds it too)
#   rm PATH...              also drops the databases of PATH and under it
#   cp STORE NEW            copies the database (CREATE DATABASE TEMPLATE)
. "$TOP_SRCDIR/tests/pg/map.sh"
ON_PG=1
CASEKIT_REAL=$CASEKIT
CASEKIT=$TOP_SRCDIR/tests/pg/casekit-on-pg
PGMAP_REG=$T/pg-stores
: >"$PGMAP_REG"
PGMAP_SQLITE3=$(command -v sqlite3 || true)
mkdir "$T/pgbin" && ln -s "$TOP_SRCDIR/tests/pg/sqlite3-on-pg" "$T/pgbin/sqlite3"
PATH=$T/pgbin:$PATH
export CASEKIT CASEKIT_REAL PGMAP_REG CASEKIT_TEST_PG PGMAP_SQLITE3 PATH
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
