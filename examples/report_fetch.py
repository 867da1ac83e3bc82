"""Download ITEMS copies of URL with a ThreadPoolExecutor of WORKERS threads,
and report the measurement to poolbench itself (POOLBENCH_REPORT_FD), so the
interpreter's start-up stays out of it and each download's latency is kept:

    poolbench run --job 'python3 examples/report_fetch.py {workers} 64 URL' --workers 1,2,4,8,16
"""

import json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

def fetch(url):
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return time.perf_counter() - start

workers, items, url = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
latencies, failed = [], 0
start = time.perf_counter()
with ThreadPoolExecutor(max_workers=workers) as pool:
    for future in [pool.submit(fetch, url) for _ in range(items)]:
        try:
            latencies.append(future.result())
        except Exception:
            failed += 1
seconds = time.perf_counter() - start
if "POOLBENCH_REPORT_FD" in os.environ:
    with os.fdopen(int(os.environ["POOLBENCH_REPORT_FD"]), "w") as report:
        report.write(json.dumps({"seconds": seconds, "items": items, "failed": failed, "latencies": latencies}) + "\n")
