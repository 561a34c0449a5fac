# lib.sh - a throwaway PostgreSQL cluster for a CLI test, after tests/cli/lib.sh
#
# pg_start [PORT [citus]]: start a cluster under $T (stopped again at exit) and set $URI to its
# libpq URI, or say why and skip the whole script (a TAP plan of 0, exit 0: the TAP driver
# counts exit 77 as an error) when the machine has no PostgreSQL server. With
# citus, a coordinator on PORT and two workers on the next two ports (tests/pg/citus.sh).
PGC="$TOP_SRCDIR/tests/pg/cluster.sh"
PSQL=$(command -v psql || true)

pg_start() {
	local port=${1:-56000} script=$PGC what="PostgreSQL cluster" step=1 n=0 i
	if [ "${2:-}" = citus ]; then
		script=$TOP_SRCDIR/tests/pg/citus.sh what="Citus cluster" step=3
		if ! "$script" available || [ -z "$PSQL" ]; then
			echo "1..0 # SKIP no PostgreSQL server with Citus here (CITUS_SRC=... ./quickstart citus)"
			exit 0
		fi
	elif ! "$PGC" bindir >/dev/null 2>&1 || [ -z "$PSQL" ]; then
		echo "1..0 # SKIP no PostgreSQL server here (apt-get install postgresql)"
		exit 0
	fi
	# the server runs as postgres when we are root: it must reach its folder
	chmod 755 "$T"
	# ports free here: the sockets live in our own folder, so only the numbers must differ
	while [ $n -lt 10 ]; do
		i=$((n * step)) n=$((n + 1))
		URI=$("$script" start "$T/pg$i" $((port + i)) 2>"$T/pg.err") && break
		URI=
	done
	if [ -z "$URI" ]; then
		echo "Bail out! cannot start a $what: $(cat "$T/pg.err")"
		exit 1
	fi
	PGDIR="$T/pg$i" PGSTOP=$script
	trap '"$PGSTOP" stop "$PGDIR"; rm -rf "$T"' EXIT
}

# sql SQL...: run SQL on the store's database with psql, unaligned, no header
sql() { "$PSQL" -X -qAt -v ON_ERROR_STOP=1 -d "$URI" -c "$*"; }
