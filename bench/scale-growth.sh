#!/bin/bash
# scale-growth.sh - how each step of bench/scale.sh grows with the dump, and what that says of
# a bigger one
#
# usage: bench/scale-growth.sh [-n SELLERS] RUN.txt RUN.txt...
# Each RUN.txt is the output of one `bench/scale.sh N` (any sizes, any order). For each step
# it prints wall and CPU seconds and peak RSS at each size, the growth exponent between the
# two largest sizes (1.00 is linear: k for time ~ sellers^k), and the extrapolation to SELLERS
# (default 12,000,000, about 100M listings) along that power law: in time never below linear
# for the steps that read every row (ingest, screen, link, stats, the .import peer), flat at
# best for the bounded ones (trace, case, export, verify); peak RSS along its own exponent. The last line sums ingest + screen + link,
# the pipeline #15's "under 30 minutes and 2 GB" is about. On a shared machine wall time also measures the neighbours; CPU holds steadier, and
# on 2 cores the pipeline's wall is at least its CPU / 2.
set -euo pipefail
TARGET=12000000
if [ "${1:-}" = -n ]; then TARGET=$2; shift 2; fi
[ $# -ge 2 ] || { echo "usage: bench/scale-growth.sh [-n SELLERS] RUN.txt RUN.txt..." >&2; exit 64; }
awk -v target="$TARGET" '
FNR == 1 { file++ }
$1 == "synth" && $7 == "sellers" { size[file] = $6 }
NF >= 4 && $2 ~ /^[0-9.]+$/ && $3 ~ /^[0-9.]+$/ && $1 != "step" {
	if (!($1 in seen)) { seen[$1] = 1; order[++nsteps] = $1 }
	wall[$1, file] = $2; cpu[$1, file] = $3; rss[$1, file] = $4
}
# the growth exponent; the time of a step that reads every row (whole[]) is taken as at
# least linear, memory as the sizes show it
function grow(s, v1, v2, n1, n2, mem,   k, lo) {
	lo = (s in whole) && !mem ? 1 : 0
	if (v1 <= 0 || v2 <= 0 || n1 == n2) return lo
	k = log(v2 / v1) / log(n2 / n1)
	return k < lo ? lo : k
}
function fit(s, v1, v2, n1, n2, mem) { return v2 * exp(grow(s, v1, v2, n1, n2, mem) * log(target / n2)) }
END {
	split("ingest screen link stats ingest_sl import", w, " ")
	for (i in w) whole[w[i]] = 1
	for (f = 1; f <= file; f++) if (!(f in size)) { print "bench: " ARGV[f] ": no synth line" > "/dev/stderr"; exit 1 }
	# the two largest sizes
	a = b = 0
	for (f = 1; f <= file; f++) if (!b || size[f] > size[b]) b = f
	for (f = 1; f <= file; f++) if (f != b && (!a || size[f] > size[a])) a = f
	printf "%-10s", "step"
	for (f = 1; f <= file; f++) printf " %16s", size[f] " wall/cpu/MB"
	printf " %7s %7s %10s %10s %9s\n", "k_wall", "k_cpu", "wall@" target / 1e6 "M", "cpu@" target / 1e6 "M", "MB@"
	for (i = 1; i <= nsteps; i++) {
		s = order[i]
		if (s == "synth" || s == "init") continue
		printf "%-10s", s
		for (f = 1; f <= file; f++) printf " %16s", wall[s, f] "/" cpu[s, f] "/" int(rss[s, f])
		kw = grow(s, wall[s, a], wall[s, b], size[a], size[b])
		kc = grow(s, cpu[s, a], cpu[s, b], size[a], size[b])
		ew = fit(s, wall[s, a], wall[s, b], size[a], size[b])
		ec = fit(s, cpu[s, a], cpu[s, b], size[a], size[b])
		er = fit(s, rss[s, a], rss[s, b], size[a], size[b], 1)
		if (rss[s, b] <= rss[s, a] * 1.05) er = rss[s, b] # flat memory stays flat
		printf " %7.2f %7.2f %10.0f %10.0f %9.0f\n", kw, kc, ew, ec, er
		if (s == "ingest" || s == "screen" || s == "link") { pw += ew; pc += ec; if (er > pm) pm = er }
	}
	printf "\npipeline (ingest + screen + link) at %d sellers: wall %.0f s (%.1f min), CPU %.0f s (at least %.1f min on 2 cores), peak %.0f MB\n", target, pw, pw / 60, pc, pc / 120, pm
}' "$@"
