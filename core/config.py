"""One settings class, read from `DUTYDESK_*` environment variables (DESIGN.md §5)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"
DATABASE_URL_FORM = "sqlite:///path/to/file.db or postgresql+psycopg://user:password@host:5432/name"
# the drivers this service installs and is tested with
DATABASE_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql+psycopg"}


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


class RunMode(StrEnum):
    dev = "dev"
    demo = "demo"
    test = "test"
    production = "production"


class NotifierKind(StrEnum):
    outbox = "outbox"
    twilio = "twilio"


class GroupWebhookConfig(BaseModel):
    """A chat-robot webhook for broadcasts, e.g. the leadership group's WeCom robot."""

    kind: Literal["wecom", "dingtalk"]
    url: str

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http_url(value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DUTYDESK_", extra="ignore")

    env: RunMode = RunMode.dev
    database_url: str = "sqlite:///./dutydesk.db"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    timezone: str = "Asia/Shanghai"
    notifier: NotifierKind = NotifierKind.outbox
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    public_url: str = "http://127.0.0.1:8000"
    token_ttl_minutes: int = Field(default=8 * 60, ge=1, le=60 * 24 * 30)
    sql_echo: bool = False
    group_webhooks: dict[str, GroupWebhookConfig] = Field(default_factory=dict)
    tick_seconds: float = Field(default=2.0, gt=0, le=60)
    # Senders draining the notification outbox side by side in each instance's tick.
    send_workers: int = Field(default=4, ge=1, le=32)
    clock_file: str | None = None
    # A Chinese .ttf/.otf/.ttc font for report PDFs; unset: the bundled Noto Sans SC, else
    # Debian's WenQuanYi Zen Hei or Noto Sans CJK (complaints.report_render.resolve_font).
    report_font: str | None = None
    # Hourly early-warning detection and scheduled analysis reports in this instance's ticker.
    insight_jobs: bool = True
    # Days a signed Twilio reply's receipt is kept against a replay (escalation.webhook_receipts;
    # Twilio's own retries end within minutes); an hourly job deletes older ones.
    webhook_receipt_retention_days: int = Field(default=365, ge=1, le=3650)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        # the message never repeats the value: it may hold the database password
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError(f"not a database URL; expected {DATABASE_URL_FORM}") from None
        if driver not in DATABASE_DRIVERS:
            raise ValueError(
                f"unsupported database driver {driver!r}; expected {DATABASE_URL_FORM}"
            )
        return value

    @field_validator("public_url", "twilio_base_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        return _http_url(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _secrets_outside_dev(self) -> Self:
        relaxed = {RunMode.dev, RunMode.demo, RunMode.test}
        if self.env not in relaxed and self.secret_key.get_secret_value() == DEV_SECRET_KEY:
            raise ValueError("DUTYDESK_SECRET_KEY must be set to a non-default value in production")
        if self.env not in relaxed and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("DUTYDESK_SECRET_KEY must be at least 32 characters in production")
        if self.env is RunMode.production and self.clock_file:
            raise ValueError("DUTYDESK_CLOCK_FILE is a test seam and is refused in production")
        if self.notifier is NotifierKind.twilio:
            missing = [
                name
                for name, value in (
                    ("DUTYDESK_TWILIO_ACCOUNT_SID", self.twilio_account_sid),
                    ("DUTYDESK_TWILIO_AUTH_TOKEN", self.twilio_auth_token),
                    ("DUTYDESK_TWILIO_FROM_NUMBER", self.twilio_from_number),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"DUTYDESK_NOTIFIER=twilio needs {', '.join(missing)}")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
