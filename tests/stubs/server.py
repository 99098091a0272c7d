"""Running a stand-in HTTP server inside the test process, on a free loopback port."""

import asyncio
import socket
import threading
import time

import uvicorn
from hypercorn.asyncio import serve
from hypercorn.config import Config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in_thread(app) -> tuple[str, uvicorn.Server]:
    """Start `app` on a daemon thread; returns its base URL and the server (set should_exit to stop)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


class Http2Server:
    """hypercorn on a daemon thread, speaking HTTP/2 to a client that starts with the HTTP/2 preface
    (h2c prior knowledge) and HTTP/1.1 to any other. Stop it like uvicorn's: `should_exit = True`."""

    def __init__(self, app, port: int, max_streams: int = 100) -> None:
        self.config = Config()
        self.config.h2_max_concurrent_streams = max_streams  # streams a client may have open at once
        self.config.bind = [f"127.0.0.1:{port}"]
        self.config.accesslog = self.config.errorlog = None
        # One connection carries every push, as one to FCM does: hypercorn would close it after 1,000.
        self.config.keep_alive_max_requests = 10**9
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        threading.Thread(target=self._loop.run_until_complete, args=(self._serve(app),), daemon=True).start()

    async def _serve(self, app) -> None:
        await serve(app, self.config, shutdown_trigger=self._stop.wait)

    @property
    def should_exit(self) -> bool:
        return self._stop.is_set()

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        if value:
            self._loop.call_soon_threadsafe(self._stop.set)


def serve_http2_in_thread(app, max_streams: int = 100) -> tuple[str, Http2Server]:
    """Start `app` over HTTP/2 (see Http2Server); returns its base URL and the server."""
    port = free_port()
    server = Http2Server(app, port, max_streams)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # until it accepts connections
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server
