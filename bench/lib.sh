# lib.sh - what the benches share: arguments, a private folder, synth stores, a PostgreSQL cluster
#
# Source it, then call `bench_args DEFAULT_SEEDS "$@"` and `bench_store SEED` for each seed (the
# accuracy benches), or `bench_pg PORT` (the PostgreSQL ones).

# bench_args DEFAULT_SEEDS [SELLERS [SEEDS...]]: set CK (a private copy of the binary, so a
# rebuild while the bench runs does not pull it away), SELLERS, SEEDS and D, a temporary
# folder removed at exit; CASEKIT_DATADIR defaults to the source tree's share/.
bench_args() {
	local defseeds=$1
	shift
	SELLERS=${1:-20000}
	shift || true
	SEEDS=${*:-$defseeds}
	export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
	D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-acc.XXXXXX")
	export XDG_DATA_HOME="$D" # the stores' payment key files, removed with the rest
	trap 'rm -rf "$D"' EXIT
	cp "${CASEKIT:-$PWD/_build/casekit}" "$D/casekit.bin" # not $D/casekit: the key folder
	CK=$D/casekit.bin
}

# bench_median: the median of the numbers on stdin, one a line (the lower of the middle two)
bench_median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# bench_store SEED: a synth dump of SELLERS sellers in $D/sSEED, loaded into $D/sSEED.db.
bench_store() {
	"$CK" synth -q -o "$D/s$1" --sellers "$SELLERS" -s "$1"
	"$CK" init -q "$D/s$1.db"
	"$CK" ingest -q -d "$D/s$1.db" --country CN "$D/s$1"
}

# bench_pg PORT: what the PostgreSQL benches share. W, a private folder removed at exit, with
# a throwaway cluster in it (tests/pg/cluster.sh, on PORT) whose libpq URI is $URI; CK, a
# private copy of $CASEKIT; psql_, psql on $URI that stops at the first error.
bench_pg() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	PGC=$here/../tests/pg/cluster.sh
	W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-pgbench.XXXXXX")
	chmod 755 "$W" # the server runs as postgres when we are root
	export XDG_DATA_HOME="$W" CASEKIT_DATADIR=${CASEKIT_DATADIR:-$here/../share}
	URI=$("$PGC" start "$W/pg" "$1")
	trap '"$PGC" stop "$W/pg"; rm -rf "$W"' EXIT
	cp "$CASEKIT" "$W/casekit.bin"
	CK=$W/casekit.bin
}
psql_() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$URI" "$@"; }
