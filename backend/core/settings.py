"""Settings from the environment (prefix LINLI_). prod refuses to start on weak or development secrets."""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_TOKEN_KEY = "dev-only-token-signing-key-change-me-0123456789"
# 32 zero-ish bytes, base64: good enough for a laptop, never for prod.
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0zMiE="
# The Ed25519 seed (base64 of 32 bytes) that signs the voting logs' tree heads (backend/voting/sealing.py).
DEV_VOTING_KEY = "ZGV2LW9ubHktdm90aW5nLWtleS1jaGFuZ2UtbWUtMzI="


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LINLI_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    database_url: str = "sqlite://var/linli.sqlite3"
    redis_url: str | None = Field(default=None, description="absent = in-process cache, pub/sub and queue")
    redis_prefix: str = "linli:"
    token_signing_key: str = DEV_TOKEN_KEY
    field_encryption_key: str = DEV_FIELD_KEY
    voting_signing_key: str = DEV_VOTING_KEY
    public_base_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    media_dir: str = "var/media"
    storage: Literal["local", "s3"] = "local"
    # For LINLI_STORAGE=s3; credentials come from the usual AWS_* environment or instance role.
    s3_bucket: str = "linli-media"
    s3_endpoint_url: str | None = None  # any S3-compatible service (MinIO, Ceph, OSS, COS…)
    s3_region: str = "us-east-1"
    # A job a worker took but never finished (the worker died) goes to another worker after this.
    job_redeliver_after_s: int = 300
    # The outbox relay is woken by every commit that writes an outbox row; it also looks this often
    # on its own (the safety net for a wake-up lost with Redis, or a lease that ran out).
    relay_poll_s: float = 1.0
    fanout_batch: int = 2000  # recipients written per transaction when a notice fans out
    fanout_writers: int = 2  # of those transactions at once (connections of the worker's pool)
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_appid: str = ""
    wechat_secret: str = ""
    firebase_project_id: str = "demo-linli"
    # Push: FCM HTTP v1. The bearer is a static setting for now (prod: mint it from google-auth
    # service-account credentials, scope firebase.messaging). Empty = the FCM channel is off.
    fcm_api_base: str = "https://fcm.googleapis.com"
    fcm_access_token: str = ""  # a fixed bearer (tests, a proxy); otherwise the service account below
    fcm_credentials_file: str = ""  # a Google service-account key; its OAuth2 tokens are fetched and renewed
    wechat_notice_template: str = ""  # subscribe-message template id for notices; empty = channel off
    # /metrics: a bearer token Prometheus sends. Empty: public in dev, not served (404) in prod.
    metrics_token: str = ""
    worker_metrics_port: int = 0  # a taskiq worker's own /metrics (job durations); 0 = none
    # Per caller (person, or client address when anonymous): a burst, refilled per second.
    rate_burst: int = 60
    rate_per_second: float = 10.0
    # Trusted documents answered by one SQL statement on PostgreSQL (backend/api/compiled); off:
    # every document through strawberry (the reference the compiled answers are proven equal to).
    compiled_operations: bool = True
    # PostgreSQL connections per process (API or worker): enough for the requests one process
    # serves at once; several processes share the server's max_connections.
    db_pool_size: int = 10

    # ---- Field key ring (core.crypto; parsed and checked by field_key_ring below) ----------------
    # LINLI_FIELD_KEYS: "k2:<base64>,k3:<base64>" or a JSON object {"k2": "<base64>", ...};
    # LINLI_FIELD_KEY_CURRENT: the id that encrypts (needed when the ring holds more than one key).
    # LINLI_FIELD_ENCRYPTION_KEY (above) is the single-key form: it is key "k1" of the ring, present
    # when set explicitly or when LINLI_FIELD_KEYS is empty (the dev default).
    field_keys: str = ""
    field_key_current: str = ""
    # ---- end of the field key ring ----------------------------------------------------------------

    # ---- SMS (core.sms) ------------------------------------------------------------------------------
    # "log": the development log in dev, nothing at all in prod. "tencent": Tencent Cloud SMS.
    sms_provider: Literal["log", "tencent"] = "log"
    sms_secret_id: str = ""  # a Tencent Cloud API key (CAM), best one allowed only sms:SendSms
    sms_secret_key: str = ""
    sms_app_id: str = ""  # SmsSdkAppId, e.g. 1400006666
    sms_sign_name: str = ""  # the approved signature, e.g. 邻里社区
    sms_template_sign_in_code: str = ""  # approved template id, params {1} code, {2} minutes
    sms_template_urgent_notice: str = ""  # approved template id, param {1} notice title
    sms_region: str = "ap-guangzhou"
    sms_endpoint: str = "https://sms.tencentcloudapi.com"  # tests point it at a local stand-in
    sms_param_max_chars: int = 6  # Tencent's limit per template variable (6 for accounts opened since 2024)
    # ---- end of SMS ----------------------------------------------------------------------------------

    # ---- Payments (backend/payments; docs/services.md) -----------------------------------------------
    # The gateway new paid orders use unless the client asks for another one that is configured:
    # SANDBOX (the embedded default: no money moves), STRIPE, WECHAT (the mini-program in production).
    payment_gateway: Literal["SANDBOX", "STRIPE", "WECHAT"] = "SANDBOX"
    sandbox_webhook_secret: str = "dev-only-sandbox-webhook-secret"
    # Stripe: the platform's secret key, Connect destination charges; tests point the base at localstripe.
    stripe_api_key: str = ""
    stripe_publishable_key: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    stripe_webhook_secret: str = ""  # whsec_…: the endpoint's signing secret
    # WeChat Pay v3 in partner (服务商) mode: the service provider's merchant id and appid, its API
    # private key (PEM) and certificate serial, the APIv3 key that seals notifications, and the WeChat
    # Pay platform public key (PEM) with its id that signs WeChat Pay's answers. Tests point the base
    # at a local stand-in of the documented API.
    wechatpay_sp_mchid: str = ""
    wechatpay_sp_appid: str = ""
    wechatpay_sp_name: str = ""  # the platform's 商户全称, sent when it is added as a profit-sharing receiver
    wechatpay_private_key: str = ""
    wechatpay_cert_serial_no: str = ""
    wechatpay_apiv3_key: str = ""
    wechatpay_public_key: str = ""
    wechatpay_public_key_id: str = ""
    wechatpay_api_base: str = "https://api.mch.weixin.qq.com"
    wechatpay_fee_bp: int = 60  # the 手续费 rate of the sub-merchants' contract (0.6 %)
    # ---- end of payments -----------------------------------------------------------------------------

    @model_validator(mode="after")
    def _strong_secrets_in_prod(self) -> "Settings":
        if self.env == "prod" and (problems := weak_secrets(self)):
            raise ValueError("prod refuses weak secrets: " + "; ".join(problems))
        return self

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"


# ---- Field key ring ---------------------------------------------------------------------------------

LEGACY_FIELD_KEY_ID = "k1"  # the single key's id: what ciphertexts written before the ring carry
_KEY_ID = re.compile(r"^[A-Za-z0-9-]{1,32}$")  # no ":" (the ciphertext separator), no LIKE wildcards


@dataclass(frozen=True)
class FieldKeyRing:
    keys: dict[str, bytes]  # id -> 32-byte master key
    current: str  # the id that encrypts


def single_field_key_in_ring(settings: Settings) -> bool:
    return not settings.field_keys.strip() or "field_encryption_key" in settings.model_fields_set


def parse_field_key(key_id: str, value: str) -> bytes:
    """A master key: standard base64 of exactly 32 bytes. Raises ValueError saying which key is wrong."""
    if not _KEY_ID.match(key_id):
        raise ValueError(f"field key id {key_id!r}: use 1-32 letters, digits or '-'")
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError(f"field key {key_id!r} must be base64 of 32 random bytes (openssl rand -base64 32)")
    return raw


def field_key_ring(settings: Settings) -> FieldKeyRing:
    """The field keys by id and the one that encrypts, from LINLI_FIELD_KEYS, LINLI_FIELD_KEY_CURRENT
    and LINLI_FIELD_ENCRYPTION_KEY. Raises ValueError on a malformed ring."""
    text, entries = settings.field_keys.strip(), []
    if text.startswith("{"):
        try:
            entries = list(json.loads(text).items())
        except (ValueError, AttributeError) as exc:
            raise ValueError("LINLI_FIELD_KEYS is not a JSON object of id -> base64 key") from exc
    elif text:
        for item in filter(None, (part.strip() for part in text.split(","))):
            key_id, sep, value = item.partition(":")
            if not sep:
                raise ValueError(f"LINLI_FIELD_KEYS entry {key_id[:8]!r}… is not <id>:<base64 key>")
            entries.append((key_id.strip(), value))
    if single_field_key_in_ring(settings):
        entries.append((LEGACY_FIELD_KEY_ID, settings.field_encryption_key))
    keys: dict[str, bytes] = {}
    for key_id, value in entries:
        if key_id in keys:
            raise ValueError(f"field key {key_id!r} is given twice (LINLI_FIELD_ENCRYPTION_KEY is key 'k1')")
        keys[key_id] = parse_field_key(key_id, str(value))
    current = settings.field_key_current.strip() or (next(iter(keys)) if len(keys) == 1 else "")
    if current not in keys:
        raise ValueError(f"LINLI_FIELD_KEY_CURRENT must name one of the field keys: {', '.join(keys)}")
    return FieldKeyRing(keys, current)


MIN_TOKEN_KEY_BYTES = 32  # HS256 wants a key at least as long as its 256-bit hash


def weak_secrets(settings: Settings) -> list[str]:
    """What is wrong with the secrets, for prod: the dev defaults, a short signing key, a field key
    ring that does not parse (every key base64 of exactly 32 bytes, for AES-256), or one that holds
    the development key."""
    problems = []
    if settings.token_signing_key == DEV_TOKEN_KEY:
        problems.append("LINLI_TOKEN_SIGNING_KEY is the development default")
    elif len(settings.token_signing_key.encode()) < MIN_TOKEN_KEY_BYTES:
        problems.append(f"LINLI_TOKEN_SIGNING_KEY must be at least {MIN_TOKEN_KEY_BYTES} bytes")
    try:
        ring = field_key_ring(settings)
    except ValueError as error:
        problems.append(str(error))
    else:
        if base64.b64decode(DEV_FIELD_KEY) in ring.keys.values():
            problems.append("LINLI_FIELD_ENCRYPTION_KEY (or a key in LINLI_FIELD_KEYS) is the development default")
    if settings.voting_signing_key == DEV_VOTING_KEY:
        problems.append("LINLI_VOTING_SIGNING_KEY is the development default")
    else:
        try:
            voting_seed(settings)
        except ValueError as error:
            problems.append(str(error))
    return problems


def voting_seed(settings: Settings) -> bytes:
    """The Ed25519 seed of LINLI_VOTING_SIGNING_KEY: base64 of exactly 32 bytes."""
    try:
        seed = base64.b64decode(settings.voting_signing_key, validate=True)
    except binascii.Error:
        seed = b""
    if len(seed) != 32:
        raise ValueError("LINLI_VOTING_SIGNING_KEY must be base64 of a 32-byte Ed25519 seed")
    return seed


_current: Settings | None = None


def get_settings() -> Settings:
    """The settings in force: from the environment, unless the app was built with others."""
    global _current
    if _current is None:
        _current = Settings()
    return _current


def use_settings(settings: Settings) -> None:
    global _current
    _current = settings
