"""A stub OpenAI-compatible chat endpoint on 127.0.0.1 for the persona responder tests.

``mode`` chooses the behaviour: ``ok`` answers with ``reply``, ``error`` returns HTTP 500,
``slow`` waits ``delay`` seconds before answering, ``malformed`` returns a body without
``choices``. Every request body is kept in ``requests``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubChatEndpoint:
    """Serve ``POST /v1/chat/completions`` on a free 127.0.0.1 port in a thread."""

    def __init__(self, mode: str = "ok", reply: str = "stub reply", delay: float = 2.0) -> None:
        self.mode = mode
        self.reply = reply
        self.delay = delay
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server dispatches to
                length = int(self.headers.get("Content-Length", 0))
                stub.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                stub.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions":
                    self._send(404, {"error": "not found"})
                elif stub.mode == "error":
                    self._send(500, {"error": "stub failure"})
                elif stub.mode == "malformed":
                    self._send(200, {"unexpected": True})
                else:
                    if stub.mode == "slow":
                        time.sleep(stub.delay)
                    self._send(200, {"choices": [{"message": {"role": "assistant",
                                                              "content": stub.reply}}]})

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StubChatEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
