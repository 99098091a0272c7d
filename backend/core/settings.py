"""Settings from the environment (prefix LINLI_). prod refuses to start on weak or development secrets."""

import base64
import binascii
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_TOKEN_KEY = "dev-only-token-signing-key-change-me-0123456789"
# 32 zero-ish bytes, base64: good enough for a laptop, never for prod.
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0zMiE="


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LINLI_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    database_url: str = "sqlite://var/linli.sqlite3"
    redis_url: str | None = Field(default=None, description="absent = in-process cache, pub/sub and queue")
    redis_prefix: str = "linli:"
    token_signing_key: str = DEV_TOKEN_KEY
    field_encryption_key: str = DEV_FIELD_KEY
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
    fanout_batch: int = 2000  # recipients written per transaction when a notice fans out
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

    @model_validator(mode="after")
    def _strong_secrets_in_prod(self) -> "Settings":
        if self.env == "prod" and (problems := weak_secrets(self)):
            raise ValueError("prod refuses weak secrets: " + "; ".join(problems))
        return self

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"


MIN_TOKEN_KEY_BYTES = 32  # HS256 wants a key at least as long as its 256-bit hash


def weak_secrets(settings: Settings) -> list[str]:
    """What is wrong with the secrets, for prod: the dev defaults, a short signing key, a field key
    that is not base64 of exactly 32 bytes (AES-256)."""
    problems = []
    if settings.token_signing_key == DEV_TOKEN_KEY:
        problems.append("LINLI_TOKEN_SIGNING_KEY is the development default")
    elif len(settings.token_signing_key.encode()) < MIN_TOKEN_KEY_BYTES:
        problems.append(f"LINLI_TOKEN_SIGNING_KEY must be at least {MIN_TOKEN_KEY_BYTES} bytes")
    if settings.field_encryption_key == DEV_FIELD_KEY:
        problems.append("LINLI_FIELD_ENCRYPTION_KEY is the development default")
    else:
        try:
            key = base64.b64decode(settings.field_encryption_key, validate=True)
        except binascii.Error:
            key = b""
        if len(key) != 32:
            problems.append("LINLI_FIELD_ENCRYPTION_KEY must be base64 of 32 random bytes")
    return problems


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
