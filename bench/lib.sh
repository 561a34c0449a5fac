# lib.sh - what the accuracy benches share: arguments, a private folder, synth stores
#
# Source it, then call `bench_args DEFAULT_SEEDS "$@"` and `bench_store SEED` for each seed.

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

# bench_store SEED: a synth dump of SELLERS sellers in $D/sSEED, loaded into $D/sSEED.db.
bench_store() {
	"$CK" synth -q -o "$D/s$1" --sellers "$SELLERS" -s "$1"
	"$CK" init -q "$D/s$1.db"
	"$CK" ingest -q -d "$D/s$1.db" --country CN "$D/s$1"
}
