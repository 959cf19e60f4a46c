"""A local stand-in for the provincial supervision platform that fails on purpose."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Accepts signed batches on 127.0.0.1, deduplicating by batch_id and by record (topic, key). ``fail_next``
    requests are answered 500; ``drop_next`` requests have their connection closed without an answer."""

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.fail_next = 0
        self.drop_next = 0
        self.requests = 0
        self.batches: dict[str, dict] = {}
        self.records: dict[tuple, dict] = {}
        self.duplicates = 0
        self.bad_signatures = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/upward/batches"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def _accept(self, body: bytes, headers) -> int:
        with self._lock:
            self.requests += 1
            if self.drop_next:
                self.drop_next -= 1
                return -1
            if self.fail_next:
                self.fail_next -= 1
                return 500
            if self.secret:
                expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, headers.get("X-Shenpi-Signature", "")):
                    self.bad_signatures += 1
                    return 401
            batch = json.loads(body)
            if batch["batch_id"] in self.batches:
                self.duplicates += 1
                return 200
            self.batches[batch["batch_id"]] = batch
            for record in batch["records"]:
                self.records.setdefault((record["topic"], record["key"]), record)
            return 202

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = receiver._accept(body, self.headers)
                if status < 0:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        return Handler
