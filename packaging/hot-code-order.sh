#!/bin/bash
# Prints the agents' hot functions, most sampled first, for the linker's --symbol-ordering-file
# (packaging/hot-code.order, used by `make static`).
#
# Why: the kernel maps an executable's code 64 KB at a time around each page first touched, so an
# agent's resident code is set by how scattered its busy functions are: the recorder's 1.1 MB of
# sampled code lay in 73 windows, 4.7 MB. Linked next to each other they fill a few windows.
#
# Usage, with the simulated data centre running (`vigil-bench --only footprint
# --footprint-minutes 5` in another shell):
#   for a in collector evaluator alerter recorder; do
#     perf record -F 2999 -o /tmp/$a.data -p "$(pgrep -f "footprint/$a.yaml")" -- sleep 100 &
#   done; wait
#   packaging/hot-code-order.sh /tmp/*.data > packaging/hot-code.order
#
# A stale list costs nothing but the gain: functions it no longer names are skipped.
set -euo pipefail
for data in "$@"; do
    perf script -i "$data" -F ip,sym,dso --no-demangle 2>/dev/null |
        awk '$NF ~ /vigil-[a-z]+\)$/ && $2 != "[unknown]" { print $2 }'
done | sort | uniq -c | sort -rn | awk '{ print $2 }'
