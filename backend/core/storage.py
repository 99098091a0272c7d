"""File storage by content hash. Local disk by default; the same three calls fit S3-compatible stores."""

import hashlib
from pathlib import Path

from backend.core.settings import get_settings


def _root() -> Path:
    root = Path(get_settings().media_dir)
    root.mkdir(parents=True, exist_ok=True)
    return root


def put(data: bytes) -> str:
    key = hashlib.sha256(data).hexdigest()
    path = _root() / key[:2] / key
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    return key


def get(key: str) -> bytes:
    return (_root() / key[:2] / key).read_bytes()
