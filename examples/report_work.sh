#!/bin/sh
# Runs ITEMS items of 50 ms, WORKERS at a time (xargs -P), and reports the
# measurement to poolbench itself on POOLBENCH_REPORT_FD:
#
#     poolbench run --job 'sh examples/report_work.sh {workers} 16' --workers 1,2,4,8
workers=$1 items=$2
now() { date +%s.%N; }
start=$(now)
# Each item prints its own latency in seconds.
latencies=$(seq "$items" | xargs -P "$workers" -n 1 sh -c \
    's=$(date +%s.%N); sleep 0.05; awk -v s="$s" -v e="$(date +%s.%N)" "BEGIN { printf \"%.6f\n\", e - s }"' item)
seconds=$(awk -v s="$start" -v e="$(now)" 'BEGIN { printf "%.6f", e - s }')
if [ -n "$POOLBENCH_REPORT_FD" ]; then
    printf '{"seconds": %s, "items": %s, "failed": 0, "latencies": [%s]}\n' \
        "$seconds" "$items" "$(echo "$latencies" | paste -sd, -)" >&"$POOLBENCH_REPORT_FD"
fi
