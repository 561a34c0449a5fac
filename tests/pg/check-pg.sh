#!/usr/bin/env bash
# check-pg.sh - run a command (make check) with every CLI test's store on PostgreSQL
#   check-pg.sh COMMAND...
# Starts one throwaway cluster (tests/pg/cluster.sh) in a temporary folder, unless
# $CASEKIT_TEST_PG already names a server, runs COMMAND with $CASEKIT_TEST_PG set to it
# (tests/cli/lib.sh then maps each store path to a database of its own), and stops it again.
# $CASEKIT_TEST_PG_PORT picks the port (default 56250; the socket is in the folder).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${CASEKIT_TEST_PG:-}" ]; then
	exec "$@"
fi
if ! "$here/cluster.sh" bindir >/dev/null 2>&1 || ! command -v psql >/dev/null; then
	echo "check-pg: no PostgreSQL server here (apt-get install postgresql)" >&2
	exit 69
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/casekit-check-pg.XXXXXX")
# the server runs as postgres when we are root: it must reach its folder
chmod 755 "$dir"
trap '"$here/cluster.sh" stop "$dir/pg"; rm -rf "$dir"' EXIT
port=${CASEKIT_TEST_PG_PORT:-56250}
uri=$("$here/cluster.sh" start "$dir/pg" "$port") || exit 1
# the administration database: each test makes its stores' databases from there
CASEKIT_TEST_PG=${uri/\/\/\/casekit\?/\/\/\/postgres?}
export CASEKIT_TEST_PG
echo "check-pg: the stores live on $CASEKIT_TEST_PG" >&2
"$@"
