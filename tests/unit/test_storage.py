"""Local storage writes are atomic: a file appears under its name complete, or not at all."""

import os

import pytest

from backend.core.storage import LocalStorage

NAME = "public/ab/ab" + "0" * 62


def test_a_write_that_fails_part_way_leaves_nothing_under_the_name(tmp_path, monkeypatch):
    storage = LocalStorage(str(tmp_path))

    def disk_fails(fd: int) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "fsync", disk_fails)
    with pytest.raises(OSError):
        storage.write(NAME, b"x" * 100_000)
    # A half file under the name would stay broken for good: names are content hashes, never rewritten.
    assert storage.read(NAME) is None
    assert list((tmp_path / "public" / "ab").iterdir()) == []  # and no temporary file is left behind

    monkeypatch.undo()
    storage.write(NAME, b"x" * 100_000)
    assert storage.read(NAME) == b"x" * 100_000
