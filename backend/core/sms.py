"""The SMS port: one `send(phone, template, params)` for the two messages we send (a staff sign-in
code, an urgent notice), and its adapters, chosen by LINLI_SMS_PROVIDER:

- `tencent`: Tencent Cloud SMS (SendSms, API 2021-01-11) through its official async SDK, which signs
  every request (TC3-HMAC-SHA256). The texts are templates approved in Tencent's console; we send the
  template id and its parameters only.
- `log` (the default): in dev, writes the message to the log and keeps the last few in memory (for a
  developer's eyes and the tests). Outside dev it sends nothing and logs nothing, so a sign-in code
  can never end up in a production log: SMS is simply not configured there.
"""

import logging
from collections import deque
from enum import StrEnum
from urllib.parse import urlsplit

import structlog

from backend.core.settings import Settings, get_settings

log = structlog.get_logger("linli.sms")


class SmsTemplate(StrEnum):
    SIGN_IN_CODE = "SIGN_IN_CODE"  # params: the 6-digit code, its validity in minutes
    URGENT_NOTICE = "URGENT_NOTICE"  # params: the notice title


# How the development log renders each template (the provider holds the real texts).
DEV_TEXTS = {
    SmsTemplate.SIGN_IN_CODE: "【邻里】您的工作台登录验证码是 {0}，{1} 分钟内有效。",
    SmsTemplate.URGENT_NOTICE: "【邻里】{0}",
}


class SmsError(Exception):
    """The provider did not send. `retryable`: busy or rate-limited, try again later."""

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.retryable = code, message, retryable

    @property
    def rate_limited(self) -> bool:
        return "LimitExceeded" in self.code


class SmsNotConfigured(SmsError):
    def __init__(self) -> None:
        super().__init__("NotConfigured", "no SMS provider is configured", retryable=False)


class LogSms:
    def __init__(self) -> None:
        self.recent: deque[tuple[str, str]] = deque(maxlen=50)

    async def send(self, phone: str, template: SmsTemplate, params: list[str], reference: str = "") -> str:
        if get_settings().is_prod:
            raise SmsNotConfigured()
        text = DEV_TEXTS[template].format(*params)
        self.recent.append((phone, text))
        log.info("sms.sent", to=f"{phone[:3]}****{phone[-4:]}", text=text)
        return ""


# Tencent's codes for "not now": per-number and per-app frequency limits, API throttling, its own faults.
_TENCENT_RETRYABLE = ("LimitExceeded.", "RequestLimitExceeded", "InternalError", "ServerNetworkError")


class TencentSms:
    def __init__(self, settings: Settings) -> None:
        from tencentcloud.common.credential import Credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client_async import SmsClient

        # The SDK logs whole request bodies (with the code) at DEBUG: never let it, whatever LINLI_LOG_LEVEL.
        logging.getLogger("tencentcloud_sdk_common").setLevel(logging.WARNING)
        endpoint = urlsplit(settings.sms_endpoint)
        http = HttpProfile(protocol=endpoint.scheme, endpoint=endpoint.netloc, reqTimeout=10, keepAlive=True)
        self.client = SmsClient(Credential(settings.sms_secret_id, settings.sms_secret_key), settings.sms_region,
                                ClientProfile(httpProfile=http))
        self.app_id, self.sign_name = settings.sms_app_id, settings.sms_sign_name
        self.param_max_chars = settings.sms_param_max_chars
        self.templates = {SmsTemplate.SIGN_IN_CODE: settings.sms_template_sign_in_code,
                          SmsTemplate.URGENT_NOTICE: settings.sms_template_urgent_notice}

    async def send(self, phone: str, template: SmsTemplate, params: list[str], reference: str = "") -> str:
        import httpx
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111.models import SendSmsRequest

        request = SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId, request.SignName = self.app_id, self.sign_name
        request.TemplateId = self.templates[template]
        request.TemplateParamSet = [p[: self.param_max_chars] for p in params]  # a longer one is refused
        request.SessionContext = reference  # echoed back in Tencent's delivery reports
        try:
            response = await self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.get_code() or "Unknown"
            raise SmsError(code, exc.get_message(), retryable=code.startswith(_TENCENT_RETRYABLE)) from exc
        except httpx.HTTPError as exc:
            raise SmsError("ServerNetworkError", repr(exc), retryable=True) from exc
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            raise SmsError(status.Code, status.Message, retryable=status.Code.startswith(_TENCENT_RETRYABLE))
        return status.SerialNo


class Sms:
    """The port the services call: the adapter of the settings in force."""

    def __init__(self) -> None:
        self.dev_log = LogSms()
        self._provider: tuple[tuple, TencentSms] | None = None

    @property
    def recent(self) -> deque[tuple[str, str]]:
        return self.dev_log.recent

    def _adapter(self) -> LogSms | TencentSms:
        settings = get_settings()
        if settings.sms_provider == "log":
            return self.dev_log
        config = tuple(getattr(settings, name) for name in Settings.model_fields if name.startswith("sms_"))
        if self._provider is None or self._provider[0] != config:
            self._provider = (config, TencentSms(settings))
        return self._provider[1]

    async def send(self, phone: str, template: SmsTemplate, params: list[str], reference: str = "") -> str:
        """Sends one message; returns the provider's message id. Raises SmsError."""
        return await self._adapter().send(phone, template, params, reference)


sms = Sms()
