"""A local stand-in for Brevo's SMS API: a real HTTP server on loopback, in a thread, that
records each request and answers what the test asks for (Brevo's documented bodies)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeBrevo:
    def __init__(self, *, status: int = 201, delay: float = 0.0):
        self.status = status
        self.delay = delay
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(fake.delay)
                with fake._lock:
                    fake.requests.append(
                        {"path": self.path, "api_key": self.headers.get("api-key"), "json": json.loads(body)}
                    )
                    number = len(fake.requests)
                if fake.status < 300:
                    answer = {"messageId": 1000 + number, "reference": f"ref-{number}", "smsCount": 1}
                else:
                    answer = {"code": "server_error", "message": "Internal error"}
                data = json.dumps(answer).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeBrevo":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
