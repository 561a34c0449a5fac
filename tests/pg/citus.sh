#!/usr/bin/env bash
# citus.sh - a throwaway Citus cluster on this machine: a coordinator and two workers, three
# PostgreSQL clusters (tests/pg/cluster.sh) on unix sockets, for tests and benchmarks
#   citus.sh start DIR PORT   the coordinator in DIR/coord on PORT, the workers in DIR/w1 and
#                             DIR/w2 on PORT+1 and PORT+2, each with the citus extension;
#                             register them all on the coordinator; print its libpq URI
#   citus.sh stop DIR         stop all three (the folder is left to the caller)
#   citus.sh available        exit 0 if a PostgreSQL server with Citus is installed, else 1
# DIR's parents must be traversable by the postgres user when run as root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

available() {
	local bin lib
	bin=$("$here/cluster.sh" bindir 2>/dev/null) || return 1
	lib=$("$bin/pg_config" --pkglibdir 2>/dev/null) || lib=$(dirname "$bin")/lib
	[ -f "$lib/citus.so" ]
}

# Run SQL on the coordinator as the clusters' owner (the socket's trust auth).
coord_sql() {
	local dir=$1 port=$2 sql=$3 bin user
	bin=$("$here/cluster.sh" bindir)
	user=$(id -un)
	[ "$(id -u)" -eq 0 ] && user=postgres
	"$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$user" -d casekit \
		-c "$sql" >/dev/null
}

start() {
	local dir=$1 port=$2 uri n
	available || {
		echo "citus.sh: no PostgreSQL server with Citus here (see quickstart citus)" >&2
		exit 69
	}
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	# A failure half-way stops what was started.
	trap 'stop "$dir"' ERR
	uri=$("$here/cluster.sh" start "$dir/coord" "$port" citus)
	for n in 1 2; do
		"$here/cluster.sh" start "$dir/w$n" $((port + n)) citus >/dev/null
	done
	# Nodes are named by their socket folder, which libpq takes for a host.
	coord_sql "$dir/coord" "$port" "select citus_set_coordinator_host('$dir/coord', $port)"
	for n in 1 2; do
		coord_sql "$dir/coord" "$port" \
			"select citus_add_node('$dir/w$n', $((port + n)))"
	done
	trap - ERR
	echo "$uri"
}

stop() {
	local dir=$1 n
	for n in coord w1 w2; do
		"$here/cluster.sh" stop "$dir/$n"
	done
}

case "${1:-}" in
start) start "$2" "$3" ;;
stop) stop "$2" ;;
available) available ;;
*) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
