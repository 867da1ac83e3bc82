#!/usr/bin/env python3
"""Python's ThreadPoolExecutor fetching with urllib.request, the seeds' way
of downloading in parallel, beside poolbench's http workload.

    python3 Benchmarks/python_http.py --url http://127.0.0.1:PORT/ --tasks 5000 --workers 32

After --warmup unrecorded runs (default 1), prints one JSON object for the
measured run: {"tasks": …, "workers": …, "wallSeconds": …, "errors": …},
the wall time running from creating the pool to the last body read.
"""

import argparse
import json
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return len(response.read())


def run(url, tasks, workers):
    """Seconds from creating the pool to the last body, and failures."""
    errors = 0
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fetch, url) for _ in range(tasks)]
        for future in futures:
            try:
                future.result()
            except Exception:
                errors += 1
    return time.perf_counter() - start, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded runs before the measured one")
    args = parser.parse_args()

    for _ in range(args.warmup):
        run(args.url, args.tasks, args.workers)
    wall, errors = run(args.url, args.tasks, args.workers)
    print(json.dumps({"tasks": args.tasks, "workers": args.workers, "wallSeconds": wall, "errors": errors}))


if __name__ == "__main__":
    main()
