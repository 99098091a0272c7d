"""Days as residents count them: Asia/Shanghai, whatever the server's zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backend.core.clock import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return clock.now().astimezone(SHANGHAI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a Shanghai day starts and the next one starts."""
    start = datetime.combine(day, time(), SHANGHAI)
    return start, start + timedelta(days=1)
