"""A small HTTP/2 client for FCM: one connection per origin, every request a stream multiplexed on it.

Why not httpx: its HTTP/2 goes through several layers per request (httpx, httpcore's connection pool
and its locks, anyio streams), about 1.1 ms of CPU per push on the measured machine, which makes a
50,000-device fan-out take a core for a minute. This speaks to the `h2` state machine from an asyncio
protocol directly: the framing and HPACK are h2's, the rest is a dict of streams and their futures, and
the frames of every stream started in one event-loop turn go out in one write.

Over https (FCM itself) ALPN offers h2 alone; over http (a stand-in on loopback) the client starts with
the HTTP/2 preface (prior knowledge). Only what FCM's send call needs: POST a small body, read the whole
answer. Flow control is honoured both ways; the server's stream limit is respected by waiting.
"""

import asyncio
import ssl
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import h2.config
import h2.connection
import h2.events
import h2.exceptions


class Http2Error(Exception):
    """The request did not get an answer: the connection failed or closed, the stream was reset, or
    the timeout ran out. Nothing is known of whether the server acted on it."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


@dataclass
class _Stream:
    answer: asyncio.Future
    body: bytes  # still to send (flow control may hold part of it back)
    status: int = 0
    received: list[bytes] = field(default_factory=list)


class _Connection(asyncio.Protocol):
    def __init__(self, authority: str, scheme: str) -> None:
        self.authority, self.scheme = authority.encode(), scheme.encode()
        self.h2 = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=True, header_encoding=None,
            # Our own headers are built right here (lower-case bytes, pseudo-headers first): no need to
            # check and normalize them again on every request. The server's are checked.
            validate_outbound_headers=False, normalize_outbound_headers=False))
        self.streams: dict[int, _Stream] = {}
        self.transport: asyncio.Transport | None = None
        self.closed: Exception | None = None
        self.waiting: deque[asyncio.Future] = deque()  # requests held back by the server's stream limit
        # The server's first SETTINGS: until they arrive its stream limit is unknown, and a burst of
        # streams above it would be refused.
        self.ready = asyncio.get_running_loop().create_future()
        self.heard_from = asyncio.get_running_loop().time()  # when the server last sent anything
        self._flush_scheduled = False

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        tls = transport.get_extra_info("ssl_object")
        if tls is not None and tls.selected_alpn_protocol() != "h2":
            self._fail(Http2Error(f"the server did not agree to HTTP/2 (ALPN: {tls.selected_alpn_protocol()})"))
            transport.close()
            return
        self.h2.initiate_connection()
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.heard_from = asyncio.get_running_loop().time()
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as exc:
            self._fail(Http2Error(f"protocol error: {exc!r}"))
            self._flush()
            self.transport.close()
            return
        for event in events:
            self._handle(event)
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(Http2Error(f"connection lost: {exc!r}" if exc else "connection closed"))

    # -- events
    def _handle(self, event) -> None:
        if isinstance(event, h2.events.ResponseReceived):
            stream = self.streams.get(event.stream_id)
            if stream is not None:
                stream.status = int(dict(event.headers)[b":status"])
        elif isinstance(event, h2.events.DataReceived):
            stream = self.streams.get(event.stream_id)
            if stream is not None:
                stream.received.append(event.data)
            # Give the window back at once: answers are small and read whole.
            self.h2.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            self._finish(event.stream_id, None)
        elif isinstance(event, h2.events.StreamReset):
            self._finish(event.stream_id, Http2Error(f"stream reset by the server: error code {event.error_code}"))
        elif isinstance(event, h2.events.WindowUpdated):
            for stream_id, stream in list(self.streams.items()):
                if stream.body:
                    self._send_body(stream_id, stream)
        elif isinstance(event, h2.events.ConnectionTerminated):
            # GOAWAY: streams above its last id were never processed; no new stream may start.
            self.closed = Http2Error(f"the server closed the connection: error code {event.error_code}")
            for stream_id in [s for s in self.streams if s > (event.last_stream_id or 0)]:
                self._finish(stream_id, self.closed)
        elif isinstance(event, h2.events.RemoteSettingsChanged):  # perhaps a new stream limit
            if not self.ready.done():
                self.ready.set_result(None)
            self._wake()

    def _finish(self, stream_id: int, error: Exception | None) -> None:
        stream = self.streams.pop(stream_id, None)
        if stream is None:
            return
        if not stream.answer.done():
            if error is None:
                stream.answer.set_result(Response(stream.status, b"".join(stream.received)))
            else:
                stream.answer.set_exception(error)
        if self.closed is not None and not self.streams and self.transport is not None:
            self.transport.close()  # after a GOAWAY: the last answer is in, nothing more will start here
        self._wake()

    def _wake(self) -> None:
        """Let held-back requests start, as many as the server's limit now has room for."""
        room = self._room()
        while self.waiting and room > 0:
            waiter = self.waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                room -= 1

    def _fail(self, error: Exception) -> None:
        self.closed = self.closed or error
        if not self.ready.done():
            self.ready.set_result(None)  # requests waiting for it find the connection closed
        for stream_id in list(self.streams):
            self._finish(stream_id, error)

    # -- sending
    def _send_body(self, stream_id: int, stream: _Stream) -> None:
        window = min(self.h2.local_flow_control_window(stream_id), self.h2.max_outbound_frame_size)
        while stream.body and window > 0:
            chunk, stream.body = stream.body[:window], stream.body[window:]
            self.h2.send_data(stream_id, chunk, end_stream=not stream.body)
            window = min(self.h2.local_flow_control_window(stream_id), self.h2.max_outbound_frame_size)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        """The frames of every stream started in this loop turn go out in one write, not one each."""
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        data = self.h2.data_to_send()
        if data and self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def _room(self) -> int:
        """How many more streams may start now (a closed connection: any, to fail at once)."""
        if self.closed is not None:
            return len(self.waiting) + 1
        return self.h2.remote_settings.max_concurrent_streams - len(self.streams)

    async def request(self, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> Response:
        if not self.ready.done():
            await self.ready
        while self._room() <= 0:
            waiter = asyncio.get_running_loop().create_future()
            self.waiting.append(waiter)
            await waiter
        if self.closed is not None:
            raise self.closed
        stream_id = self.h2.get_next_available_stream_id()
        stream = _Stream(asyncio.get_running_loop().create_future(), body)
        self.streams[stream_id] = stream
        self.h2.send_headers(stream_id, [
            (b":method", b"POST"), (b":scheme", self.scheme), (b":authority", self.authority),
            (b":path", path.encode()), *headers, (b"content-length", str(len(body)).encode())])
        self._send_body(stream_id, stream)
        try:
            return await stream.answer
        except asyncio.CancelledError:  # the caller's timeout: tell the server we gave up on it
            if self.streams.pop(stream_id, None) is not None and self.closed is None:
                try:
                    self.h2.reset_stream(stream_id)
                    self._schedule_flush()
                except h2.exceptions.ProtocolError:
                    pass  # the stream had already ended on the server's side
            raise


class Http2Client:
    """Requests to one origin (`https://host[:port]` or `http://host:port`), all on one connection,
    opened on first use and again once it has closed."""

    def __init__(self, base_url: str, *, timeout: float) -> None:
        url = urlsplit(base_url)
        self.scheme, self.host = url.scheme, url.hostname or ""
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.authority = url.netloc
        self.base_path = url.path.rstrip("/")
        self.timeout = timeout
        self._connection: _Connection | None = None
        self._connecting = asyncio.Lock()

    async def _connect(self) -> _Connection:
        if self._connection is not None and self._connection.closed is None:
            return self._connection
        async with self._connecting:
            if self._connection is None or self._connection.closed is not None:
                tls = None
                if self.scheme == "https":
                    tls = ssl.create_default_context()
                    tls.set_alpn_protocols(["h2"])
                loop = asyncio.get_running_loop()
                _, self._connection = await loop.create_connection(
                    lambda: _Connection(self.authority, self.scheme), self.host, self.port, ssl=tls)
            return self._connection

    async def post(self, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> Response:
        """POST `body` to base path + `path`; raises Http2Error when no answer came within the timeout."""
        connection = None
        try:
            async with asyncio.timeout(self.timeout):
                connection = await self._connect()
                return await connection.request(self.base_path + path, headers, body)
        except TimeoutError as exc:
            if connection is not None and asyncio.get_running_loop().time() - connection.heard_from >= self.timeout:
                # Silent for as long as we waited: likely half-open (a NAT forgot it), and every
                # stream on it would wait the same. The next request opens a new one.
                connection.transport.abort()
            raise Http2Error(f"no answer within {self.timeout} s") from exc
        except OSError as exc:
            raise Http2Error(f"cannot connect: {exc!r}") from exc
