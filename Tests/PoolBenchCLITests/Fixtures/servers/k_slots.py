"""An API with K slots, written apart from poolbench: at most K requests in
service, the rest wait their turn; each is held a random time of mean MEAN
seconds, lognormal with coefficient of variation CV, or Pareto-tailed with
the given shape (heavier as the shape falls to 1; infinite variance below 2).

    python3 k_slots.py K MEAN lognormal CV       # prints its port
    python3 k_slots.py K MEAN pareto SHAPE
"""

import math
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

k, mean, shape_name, parameter = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], float(sys.argv[4])
slots = threading.Semaphore(k)

if shape_name == "pareto":
    scale = mean * (parameter - 1) / parameter

    def hold():
        return scale * random.paretovariate(parameter)
else:
    sigma = math.sqrt(math.log(1 + parameter * parameter))
    mu = math.log(mean) - sigma * sigma / 2

    def hold():
        return random.lognormvariate(mu, sigma)


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
        with slots:
            time.sleep(hold())
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.request_queue_size = 128
print(server.server_address[1], flush=True)
server.serve_forever()
