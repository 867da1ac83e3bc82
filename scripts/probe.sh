#!/usr/bin/env bash
# Replays the output and input probes against a built poolbench and prints
# one line per case, PASS or FAIL, then the total. Not part of CI: run it by
# hand after `swift build`.
#
#   scripts/probe.sh [path/to/poolbench]     (default: .build/debug/poolbench)
#
# Everything happens in a temporary directory, removed at the end.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pb=$(cd "$root" && realpath "${1:-.build/debug/poolbench}")
[[ -x $pb ]] || { echo "no poolbench at $pb; build it first (swift build)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/poolbench-probe.XXXXXX")
cleanup() {
    [[ -n ${listener:-} ]] && kill "$listener" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 2
export POOLBENCH_DB="$work/h.sqlite"
passed=0 failed=0

check() { # name, then a command whose success means PASS
    local name=$1
    shift
    if ( "$@" ) >"$work/.out" 2>&1; then
        printf 'PASS  %s\n' "$name"
        passed=$((passed + 1))
    else
        printf 'FAIL  %s\n' "$name"
        sed 's/^/      /' "$work/.out" | head -5
        failed=$((failed + 1))
    fi
}

quick=(--tasks 2 --repeat 1 --warmup 0 --workers 1,2)
"$pb" run sleep --duration 1ms "${quick[@]}" --label base >/dev/null 2>&1
esc=$'\e]0;pwned\a\e[2J\u202eevil'
"$pb" run command "${quick[@]}" --label "$esc" -- true "$esc" >/dev/null 2>&1
"$pb" run command "${quick[@]}" --label fails -- sh -c 'printf "\033]0;pwned\007 boom\n" >&2; exit 3' >/dev/null 2>&1
"$pb" run sleep --duration 1ms "${quick[@]}" --label '[x](javascript:alert(1))' >/dev/null 2>&1
"$pb" run sleep --duration 1ms "${quick[@]}" --label '![](http://example.com/i.png)' >/dev/null 2>&1

no_raw_controls() { # command…: its stdout and stderr hold no ESC, BEL or U+202E
    "$@" 2>&1 | LC_ALL=C grep -q $'\e\|\a\|\xe2\x80\xae' && return 1
    return 0
}
runs() { "$pb" export --raw | tail -n +2 | wc -l; }

# Storage: a copy of the main file alone is the whole history.
check "the main file alone holds every run after run" bash -c '
    cp "$POOLBENCH_DB" copy.sqlite && test "$("$0" export --db copy.sqlite --raw | tail -n +2 | wc -l)" -eq 10' "$pb"

# export --output
check "export --output /dev/null keeps the device" bash -c '
    "$0" export --output /dev/null && test -c /dev/null' "$pb"
check "export --output a FIFO streams into it" bash -c '
    mkfifo fifo && { cat fifo > got & } && "$0" export --output fifo && wait && test -p fifo && grep -q runUuid got' "$pb"
check "export through a symlink replaces its target" bash -c '
    echo old > target.csv && ln -s target.csv link.csv && "$0" export --output link.csv && test -L link.csv && grep -q runUuid target.csv' "$pb"
for suffix in "" -wal -shm -journal; do
    check "export --output h.sqlite$suffix is refused and loses nothing" bash -c '
        before=$("$0" export --raw | wc -l)
        "$0" export --output "h.sqlite$1" 2>err; status=$?
        test $status -eq 1 && grep -q "is the history being exported" err && test "$("$0" export --raw | wc -l)" -eq "$before" \
            && { [[ $1 != -journal ]] || ! test -e h.sqlite-journal; }' "$pb" "$suffix"
done
check "export removes a stale temporary file of a dead export" bash -c '
    true & dead=$!; wait $dead
    touch -d "2 hours ago" ".out.csv.poolbench-$dead-deadbeef.tmp"
    "$0" export --output out.csv && ! test -e ".out.csv.poolbench-$dead-deadbeef.tmp"' "$pb"

# URLs
for url in http://127.0.0.1:65536/ http://127.0.0.1:0/ 'http://127.0.0.1/a b' ftp://127.0.0.1/ http:///x 'http://:80/'; do
    check "run http --url '$url' is a usage error before the sweep" bash -c '
        before=$("$0" history --format json | grep -c "\"id\"")
        "$0" run http --url "$1" --tasks 1 --workers 1 2>err; status=$?
        test $status -eq 64 && test "$(wc -l < err)" -eq 1 && test "$("$0" history --format json | grep -c "\"id\"")" -eq "$before"' "$pb" "$url"
done
check "run http --urls-file with port 65536 is a usage error" bash -c '
    echo http://127.0.0.1:65536/ > urls.txt; "$0" run http --urls-file urls.txt --tasks 1 --workers 1 2>/dev/null; test $? -eq 64' "$pb"

# Writing the output
for command in "best --format json" "history" "history --format json" "trend" "export" "--help"; do
    check "$command > /dev/full fails with exit 1" bash -c '"$0" $1 > /dev/full 2>err; test $? -eq 1 && grep -q "No space left" err' "$pb" "$command"
done
check "history >&- fails with exit 1" bash -c '"$0" history >&- 2>/dev/null; test $? -eq 1' "$pb"
check "history --bogus 2>&- exits 64, no crash" bash -c '"$0" history --bogus 2>&-; test $? -eq 64' "$pb"
check "history 2>&- exits 0" bash -c '"$0" history >/dev/null 2>&-' "$pb"
check "export | head -1 ends quietly" bash -c 'test -z "$("$0" export 2>&1 >/dev/null | head -1)"; "$0" export 2>err | head -1 >/dev/null; test ! -s err' "$pb"

# Terminal and Markdown escapes
for command in history "history --sweep 2" "history --sweep 3" best "best --format markdown" trend "trend --format markdown"; do
    check "$command shows no raw control character" no_raw_controls "$pb" $command
done
check "compare shows no raw control character" no_raw_controls "$pb" compare "${esc}" base
check "run shows a child's stderr as escapes" no_raw_controls "$pb" run command "${quick[@]}" -- sh -c 'printf "\033[2J\n" >&2; exit 1'
check "history --format json keeps the label exactly" bash -c '"$0" history --format json | grep -q "u001b\\]0;pwned"' "$pb"
check "compare --format markdown shows links and images as text" bash -c '
    out=$("$0" compare "[x](javascript:alert(1))" "![](http://example.com/i.png)" --format markdown) &&
        ! grep -q "](javascript:" <<<"$out" && ! grep -q "!\[\](" <<<"$out"' "$pb"

# Leftovers after SIGKILL
check "a command child dies with a poolbench killed by SIGKILL" bash -c '
    "$0" run command --tasks 1 --repeat 1 --warmup 0 --workers 1 -- sh -c "echo \$\$ > child.pid; exec sleep 60" >/dev/null 2>&1 &
    parent=$!
    for _ in $(seq 100); do [[ -s child.pid ]] && break; sleep 0.05; done
    child=$(cat child.pid); kill -9 $parent; wait $parent 2>/dev/null
    for _ in $(seq 100); do
        state=$(awk "{print \$3}" /proc/$child/stat 2>/dev/null) || exit 0
        [[ $state == Z ]] && exit 0; sleep 0.05
    done
    kill -9 $child; exit 1' "$pb"

# https to a silent endpoint honours --timeout
if command -v python3 >/dev/null; then
    python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True)
kept = []
while True:
    kept.append(s.accept()[0])' > port.txt &
    listener=$!
    for _ in $(seq 50); do [[ -s port.txt ]] && break; sleep 0.05; done
    check "run http https://silent --timeout 1s ends within 10 s" bash -c '
        start=$(date +%s); "$0" run http --url "https://127.0.0.1:$(cat port.txt)/" --timeout 1s --tasks 2 --repeat 1 --warmup 0 --workers 1 >/dev/null 2>&1
        test $(( $(date +%s) - start )) -lt 10' "$pb"
fi

# Serve's queue, long cells, Unicode forms, negative durations and leap
# seconds: each in a history of its own, so no count above depends on them.
if command -v curl >/dev/null; then
    check "serve drops requests whose clients gave up: the next waits ~1 latency, not 11" bash -c '
        "$0" serve --latency 1s --capacity 1 > serve.txt 2>/dev/null &
        server=$!
        trap "kill $server 2>/dev/null" EXIT
        for _ in $(seq 100); do [[ -s serve.txt ]] && break; sleep 0.05; done
        url=$(head -1 serve.txt)
        clients=()
        for _ in $(seq 10); do curl -s -m 0.2 -o /dev/null "$url" & clients+=($!); done
        wait "${clients[@]}"
        sleep 0.3
        seconds=$(curl -s -o /dev/null -w "%{time_total}" "$url")
        echo "the next client waited $seconds s"
        awk -v s="$seconds" "BEGIN { exit !(s < 5) }"' "$pb"
fi
long=$(printf '0123456789%.0s' $(seq 12000))
"$pb" run sleep --duration 1ms "${quick[@]}" --db misc.sqlite --label "$long" >/dev/null 2>&1
"$pb" run sleep --duration 1ms "${quick[@]}" --db misc.sqlite --label short >/dev/null 2>&1
check "a 120 KB label pads no row of history (every line under 1000 bytes)" bash -c '
    test "$("$0" history --db misc.sqlite | LC_ALL=C awk "{ if (length > max) max = length } END { print max }")" -lt 1000' "$pb"
check "history --format json and export keep the 120 KB label whole" bash -c '
    "$0" history --db misc.sqlite --format json | grep -q "$1" && "$0" export --db misc.sqlite | grep -q "$1"' "$pb" "$long"
nfd=$'cafe\xcc\x81' nfc=$'caf\xc3\xa9'
"$pb" run sleep --duration 1ms "${quick[@]}" --db unicode.sqlite --label "$nfd" --testbed "lab-$nfd" >/dev/null 2>&1
"$pb" run sleep --duration 1ms "${quick[@]}" --db unicode.sqlite --label other >/dev/null 2>&1
for spec in "history --label:" "best --label:" "export --label:" "history --testbed:lab-" "best --testbed:lab-"; do
    check "${spec%%:*} ${spec#*:}café (NFC) finds the sweep labelled in NFD" bash -c '
        out=$("$0" $1 "$2$3" --db unicode.sqlite) && ! grep -q "No sweeps match" <<<"$out" && test "$(wc -l <<<"$out")" -ge 2' \
        "$pb" "${spec%%:*}" "${spec#*:}" "$nfc"
done
check "compare café (NFC) other compares the sweep labelled in NFD" "$pb" compare --db unicode.sqlite "$nfc" other
for arguments in "--latency -1s" "--latency=-1s"; do
    check "serve $arguments says the latency is negative, exit 64" bash -c '
        "$0" serve $1 2>err; test $? -eq 64 && grep -q "is negative" err && test "$(wc -l < err)" -eq 1' "$pb" "$arguments"
done
for flag in --since --until; do
    check "history $flag …T23:59:60 (a leap second) is accepted" "$pb" history --db misc.sqlite $flag 2016-12-31T23:59:60
    check "history $flag …T12:59:60 is refused as not a time" bash -c '
        "$0" history --db misc.sqlite $1 2026-11-21T12:59:60 2>err; test $? -eq 64 && grep -q "is not a time" err' "$pb" "$flag"
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
