"""A rate-limited API, written apart from poolbench: a token bucket of RATE
requests/s, as deep as RATE x HOLD so no run is served from its burst alone;
each admitted request is held HOLD seconds, the rest answered at once with
429 Too Many Requests and Retry-After. RATE x HOLD requests in flight are
accepted: 45 0.1 serves 4 workers and refuses some of 5's.

    python3 token_bucket.py RATE HOLD      # prints its port
"""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

rate, hold = float(sys.argv[1]), float(sys.argv[2])
burst = max(1.0, rate * hold)
lock = threading.Lock()
state = {"tokens": burst, "at": time.monotonic()}


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
            now = time.monotonic()
            state["tokens"] = min(burst, state["tokens"] + (now - state["at"]) * rate)
            state["at"] = now
            admitted = state["tokens"] >= 1
            if admitted:
                state["tokens"] -= 1
        if admitted:
            time.sleep(hold)
        body = b"ok" if admitted else b"slow down"
        self.send_response(200 if admitted else 429)
        if not admitted:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
