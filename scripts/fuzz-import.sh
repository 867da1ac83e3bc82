#!/usr/bin/env bash
# Coverage-guided fuzzing of import's CSV reader and row decoder with
# libFuzzer. Not part of `swift build` or `swift test`: run it by hand.
#
#   scripts/fuzz-import.sh [seconds] [extra libFuzzer flags…]
#
# It compiles the reader and decoder sources with fuzz/ImportFuzzer.swift into
# one binary, runs it on fuzz/corpus/import for the given time (default 60 s)
# and keeps new interesting inputs in a scratch corpus, which it then merges
# back into the repository's corpus only when asked (FUZZ_MERGE=1; trim it to
# a few dozen files before committing). A crash or hang leaves crash-* or
# timeout-* in the current directory: copy it into fuzz/corpus/import, where
# FuzzCorpusTests replays it on every `swift test`, and fix it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
work=$(mktemp -d "${TMPDIR:-/tmp}/poolbench-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The two enums the decoder checks values against live in files that bring
# in GRDB and the executors; their cases are copied from the sources here,
# so the fuzzer always checks what the library accepts.
cases() { # enum name, file
    awk -v name="$1" '
        $0 ~ "enum " name "[:]" { inside = 1; next }
        inside && /^}/ { exit }
        inside && /^    case [a-z, ]+$/ { sub(/^    case /, ""); printf "%s%s", sep, $0; sep = ", " }
    ' "$2"
}
cat > "$work/Stand-ins.swift" <<SWIFT
public enum ExecutorKind: String, CaseIterable, Sendable { case $(cases ExecutorKind "$root/Sources/PoolBenchKit/Execution/Executor.swift") }
public enum SweepStatus: String, CaseIterable, Sendable { case $(cases SweepStatus "$root/Sources/PoolBenchKit/Storage/Records.swift") }
SWIFT
# The byte names the reader uses, from beside the formatters that share them.
sed -n '/^extension UInt8 {/,/^}/p' "$root/Sources/PoolBenchKit/Export/ExportFormatters.swift" >> "$work/Stand-ins.swift"

kit="$root/Sources/PoolBenchKit"
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name PoolBenchFuzz \
    "$root/fuzz/ImportFuzzer.swift" "$work/Stand-ins.swift" \
    "$kit/Export/CSVReader.swift" "$kit/Export/ExportRowDecoder.swift" "$kit/Export/ExportColumn.swift" \
    "$kit/Export/ExportRow.swift" "$kit/Export/SpreadsheetSafety.swift" "$kit/Storage/Timestamp.swift" \
    "$kit/PoolBenchError.swift" "$kit/Export/OutputBuffer.swift" \
    -o "$work/fuzz-import"

mkdir -p "$work/corpus"
"$work/fuzz-import" -max_total_time="$seconds" -max_len=4096 -timeout=5 -print_final_stats=1 -dict="$root/fuzz/import.dict" \
    "$@" "$work/corpus" "$root/fuzz/corpus/import"
if [[ ${FUZZ_MERGE:-0} == 1 ]]; then
    "$work/fuzz-import" -merge=1 -max_len=4096 "$root/fuzz/corpus/import" "$work/corpus"
fi
