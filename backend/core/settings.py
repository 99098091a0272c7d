"""Settings from the environment (prefix LINLI_). prod refuses to start on the development secrets."""

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
    # Per caller (person, or client address when anonymous): a burst, refilled per second.
    rate_burst: int = 60
    rate_per_second: float = 10.0

    @model_validator(mode="after")
    def _no_default_secrets_in_prod(self) -> "Settings":
        if self.env == "prod":
            defaults = [
                name
                for name, dev in (("TOKEN_SIGNING_KEY", DEV_TOKEN_KEY), ("FIELD_ENCRYPTION_KEY", DEV_FIELD_KEY))
                if getattr(self, name.lower()) == dev
            ]
            if defaults:
                raise ValueError(f"prod refuses the development defaults of LINLI_{', LINLI_'.join(defaults)}")
        return self

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"


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
