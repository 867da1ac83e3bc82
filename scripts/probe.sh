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
        test $status -eq 1 && grep -q "is the history being read" err && test "$("$0" export --raw | wc -l)" -eq "$before" \
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

# A first sweep ends in an answer; sleep without --capacity says how to get one.
check "run sleep --capacity 4 ends in its recommendation" bash -c '
    "$0" run sleep --db first.sqlite --capacity 4 --duration 5ms --workers 1,2,4,8,16 --tasks 40 2>/dev/null | grep -q "^Recommended: 4 workers"' "$pb"
check "run sleep without --capacity suggests one" bash -c '
    "$0" run sleep --db first.sqlite --duration 1ms --workers 1,2,4 --tasks 40 2>/dev/null | grep -q "add \`--capacity 8\`"' "$pb"

# Docs: the README fits on one screen and leads to the reference in docs/
check "README is at most 150 lines, the two set-up commands in its first 40" bash -c '
    test "$(wc -l < "$0/README.md")" -le 150 &&
        head -40 "$0/README.md" | grep -q "^swift run -c release poolbench run sleep --capacity 8 " &&
        head -40 "$0/README.md" | grep -q "^scripts/test "' "$root"
check "README names the test command CI runs" bash -c '
    grep -q "^swift test --no-parallel" "$0/.ci/run" && grep -q "swift test --no-parallel" "$0/README.md"' "$root"
check "every relative link in README.md and docs/ leads to a file" bash -c '
    cd "$0" && for page in README.md docs/*.md; do
        grep -oE "\]\([^)]*\)" "$page" | sed "s/^](//; s/)\$//; s/#.*//" | while read -r target; do
            [[ -z $target || $target == http://* || $target == https://* ]] && continue
            [[ -e $(dirname "$page")/$target ]] || { echo "$page: no $target"; exit 1; }
        done || exit 1
    done' "$root"
check "every command in poolbench --help is named in the README and in docs/commands.md's table" bash -c '
    commands=$("$0" --help | awk "/^SUBCOMMANDS:/ { on = 1; next } on && /^  [a-z]/ { print \$1 }")
    test -n "$commands" && for command in $commands; do
        grep -q "\`$command\`" "$1/README.md" || { echo "README lacks $command"; exit 1; }
        grep -q "^| \`poolbench $command" "$1/docs/commands.md" || { echo "docs/commands.md lacks $command"; exit 1; }
    done' "$pb" "$root"
# Output files and import: the history's own files, long names, bounded and faithful import
for command in export report; do
    for suffix in "" -wal -shm -journal; do
        check "$command --output h.sqlite$suffix is refused and loses nothing" bash -c '
            before=$("$0" export --raw | wc -l)
            "$0" $1 --output "h.sqlite$2" 2>err; status=$?
            test $status -eq 1 && grep -q "is the history being read" err && test "$(wc -l < err)" -eq 1 \
                && test "$("$0" export --raw | wc -l)" -eq "$before"' "$pb" "$command" "$suffix"
    done
    check "$command --output a 255-byte name writes it" bash -c '
        name=$(printf "%0251d" 0).out && "$0" $1 --output "$name" && test -s "$name" && ! ls -a | grep -q "\.tmp$"' "$pb" "$command"
done
check "report --output k.sqlite-wal after a killed sweep is refused and keeps every run" bash -c '
    "$0" run command --db k.sqlite --tasks 1 --repeat 20 --warmup 0 --workers 1,2 -- sh -c "echo >> ticks; sleep 0.02" >/dev/null 2>&1 &
    sweep=$!
    for _ in $(seq 300); do [[ $(wc -l 2>/dev/null < ticks || echo 0) -ge 4 ]] && break; sleep 0.02; done
    kill -9 $sweep; wait $sweep 2>/dev/null
    test -s k.sqlite-wal || exit 1
    mkdir copy && cp k.sqlite k.sqlite-wal copy/
    before=$("$0" export --db copy/k.sqlite --raw | wc -l)
    "$0" report --db k.sqlite --output k.sqlite-wal 2>err; status=$?
    test $status -eq 1 && grep -q "is the history being read" err && test "$before" -ge 4 \
        && test "$("$0" export --db k.sqlite --raw | wc -l)" -eq "$before"' "$pb"
check "import of a header of a million commas is refused in one line, storing nothing" bash -c '
    head -c 1000000 /dev/zero | tr "\0" , > commas.csv
    "$0" import commas.csv --db commas.sqlite 2>err; status=$?
    test $status -eq 1 && grep -q "line 1: a row of more than 1024 fields" err && test "$(wc -l < err)" -eq 1 && ! test -e commas.sqlite' "$pb"
check "import of a label holding a NUL byte is refused with its line, storing nothing" bash -c '
    "$0" export --raw --label base | sed "2s/,base,/,ba\x00se,/" > nul.csv
    "$0" import nul.csv --db nul.sqlite 2>err; status=$?
    test $status -eq 1 && grep -q "nul.csv line 2: column label: the text holds a NUL byte" err \
        && test "$("$0" export --db nul.sqlite --raw | wc -l)" -eq 1' "$pb"
if command -v python3 >/dev/null; then
    check "an export re-saved by Python csv QUOTE_ALL imports to the same export" bash -c '
        "$0" export --output original.csv
        python3 -c "
import csv, sys
rows = list(csv.reader(open(\"original.csv\", newline=\"\", encoding=\"utf-8\")))
csv.writer(open(\"quoted.csv\", \"w\", newline=\"\", encoding=\"utf-8\"), quoting=csv.QUOTE_ALL).writerows(rows)"
        "$0" import quoted.csv --db quoted.sqlite >/dev/null && "$0" export --db quoted.sqlite --output again.csv && cmp original.csv again.csv' "$pb"
fi
# Storage: --db that is no file, a full disk, another program's lock,
# PostgreSQL passwords and keyword strings.
mkfifo db-fifo
ln -s db-loop db-loop
long_name=$(printf 'h%.0s' $(seq 300))
for db in /dev/null db-fifo db-loop "$long_name"; do
    for command in "run sleep --duration 1ms ${quick[*]}" history; do
        check "$command --db ${db:0:20} is one line, exit 1, nothing created" bash -c '
            timeout 10 "$0" $1 --db "$2" 2>err; status=$?
            test $status -eq 1 && test "$(wc -l < err)" -eq 1 \
                && grep -q "is a character device\|is a named pipe\|symbolic link that loops\|too long a name" err \
                && ! test -e /dev/null-journal && ! test -e "$2-journal"' "$pb" "$command" "$db"
    done
done
check "--db 'host=… password=…' is refused without the password and creates no file" bash -c '
    "$0" run sleep --duration 1ms --tasks 2 --repeat 1 --warmup 0 --db "host=127.0.0.1 password=Hunter2SECRET" 2>err; status=$?
    test $status -eq 1 && test "$(wc -l < err)" -eq 1 && grep -q "libpq keyword string" err && ! grep -q Hunter2 err \
        && ! ls | grep -q Hunter2' "$pb"
if command -v python3 >/dev/null; then
    check "a database with its own migration table is not a history, in one line" bash -c '
        python3 -c "import sqlite3; db = sqlite3.connect(\"foreign.db\"); db.execute(\"CREATE TABLE migration (id INTEGER, file TEXT)\"); db.commit()"
        "$0" history --db foreign.db 2>err; status=$?
        test $status -eq 1 && test "$(wc -l < err)" -eq 1 && grep -q "not a poolbench history" err && ! grep -q "no such column" err' "$pb"
    check "Ctrl-C ends a sweep within 10 s while another program holds the write lock" bash -c '
        "$0" run sleep --duration 1ms --tasks 2 --workers 1,2 --repeat 5000 --warmup 0 --db locked.sqlite >/dev/null 2>sweep.err &
        sweep=$!
        python3 -c "
import os, sqlite3, sys, time
while True:
    try:
        db = sqlite3.connect(\"file:locked.sqlite?mode=rw\", uri=True, timeout=60, isolation_level=None)
        if db.execute(\"SELECT count(*) FROM run\").fetchone()[0] >= 3: break
        db.close()
    except sqlite3.OperationalError: pass
    time.sleep(0.05)
db.execute(\"BEGIN EXCLUSIVE\")
open(\"locked.txt\", \"w\").write(str(db.execute(\"SELECT count(*) FROM run\").fetchone()[0]))
time.sleep(60)" &
        locker=$!
        for _ in $(seq 600); do [[ -s locked.txt ]] && break; sleep 0.05; done
        sleep 1; start=$(date +%s); kill -INT $sweep; wait $sweep; status=$?; took=$(( $(date +%s) - start ))
        kill $locker; wait $locker 2>/dev/null
        test $status -eq 130 && test $took -lt 10 \
            && test "$("$0" export --raw --db locked.sqlite | tail -n +2 | wc -l)" -eq "$(cat locked.txt)"' "$pb"
fi
if [[ $(id -u) == 0 ]] && mkdir small && mount -t tmpfs -o size=2m tmpfs small 2>/dev/null; then
    check "a disk that fills mid-sweep is one line, exit 1, sweep failed, runs kept" bash -c '
        "$0" run sleep --duration 1ms --tasks 2 --workers 1,2 --repeat 5000 --warmup 0 --db small/h.sqlite >/dev/null 2>err; status=$?
        test $status -eq 1 && test "$(wc -l < err)" -eq 1 && grep -q "the disk is full" err \
            && "$0" history --db small/h.sqlite --format json | grep -q "\"status\" : \"failed\"" \
            && test "$("$0" export --raw --db small/h.sqlite | tail -n +2 | wc -l)" -gt 3' "$pb"
    umount small
fi
if command -v pg_config >/dev/null && pg=$("$root/scripts/postgresql-test-server" start 2>/dev/null); then
    eval "$pg"
    socket=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1] + "/socket", safe=""))' "$POOLBENCH_TEST_POSTGRESQL_SERVER")
    for password in 'p%3FS%2FE%25C%40R%3AT' 'p?S%2FE%25C%40R:T'; do
        check "a PostgreSQL password holding ? / % @ : connects ($password)" bash -c '
            "$0" history --db "postgresql://poolbench_symbols:$1@$2/postgres" 2>err; status=$?
            test $status -eq 1 && grep -q "no poolbench history in the PostgreSQL database at postgresql://poolbench_symbols@" err \
                && ! grep -q "S/E\|S%2FE\|connect_timeout" err' "$pb" "$password" "$socket"
    done
    for password in 'p?SECRET' 'SE/CRET' 'SE%zzCRET' 'SE@CRET'; do
        check "a wrong PostgreSQL password $password is never shown" bash -c '
            "$0" history --db "postgresql://poolbench_symbols:$1@$2/postgres" 2>err; status=$?
            test $status -eq 1 && test "$(wc -l < err)" -eq 1 && ! grep -q "CRET" err' "$pb" "$password" "$socket"
    done
    "$root/scripts/postgresql-test-server" stop
fi

# http workload: credentials, headers, bodies and TLS. A loopback server
# (plain, and https with its own CA) writes down what it received; the secret
# must reach it and nothing else: no row, output, export, report or message.
if command -v python3 >/dev/null && command -v openssl >/dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 \
        -subj '/CN=probe CA' 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
        -subj '/CN=127.0.0.1' 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
        -extfile server.ext 2>/dev/null
    python3 "$root/Tests/PoolBenchCLITests/Fixtures/servers/echo_server.py" plain.jsonl > plain.port &
    plain_server=$!
    python3 "$root/Tests/PoolBenchCLITests/Fixtures/servers/echo_server.py" tls.jsonl server.pem server.key > tls.port &
    tls_server=$!
    for _ in $(seq 100); do [[ -s plain.port && -s tls.port ]] && break; sleep 0.05; done
    export SECRET="probe-secret-$$" PLAIN="127.0.0.1:$(cat plain.port)" TLS="127.0.0.1:$(cat tls.port)"
    hq=(--db s.sqlite --tasks 2 --repeat 1 --warmup 0 --workers 1,2)
    printf 'http://filer:%s@%s/listed\n' "$SECRET" "$PLAIN" > urls.txt
    printf 'Cookie: session=%s\nAccept: text/plain\n' "$SECRET" > headers.txt
    printf '{"n": 1}' > body.json

    check "run http sends a URL's user info as Basic auth and shows user:***@" bash -c '
        "$0" run http --url "http://user:$SECRET@$PLAIN/basic" "${@:1}" > s-url.out 2>&1 &&
            grep -q "user:\*\*\*@" s-url.out &&
            grep "\"/basic\"" plain.jsonl | grep -q "Basic $(printf "user:%s" "$SECRET" | base64 -w0)"' "$pb" "${hq[@]}"
    check "a --urls-file URL's user info is sent from worker processes too" bash -c '
        "$0" run http --urls-file urls.txt --executor processes "${@:1}" > s-file.out 2>&1 &&
            grep "\"/listed\"" plain.jsonl | grep -q "Basic $(printf "filer:%s" "$SECRET" | base64 -w0)"' "$pb" "${hq[@]}"
    check "run http sends --header, --header-file, --method and --data @FILE" bash -c '
        "$0" run http --url "http://$PLAIN/h" --header "Authorization: Bearer $SECRET" --header "X-Api-Key: $SECRET" \
            --header-file headers.txt --method patch --data @body.json "${@:1}" > s-headers.out 2>&1 &&
            grep -q "Authorization: \*\*\*" s-headers.out && grep -q "data=8B" s-headers.out &&
            grep "\"/h\"" plain.jsonl | grep "\"PATCH\"" | grep "Bearer $SECRET" | grep "\"X-Api-Key\": \"$SECRET\"" |
            grep "session=$SECRET" | grep -q "\"body\": \"{\\\\\"n\\\\\": 1}\""' "$pb" "${hq[@]}"
    check "a refused connection names the URL as user:***@" bash -c '
        "$0" run http --url "http://user:$SECRET@127.0.0.1:1/" "${@:1}" > s-refused.out 2>&1
        grep -q "GET http://user:\*\*\*@127.0.0.1:1/: connection refused" s-refused.out' "$pb" "${hq[@]}"
    check "a bad port is a usage error naming the URL as user:***@" bash -c '
        "$0" run http --url "http://user:$SECRET@127.0.0.1:99999/" "${@:1}" > s-port.out 2>&1; test $? -eq 64 &&
            grep -q "user:\*\*\*@127.0.0.1:99999" s-port.out' "$pb" "${hq[@]}"
    check "a bad --header is a usage error that does not echo it" bash -c '
        "$0" run http --url "http://$PLAIN/" --header "Bearer $SECRET" "${@:1}" > s-header.out 2>&1; test $? -eq 64 &&
            grep -q "is not '"'"'Name: value'"'"'" s-header.out' "$pb" "${hq[@]}"
    check "a PostgreSQL URL given to a command is stored without its password" bash -c '
        "$0" run command "${@:1}" -- echo "postgresql://qm:$SECRET@127.0.0.1:5/pb" > s-command.out 2>&1 &&
            "$0" export --db s.sqlite | grep -q "command=echo postgresql://qm@127.0.0.1:5/pb"' "$pb" "${hq[@]}"
    check "no row, output, export, report or message holds the secret" bash -c '
        for command in history "history --format json" "history --sweep 3" best "best --format json" trend export \
            "export --format json"; do
            "$0" $command --db s.sqlite > "s-$RANDOM.out" 2>&1
        done
        "$0" report --db s.sqlite --output s.html > s-report.out 2>&1 &&
            python3 -c "import sqlite3; print(\"\\n\".join(sqlite3.connect(\"s.sqlite\").iterdump()))" > s-dump.out &&
            grep -q "INSERT INTO \"run\"" s-dump.out && grep -q "Next:" s-*.out &&
            ! grep -l "$SECRET" s-*.out s.html s.sqlite*' "$pb"
    check "an untrusted certificate is one readable line, without BoringSSL's paths" bash -c '
        "$0" run http --url "https://$TLS/" "${@:1}" --format json > s-untrusted.out 2>&1 &&
            grep -q "the server'"'"'s certificate is not trusted: pass --cacert FILE" s-untrusted.out &&
            ! grep -q "BoringSSL\|handshake.cc\|\.build" s-untrusted.out' "$pb" "${hq[@]}"
    check "--cacert trusts a private CA" bash -c '
        "$0" run http --url "https://$TLS/" --cacert ca.pem "${@:1}" > out 2>&1 && ! grep -q failed out' "$pb" "${hq[@]}"
    check "SSL_CERT_FILE trusts a private CA" bash -c '
        SSL_CERT_FILE=ca.pem "$0" run http --url "https://$TLS/" "${@:1}" > out 2>&1 && ! grep -q failed out' "$pb" "${hq[@]}"
    check "--insecure skips verification with a one-line warning" bash -c '
        "$0" run http --url "https://$TLS/" --insecure "${@:1}" > out 2>err && ! grep -q failed out &&
            test "$(wc -l < err)" -eq 1 && grep -q "^Warning: --insecure" err' "$pb" "${hq[@]}"
    kill "$plain_server" "$tls_server" 2>/dev/null
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
# Errors in the answer: failures counted by kind, the error onset in best,
# and a killed sweep shown abandoned by a read-only command.
check "a failing command's tasks are counted by exit status" bash -c '
    "$0" run command --db errors.sqlite --tasks 4 --repeat 1 --warmup 0 --workers 1 -- sh -c "exit 3" >/dev/null 2>&1
    "$0" export --db errors.sqlite --raw | tail -n 1 | grep -q "exit 3"' "$pb"
if command -v python3 >/dev/null; then
    python3 "$root/Tests/PoolBenchCLITests/Fixtures/servers/token_bucket.py" 45 0.1 > bucket-port.txt &  # 4 workers served, 5 refused
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
    check "with --retries the rate-limited API's refused tasks succeed, their re-sends recorded apart" bash -c '
        "$0" run http --db retries.sqlite --url "http://127.0.0.1:$(cat bucket-port.txt)/" --workers 8 --tasks 16 \
            --repeat 1 --warmup 0 --timeout 5s --retries 5 >/dev/null 2>&1
        "$0" export --db retries.sqlite --format json | tail -n 1 | python3 -c "
import json, sys
run = json.load(sys.stdin)
assert run[\"errorCount\"] == 0 and \"retried http 429\" in json.loads(run[\"failures\"]), run"' "$pb"
    kill "$bucket" 2>/dev/null
fi
echo '{"seconds": 0.5, "items": 8}' > report.json
check "a job's line on POOLBENCH_REPORT_FD is its run's measurement" bash -c '
    "$0" run --db report.sqlite --job "sh -c '\''cat report.json >&\$POOLBENCH_REPORT_FD; : {workers}'\''" \
        --workers 1 --repeat 1 --warmup 0 >/dev/null 2>&1
    "$0" export --db report.sqlite --format json | tail -n 1 | grep -q "\"tasks\":8,.*\"wallSeconds\":0.5,"' "$pb"
check "history shows a sweep killed with SIGKILL as abandoned, without writing" bash -c '
    "$0" run sleep --db killed.sqlite --duration 600s --tasks 1 --workers 1 --repeat 1 --warmup 0 >/dev/null 2>&1 &
    sweep=$!
    for _ in $(seq 200); do "$0" history --db killed.sqlite 2>/dev/null | grep -q running && break; sleep 0.05; done
    kill -9 $sweep; wait $sweep 2>/dev/null
    before=$(cat killed.sqlite killed.sqlite-wal | md5sum)
    "$0" history --db killed.sqlite | grep -q abandoned && test "$(cat killed.sqlite killed.sqlite-wal | md5sum)" = "$before"' "$pb"

# Distribution: libpq is loaded when a postgresql:// history is opened, never linked.
check "the binary starts without libpq (the loader lists none)" bash -c '
    needed=$(LD_TRACE_LOADED_OBJECTS=1 "$0") && grep -q libc.so <<<"$needed" && ! grep -q libpq <<<"$needed"' "$pb"
check "history --db postgresql://… with no server there is one line on stderr, exit 1" bash -c '
    "$0" history --db postgresql://u@127.0.0.1:1/x 2>err; test $? -eq 1 && test "$(wc -l < err)" -eq 1' "$pb"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
