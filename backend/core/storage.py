"""File storage by content hash: local disk by default, any S3-compatible store as an option
(LINLI_STORAGE=s3). Public files (notice images) live apart from private ones, so the public route
can never serve a private file."""

import asyncio
import contextlib
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from backend.core.settings import get_settings


class Storage(Protocol):
    def write(self, name: str, data: bytes) -> None: ...
    def read(self, name: str) -> bytes | None: ...


class LocalStorage:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def write(self, name: str, data: bytes) -> None:
        """Atomic: the bytes go to a temporary file beside the target, renamed over it when complete.
        A name is a content hash and an existing file is never rewritten, so a half-written file
        under the real name would stay broken for good."""
        path = self.root / name
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temporary, 0o644)  # mkstemp makes it 0600; stored files are readable like any other
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def read(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.exists() else None


class S3Storage:
    def __init__(self, bucket: str, **client_options) -> None:
        import boto3  # only deployments that use S3 need it loaded

        self.bucket = bucket
        self.client = boto3.client("s3", **client_options)

    def write(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data)

    def read(self, name: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None


@lru_cache
def _backend(kind: str, root: str, bucket: str, endpoint: str | None, region: str) -> Storage:
    if kind == "s3":
        return S3Storage(bucket, endpoint_url=endpoint, region_name=region)
    return LocalStorage(root)


def backend() -> Storage:
    s = get_settings()
    return _backend(s.storage, s.media_dir, s.s3_bucket, s.s3_endpoint_url, s.s3_region)


def _name(key: str, public: bool) -> str:
    return f"{'public' if public else 'private'}/{key[:2]}/{key}"


async def put(data: bytes, *, public: bool = False) -> str:
    """Store by content hash; off the event loop (disk or network I/O)."""
    key = hashlib.sha256(data).hexdigest()
    await asyncio.to_thread(backend().write, _name(key, public), data)
    return key


async def get(key: str, *, public: bool = False) -> bytes | None:
    if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
        return None
    return await asyncio.to_thread(backend().read, _name(key, public))
