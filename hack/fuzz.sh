#!/usr/bin/env bash
# Run every Go fuzz target of the module for $FUZZTIME each (default 30s),
# one target at a time, and print executions per target.
#   FUZZTIME=60s hack/fuzz.sh            # all targets
#   FUZZTIME=10s hack/fuzz.sh FuzzJudge  # targets whose name matches
# Crashers are written to <pkg>/testdata/fuzz/<Target>/ by go test; commit
# them as regression seeds once fixed. `go test ./...` (make test) runs all
# seeds without fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-30s}"
FILTER="${1:-.}"
PARALLEL="${FUZZ_PARALLEL:-2}"
GO="${GO:-go}"
summary=()
status=0
for pkg in $($GO list ./... ); do
	dir=$($GO list -f '{{.Dir}}' "$pkg")
	grep -lq '^func Fuzz' "$dir"/*_test.go 2>/dev/null || continue
	for target in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz' | grep -E "$FILTER" || true); do
		echo "=== $pkg $target ($FUZZTIME)"
		log=$(mktemp)
		if $GO test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -parallel "$PARALLEL" 2>&1 | tee "$log" | grep -v '^fuzz: elapsed' ; then
			res=ok
		else
			res=FAIL
			status=1
		fi
		last=$(grep '^fuzz: elapsed' "$log" | tail -1 || true)
		execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"$last")
		elapsed=$(sed -n 's/^fuzz: elapsed: \([^,]*\),.*/\1/p' <<<"$last")
		summary+=("$(printf '%-6s %-28s %-50s %12s execs in %s' "$res" "$target" "${pkg#github.com/netguard/netguard/}" "${execs:-?}" "${elapsed:-?}")")
		rm -f "$log"
	done
done
echo
echo "fuzz summary (FUZZTIME=$FUZZTIME, -parallel $PARALLEL, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)):"
printf '%s\n' "${summary[@]}"
exit $status
