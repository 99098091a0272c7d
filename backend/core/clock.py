"""The one clock every time rule reads, so tests can move time."""

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        """Tests only: move time forward."""
        self._offset += delta

    def reset(self) -> None:
        self._offset = timedelta(0)


clock = Clock()
