"""A loopback HTTP (or, given a certificate and key, HTTPS) server that
answers every request `200 ok` and appends what it received to LOG as one
JSON line, so a check can see that credentials, headers and bodies arrived.

    python3 echo_server.py LOG [CERTIFICATE KEY]     # prints its port
"""

import http.server, json, ssl, sys, threading
lock = threading.Lock()
log = open(sys.argv[1], "a")
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                  "body": body.decode("utf-8", "replace")}
        with lock:
            log.write(json.dumps(record) + "\n")
            log.flush()
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer
    def log_message(self, *arguments):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
