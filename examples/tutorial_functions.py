"""The threading tutorials' two functions, for `poolbench run python`.

    download(url)        I/O-bound: fetches one URL with urllib (a plain def,
                         for py-threads and py-processes)
    download_async(url)  the same with asyncio streams (for py-asyncio)
    crunch(n)            CPU-bound: a sum of squares in pure Python

See docs/python.md for the comparison they make.
"""

import asyncio
import urllib.parse
import urllib.request


def download(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return len(response.read())


async def download_async(url):
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
    try:
        path = parts.path or "/"
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status = (await reader.readline()).split()
        if len(status) < 2 or status[1] != b"200":
            raise RuntimeError(f"HTTP status {status[1:2]}")
        return len(await reader.read())
    finally:
        writer.close()


def crunch(item):
    return sum(i * i for i in range(300_000))
