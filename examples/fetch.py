"""Download ITEMS copies of URL with a ThreadPoolExecutor of WORKERS threads.

The kind of script poolbench's job mode tunes:

    poolbench serve --latency 20ms --capacity 8 &        # prints its URL
    poolbench run --job 'python3 examples/fetch.py --workers {workers} --items 64 URL' \
        --items 64 --workers 1,2,4,6,8,12,16,24,32
    poolbench best
"""

import argparse
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url: str) -> int:
    with urllib.request.urlopen(url, timeout=30) as response:
        return len(response.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--items", type=int, default=64)
    parser.add_argument("url")
    args = parser.parse_args()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        sizes = list(pool.map(fetch, [args.url] * args.items))
    print(f"{len(sizes)} downloads, {sum(sizes)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
