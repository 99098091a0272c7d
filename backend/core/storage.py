"""File storage by content hash. Local disk by default; the same three calls fit S3-compatible stores."""

import hashlib
from pathlib import Path

from backend.core.settings import get_settings


def _root() -> Path:
    root = Path(get_settings().media_dir)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _path(key: str, public: bool) -> Path:
    # Public files (notice images) live apart, so the public route can never serve a private one.
    return _root() / ("public" if public else "private") / key[:2] / key


def put(data: bytes, *, public: bool = False) -> str:
    key = hashlib.sha256(data).hexdigest()
    path = _path(key, public)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return key


def get(key: str, *, public: bool = False) -> bytes | None:
    if len(key) != 64 or not all(c in "0123456789abcdef" for c in key):
        return None
    path = _path(key, public)
    return path.read_bytes() if path.exists() else None
