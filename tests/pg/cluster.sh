#!/usr/bin/env bash
# cluster.sh - throwaway PostgreSQL clusters for tests and benchmarks, on unix sockets only
#   cluster.sh start DIR PORT [citus]   initdb DIR/data, start it (socket in DIR), create the
#                                       database casekit; print its libpq URI
#   cluster.sh stop DIR                 stop the cluster of DIR (the folder is left to the caller)
#   cluster.sh bindir                   the server's bin folder, or exit 1 when there is none
# As root the server runs as the postgres user (runuser); otherwise as the caller. Auth is
# trust on the socket; nothing listens on TCP.
set -euo pipefail

bindir() {
	local d
	if [ -n "${PGBIN:-}" ]; then
		d=$PGBIN
	else
		d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	fi
	[ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || return 1
	echo "$d"
}

# Run a server command as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

start() {
	local dir=$1 port=$2 citus=${3:-} bin user
	bin=$(bindir) || { echo "cluster.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 69; }
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	user=$(id -un)
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$dir"
		user=postgres
	fi
	as_owner "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$dir'"
		echo "port = $port"
		echo "fsync = off"
		echo "max_connections = 100"
		[ "$citus" = citus ] && echo "shared_preload_libraries = 'citus'"
	} >>"$dir/data/postgresql.conf"
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
		{ cat "$dir/server.log" >&2; exit 1; }
	as_owner "$bin/createdb" -h "$dir" -p "$port" -U "$user" casekit
	[ "$citus" = citus ] && as_owner "$bin/psql" -q -h "$dir" -p "$port" -U "$user" -d casekit \
		-c 'create extension citus' >/dev/null
	echo "postgresql:///casekit?host=$dir&port=$port&user=$user"
}

stop() {
	local dir=$1 bin
	bin=$(bindir) || exit 0
	[ -f "$dir/data/postmaster.pid" ] || exit 0
	as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
start) start "$2" "$3" "${4:-}" ;;
stop) stop "$2" ;;
bindir) bindir ;;
*) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
