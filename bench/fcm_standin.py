"""The fan-out benchmark's FCM stand-in (bench/fcm_standin.mjs, Node's http2) as a process of its own:
started on free loopback ports, asked for its counts over a plain HTTP/1.1 side port, its CPU time read
apart from everything else's, and killed at the end."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

from bench.common import ROOT, cpu_seconds, free_port
from workers.push_worker import NICENESS

SCRIPT = Path(__file__).with_name("fcm_standin.mjs")
BEARER = "fcm-bench-access-token"


class FcmStandIn:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("the fan-out benchmark needs Node (its FCM stand-in is Node's http2)")
        port, stats_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{port}"
        self._stats = httpx.AsyncClient(base_url=f"http://127.0.0.1:{stats_port}")
        # At the push worker's CPU priority: real FCM takes none of this machine's CPU, so the stand-in
        # must not take it from the job worker or PostgreSQL either (its CPU is reported apart).
        self.process = subprocess.Popen(["nice", "-n", str(NICENESS), node, str(SCRIPT), str(port), str(stats_port),
                                         BEARER], cwd=ROOT, stdout=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while True:  # until both ports accept connections
            try:
                for p in (port, stats_port):
                    socket.create_connection(("127.0.0.1", p), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the FCM stand-in did not start") from None
                time.sleep(0.05)

    async def stats(self) -> dict:
        """accepted (pushes answered 200), tokens (distinct devices among them), connections, streams."""
        return (await self._stats.get("/stats")).json()

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process)

    async def stop(self) -> None:
        await self._stats.aclose()
        self.process.kill()
        self.process.wait()
