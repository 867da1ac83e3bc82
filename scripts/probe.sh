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

# Errors in the answer: failures counted by kind, the error onset in best,
# and a killed sweep shown abandoned by a read-only command.
check "a failing command's tasks are counted by exit status" bash -c '
    "$0" run command --db errors.sqlite --tasks 4 --repeat 1 --warmup 0 --workers 1 -- sh -c "exit 3" >/dev/null 2>&1
    "$0" export --db errors.sqlite --raw | tail -n 1 | grep -q "exit 3"' "$pb"
if command -v python3 >/dev/null; then
    cat > bucket.py <<'PY'
import sys, time, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
rate, hold = 45.0, 0.1  # 4.5 requests in flight: 4 workers are served, 5 are refused
burst = rate * hold     # a bucket as deep as that, so no run is served from its burst alone
lock = threading.Lock(); state = {"tokens": burst, "at": time.monotonic()}
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_GET(self):
        with lock:
            now = time.monotonic()
            state["tokens"] = min(burst, state["tokens"] + (now - state["at"]) * rate); state["at"] = now
            admitted = state["tokens"] >= 1
            if admitted: state["tokens"] -= 1
        if admitted: time.sleep(hold)
        body = b"ok" if admitted else b"slow down"
        self.send_response(200 if admitted else 429)
        if not admitted: self.send_header("Retry-After", "1")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler); server.daemon_threads = True
print(server.server_address[1], flush=True); server.serve_forever()
PY
    python3 bucket.py > bucket-port.txt &
    bucket=$!
    for _ in $(seq 50); do [[ -s bucket-port.txt ]] && break; sleep 0.05; done
    check "best never recommends a count a rate-limited API refuses, and names the onset" bash -c '
        "$0" run http --db bucket.sqlite --url "http://127.0.0.1:$(cat bucket-port.txt)/" --workers 1,2,3,4,6,8 --tasks 40 \
            --repeat 3 --warmup 0 >/dev/null 2>&1
        "$0" best --db bucket.sqlite > best.txt && grep -q "HTTP 429 Too Many Requests" best.txt &&
        "$0" best --db bucket.sqlite --format json | python3 -c "
import json, sys
answer = json.load(sys.stdin)[\"answers\"][0]
assert answer[\"errorOnsetWorkers\"] is not None and answer[\"recommendedWorkers\"] < answer[\"errorOnsetWorkers\"], answer"' "$pb"
    kill "$bucket" 2>/dev/null
fi
check "history shows a sweep killed with SIGKILL as abandoned, without writing" bash -c '
    "$0" run sleep --db killed.sqlite --duration 600s --tasks 1 --workers 1 --repeat 1 --warmup 0 >/dev/null 2>&1 &
    sweep=$!
    for _ in $(seq 200); do "$0" history --db killed.sqlite 2>/dev/null | grep -q running && break; sleep 0.05; done
    kill -9 $sweep; wait $sweep 2>/dev/null
    before=$(cat killed.sqlite killed.sqlite-wal | md5sum)
    "$0" history --db killed.sqlite | grep -q abandoned && test "$(cat killed.sqlite killed.sqlite-wal | md5sum)" = "$before"' "$pb"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
