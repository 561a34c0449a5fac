# lib.sh - a throwaway PostgreSQL cluster for a CLI test, after tests/cli/lib.sh
#
# pg_start [PORT]: start a cluster under $T (stopped again at exit) and set $URI to its libpq
# URI, or say why and exit 77 (SKIP) when the machine has no PostgreSQL server.
PGC="$TOP_SRCDIR/tests/pg/cluster.sh"
PSQL=$(command -v psql || true)

pg_start() {
	local port=${1:-56000} i
	if ! "$PGC" bindir >/dev/null 2>&1 || [ -z "$PSQL" ]; then
		echo "1..0 # SKIP no PostgreSQL server here (apt-get install postgresql)"
		exit 77
	fi
	# the server runs as postgres when we are root: it must reach its folder
	chmod 755 "$T"
	# a port free here: the socket lives in our own folder, so only the number must differ
	for i in 0 1 2 3 4 5 6 7 8 9; do
		URI=$("$PGC" start "$T/pg$i" $((port + i)) 2>"$T/pg.err") && break
		URI=
	done
	if [ -z "$URI" ]; then
		echo "Bail out! cannot start a PostgreSQL cluster: $(cat "$T/pg.err")"
		exit 1
	fi
	PGDIR="$T/pg$i"
	trap '"$PGC" stop "$PGDIR"; rm -rf "$T"' EXIT
}

# sql SQL...: run SQL on the store's database with psql, unaligned, no header
sql() { "$PSQL" -X -qAt -v ON_ERROR_STOP=1 -d "$URI" -c "$*"; }
