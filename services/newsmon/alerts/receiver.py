"""A small webhook receiver on loopback that records what it is sent.

For trying alert rules out, and used by the tests and ``newsmon bench`` as the real peer
that webhook and Slack alerts are delivered to. ``fail_paths`` makes a path answer 500 a
number of times (-1: always) before it answers 200, to exercise retries; ``hang_paths`` makes a
path take that many seconds before it answers (a target that hangs); ``redirect_paths`` makes a
path answer 302 to another URL (a target that tries to send the request elsewhere).

It listens on loopback, which the outbound policy refuses: whoever delivers to it lists
:attr:`WebhookReceiver.allowed_host` (its address and port, nothing else) in NEWSMON_ALLOWED_HOSTS.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float = field(default_factory=time.time)


class WebhookReceiver:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.requests: list[Received] = []
        self.fail_paths: dict[str, int] = {}
        self.hang_paths: dict[str, float] = {}
        self.redirect_paths: dict[str, str] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender went away mid-request (a killed worker): nothing was delivered
                    self.close_connection = True
                    return
                hang = receiver.hang_paths.get(self.path, 0)
                if hang:
                    with receiver._lock:
                        receiver.requests.append(Received(self.path, dict(self.headers), body, 0))
                    time.sleep(hang)
                    try:
                        self.send_response(200)
                        self.end_headers()
                    except OSError:
                        pass  # the sender gave up waiting
                    return
                redirect = receiver.redirect_paths.get(self.path)
                if redirect:
                    with receiver._lock:
                        receiver.requests.append(Received(self.path, dict(self.headers), body, 302))
                    self.send_response(302)
                    self.send_header("Location", redirect)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with receiver._lock:
                    remaining = receiver.fail_paths.get(self.path, 0)
                    if remaining > 0:
                        receiver.fail_paths[self.path] = remaining - 1
                    status = 500 if remaining != 0 else 200
                    receiver.requests.append(Received(self.path, dict(self.headers), body, status))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"failing on purpose")

            do_GET = do_POST  # noqa: N815 - a followed 302 comes back as GET

            def log_message(self, *args):  # quiet
                pass

        server_class = http.server.ThreadingHTTPServer
        if ":" in host:  # an IPv6 address, e.g. ::1
            server_class = type("ThreadingHTTPServer6", (server_class,), {"address_family": socket.AF_INET6})
        self.server = server_class((host, port), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return self.url_for("/")

    def url_for(self, path: str) -> str:
        return f"http://{self.allowed_host}{path}"

    @property
    def allowed_host(self) -> str:
        """Its address and port as a NEWSMON_ALLOWED_HOSTS entry (``127.0.0.1:41234``, ``[::1]:41234``)."""
        host = self.server.server_address[0]
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
