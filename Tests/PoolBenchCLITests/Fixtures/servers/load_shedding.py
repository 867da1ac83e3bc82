"""A load-shedding API, written apart from poolbench: at most K requests in
service, each held a lognormal time (mean MEAN seconds, coefficient of
variation CV); a request that finds K in service gets 503 at once.

    python3 load_shedding.py K MEAN [CV]      # prints its port
"""

import math
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

k, mean = int(sys.argv[1]), float(sys.argv[2])
cv = float(sys.argv[3]) if len(sys.argv) > 3 else 0.3
sigma = math.sqrt(math.log(1 + cv * cv))
mu = math.log(mean) - sigma * sigma / 2
lock = threading.Lock()
state = {"busy": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The head and the body go out as two writes; with Nagle's algorithm the
    # second waits for the client's delayed ACK (40 ms on Linux) on a
    # keep-alive connection. That wait falls outside the slots, so each
    # client's turn took ~40 ms longer than its service and more than K
    # clients were needed to fill K slots.
    disable_nagle_algorithm = True

    def log_message(self, *arguments):
        pass

    def do_GET(self):
        with lock:
            admitted = state["busy"] < k
            if admitted:
                state["busy"] += 1
        if admitted:
            time.sleep(random.lognormvariate(mu, sigma))
            with lock:
                state["busy"] -= 1
        body = b"ok" if admitted else b"busy"
        self.send_response(200 if admitted else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
