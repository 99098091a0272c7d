"""What a server costs per request, read from outside it: CPU and memory from /proc, SQL statements
and Redis round trips from counting proxies placed between it and PostgreSQL or Redis (this
machine's PostgreSQL has no pg_stat_statements, and both services are shared with other work)."""

import asyncio
import os
import struct
import threading
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")
_RESET = b"SELECT pg_advisory_unlock_all();"  # asyncpg's Connection.get_reset_query
_PLAIN = (80877103, 80877104)  # SSLRequest, GSSENCRequest: answered "no", so the stream stays readable


def _tree(pid: int) -> list[int]:
    """The process and every descendant (uvicorn or Node may run children)."""
    pids, i = [pid], 0
    while i < len(pids):
        for task in Path(f"/proc/{pids[i]}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
        i += 1
    return pids


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process and its live descendants, and of children it has waited for."""
    total = 0
    for p in _tree(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / _TICK


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (now) or VmHWM (peak since start) in MB."""
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith(field))
    return int(line.split()[1]) / 1024


class RssSampler:
    """The highest VmRSS seen while the block runs, sampled every 0.2 s."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, memory_mb(self.pid, "VmRSS"))

    def __enter__(self) -> "RssSampler":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class CountingProxy:
    """A TCP proxy to PostgreSQL ("pg") or Redis ("redis") counting what the client asks for.

    PostgreSQL: "sql", the statements, one per Execute message (extended protocol) plus one per
    statement in a simple Query message (split on semicolons), so a pool's reset or a BEGIN counts;
    "pg_trips", the round trips, one per Sync or simple Query message; "reset", the statements of
    asyncpg's pool reset (run when a connection goes back to the pool), counted in "sql" too.
    Redis: "redis", the round trips, one each time the client sends after having had its last
    answer (a pipeline of several commands is one). Runs in its own thread and event loop."""

    def __init__(self, kind: str, target_port: int):
        self.kind, self.target_port = kind, target_port
        self.counts = dict.fromkeys(("sql", "reset", "pg_trips") if kind == "pg" else ("redis",), 0)
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop).result()
        self.port = self._server.sockets[0].getsockname()[1]

    def reset(self) -> dict[str, int]:
        counts, self.counts = self.counts, dict.fromkeys(self.counts, 0)
        return counts

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)

    async def _close(self) -> None:
        self._server.close()
        connections = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in connections:
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        waiting = [False]  # redis: the client has asked and not yet been answered
        upstream = self._pg(client_r, client_w, server_w) if self.kind == "pg" else self._redis(client_r, server_w, waiting)
        await asyncio.gather(self._until_closed(upstream, server_w), self._back(server_r, client_w, waiting),
                             return_exceptions=True)
        client_w.close()

    @staticmethod
    async def _until_closed(upstream, server_w) -> None:
        try:
            await upstream
        finally:  # the client left (or broke off mid-message): so does the server's side
            server_w.close()

    async def _back(self, server_r, client_w, waiting) -> None:
        while data := await server_r.read(65536):
            waiting[0] = False
            client_w.write(data)
            await client_w.drain()
        client_w.close()

    async def _redis(self, client_r, server_w, waiting) -> None:
        while data := await client_r.read(65536):
            if not waiting[0]:
                self.counts["redis"] += 1
                waiting[0] = True
            server_w.write(data)
            await server_w.drain()

    async def _pg(self, client_r, client_w, server_w) -> None:
        while True:  # the start-up packets: no type byte
            length = struct.unpack("!I", await client_r.readexactly(4))[0]
            packet = await client_r.readexactly(length - 4)
            if struct.unpack("!I", packet[:4])[0] not in _PLAIN:
                server_w.write(struct.pack("!I", length) + packet)
                break
            client_w.write(b"N")
            await client_w.drain()
        while True:
            head = await client_r.readexactly(5)
            kind, length = head[:1], struct.unpack("!I", head[1:])[0]
            body = await client_r.readexactly(length - 4)
            if kind == b"E":
                self.counts["sql"] += 1
            elif kind == b"Q":
                statements = sum(1 for s in body.rstrip(b"\0").split(b";") if s.strip())
                self.counts["sql"] += statements
                if body.startswith(_RESET):
                    self.counts["reset"] += statements
            self.counts["pg_trips"] += kind in (b"S", b"Q")
            server_w.write(head + body)
            await server_w.drain()
