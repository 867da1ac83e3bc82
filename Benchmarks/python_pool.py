#!/usr/bin/env python3
"""Python's concurrent.futures.ThreadPoolExecutor on poolbench's executor
benchmarks, so the Swift executors are compared with what people use today.

    python3 Benchmarks/python_pool.py --tasks 1000 --workers 100 --duration 0.01
    python3 Benchmarks/python_pool.py --tasks 100000 --workers 100 --duration 0

A duration of 0 submits empty tasks. After --warmup unrecorded runs (default
1), prints one JSON object for the measured run: {"tasks": …, "workers": …,
"duration": …, "wallSeconds": …}, where the wall time runs from creating the
pool to the last result, as poolbench's does.
"""

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor


def empty_task():
    pass


def run(tasks, workers, duration):
    """Seconds from creating the pool to the last result."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        if duration > 0:
            futures = [pool.submit(time.sleep, duration) for _ in range(tasks)]
        else:
            futures = [pool.submit(empty_task) for _ in range(tasks)]
        for future in futures:
            future.result()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True, help="seconds each task sleeps; 0 for empty tasks")
    parser.add_argument("--warmup", type=int, default=1, help="unrecorded runs before the measured one")
    args = parser.parse_args()

    for _ in range(args.warmup):
        run(args.tasks, args.workers, args.duration)
    wall = run(args.tasks, args.workers, args.duration)

    print(json.dumps({"tasks": args.tasks, "workers": args.workers, "duration": args.duration, "wallSeconds": wall}))


if __name__ == "__main__":
    main()
