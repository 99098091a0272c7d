"""The SMS port. Development prints messages to the log; a provider adapter replaces it in prod."""

import structlog

log = structlog.get_logger("linli.sms")


async def send_sms(phone: str, text: str) -> None:
    # Dev stand-in: the log is the phone. The number is masked even here.
    log.info("sms.sent", to=f"{phone[:3]}****{phone[-4:]}", text=text)
