#!/usr/bin/env bash
# Remakes the hyperfine scans in this folder: a real `hyperfine
# --export-json` scan of a Python ThreadPoolExecutor job (the project's
# examples/fetch.py) against slot_server.py with 4 slots of 200 ms, and a
# scan whose job fails at some worker counts. Needs hyperfine and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../../.."
coproc SERVER { exec python3 "$here/slot_server.py" 4 0.2; }
trap 'kill "$SERVER_PID"' EXIT
read -r url <&"${SERVER[0]}"
hyperfine --style none -N --runs 5 --warmup 1 -P workers 1 8 \
    "python3 examples/fetch.py --workers {workers} --items 16 $url" --export-json "$here/slots4.json"
hyperfine --style none --runs 2 -i -N -L workers 1,2,3 'sh -c "sleep 0.01; test {workers} -lt 3"' \
    --export-json "$here/fails-at-3.json"
