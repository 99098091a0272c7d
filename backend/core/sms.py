"""The SMS port. The development sender writes messages to the log and keeps the last few in
memory (for a developer's eyes and the tests); a provider adapter takes its place in prod."""

from collections import deque

import structlog

log = structlog.get_logger("linli.sms")


class LogSms:
    def __init__(self) -> None:
        self.recent: deque[tuple[str, str]] = deque(maxlen=50)

    async def send(self, phone: str, text: str) -> None:
        self.recent.append((phone, text))
        log.info("sms.sent", to=f"{phone[:3]}****{phone[-4:]}", text=text)


sms = LogSms()
