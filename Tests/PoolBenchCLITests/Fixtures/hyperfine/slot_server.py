"""A loopback HTTP server with K slots: each request holds a slot for a
fixed time, the rest wait in arrival order. Written apart from poolbench's
own `serve`, for the hyperfine fixtures beside it.

    python3 slot_server.py K SECONDS      # prints http://127.0.0.1:PORT/
"""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

slots = threading.Semaphore(int(sys.argv[1]))
hold = float(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        with slots:
            time.sleep(hold)
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
