# map.sh - store paths as PostgreSQL databases, for the CLI suite on a server (make check-pg)
#
# Sourced by tests/pg/casekit-on-pg and by tests/cli/lib.sh when $CASEKIT_TEST_PG holds a
# libpq URI of a server on which the user may CREATE DATABASE (postgresql:///postgres?host=..).
# Each store path a test names (casekit's -d, $CASEKIT_DB, init's operand, ./casekit.db, the
# path given to sqlite3) becomes a database of its own, named after a hash of the absolute
# path, so that the same scripts run unchanged on both engines. $PGMAP_REG lists the
# databases made, one "PATH<TAB>NAME" a line, for rm, cp and the cleanup at exit.

PGMAP_PSQL=${PGMAP_PSQL:-$(command -v psql ||
	{ d=$("$(dirname "${BASH_SOURCE[0]}")/cluster.sh" bindir 2>/dev/null) && echo "$d/psql"; })}

# pgmap_abs PATH: the absolute path, without . and .. (the file need not exist)
pgmap_abs() {
	case $1 in
	/*) realpath -m -- "$1" ;;
	*) realpath -m -- "$PWD/$1" ;;
	esac
}

# pgmap_name PATH: the database name of a store path
pgmap_name() {
	local h
	h=$(printf '%s' "$(pgmap_abs "$1")" | md5sum)
	printf 'ck_%s\n' "${h:0:24}"
}

# pgmap_uri PATH: the libpq URI of a store path's database
pgmap_uri() {
	local pre=${CASEKIT_TEST_PG%%\?*} q
	q=${CASEKIT_TEST_PG#"$pre"}
	printf '%s/%s%s\n' "${pre%/*}" "$(pgmap_name "$1")" "$q"
}

# pgmap_is_store PATH: PATH stands for a database (not a file or folder of its own)
pgmap_is_store() {
	case $1 in
	postgresql://* | postgres://* | '' | -) return 1 ;;
	esac
	[ ! -e "$1" ] && [ ! -L "$1" ]
}

# pgmap_admin ARGS...: psql on the server's administration database
pgmap_admin() {
	PGOPTIONS="-c client_min_messages=warning" "$PGMAP_PSQL" -X -q -v ON_ERROR_STOP=1 \
		-d "$CASEKIT_TEST_PG" "$@"
}

# pgmap_known PATH: the path's database was made in this test
pgmap_known() {
	[ -n "${PGMAP_REG:-}" ] && [ -f "$PGMAP_REG" ] &&
		grep -qF -- "$(printf '%s\t' "$(pgmap_abs "$1")")" "$PGMAP_REG"
}

# pgmap_create PATH [TEMPLATE_PATH]: make the path's database unless it is there
pgmap_create() {
	local db abs tmpl=
	db=$(pgmap_name "$1") abs=$(pgmap_abs "$1")
	[ $# -gt 1 ] && tmpl=" TEMPLATE $(pgmap_name "$2")"
	pgmap_known "$1" && [ -z "$tmpl" ] && return 0
	pgmap_admin -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db$tmpl" >/dev/null ||
		return 1
	printf '%s\t%s\n' "$abs" "$db" >>"$PGMAP_REG"
}

# pgmap_drop PATH: drop the path's database (a store removed with rm)
pgmap_drop() {
	local abs db
	abs=$(pgmap_abs "$1") db=$(pgmap_name "$1")
	pgmap_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
	grep -vF -- "$(printf '%s\t' "$abs")" "$PGMAP_REG" >"$PGMAP_REG.new"
	mv "$PGMAP_REG.new" "$PGMAP_REG"
}

# pgmap_cleanup: drop every database this test made
pgmap_cleanup() {
	local abs db
	[ -f "${PGMAP_REG:-}" ] || return 0
	while IFS=$'\t' read -r abs db; do
		pgmap_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	done <"$PGMAP_REG"
	rm -f "$PGMAP_REG"
}
