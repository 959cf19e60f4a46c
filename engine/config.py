"""Settings from ``SHENPI_*`` environment variables, with embedded-mode defaults.

A value that does not fit its setting fails at once with :class:`InvalidSettings`, naming the variable and what
it expects. Keywords given to ``Settings(...)`` win over the environment; ``settings.model_copy(update={...})``
makes a changed copy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import EngineError, Message

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SHENPI_"
TRAIL_KEY_MIN_LENGTH = 32


class InvalidSettings(EngineError, ValueError):
    """An environment variable (or a keyword) whose value its setting cannot take; ``problems`` names each with
    what its setting expects (pydantic's words)."""

    code = "invalid_settings"
    status = 500


def _variable(name: str) -> AliasChoices:
    """A setting read from ``SHENPI_<name>`` where the variable's name differs from the field's."""
    return AliasChoices(ENV_PREFIX + name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, validate_by_name=True, validate_by_alias=True, extra="forbid"
    )

    database_url: str = f"sqlite:///{PROJECT_ROOT / 'instance' / 'shenpi.db'}"
    broker_url: str = f"filesystem://{PROJECT_ROOT / 'instance' / 'broker'}"
    # Empty: the web application generates one and keeps it in instance/secret_key.
    secret_key: str = ""
    # Session cookies only over HTTPS; `shenpi serve` on a loopback address turns this off for plain HTTP.
    secure_cookies: bool = True
    # Empty: memory:// in one process, or the Redis of SHENPI_REDIS_URL / a Redis broker when there is one.
    rate_limit_storage: str = ""
    # Redis shared by the processes (sign-in rate limits); empty: the broker's when it is Redis.
    redis_url: str = ""
    # Where the processes keep their state (beat's schedule, the beat lock on SQLite, metrics files); created
    # when missing.
    state_dir: Path = PROJECT_ROOT / "instance"
    # Celery beat's schedule file; empty: <state_dir>/celerybeat-schedule.
    beat_schedule: Path | None = None
    # Metrics (/metrics): the bearer token a scraper sends; empty: only loopback addresses may read them.
    metrics_token: SecretStr = SecretStr("")
    # gunicorn's multiprocess metrics folder (PROMETHEUS_MULTIPROC_DIR wins); empty: <state_dir>/metrics.
    metrics_dir: Path | None = None
    # Logs: "text" (human) or "json" (one object a line with request id, user, case id and element).
    log_format: Literal["text", "json"] = "text"
    # Proxies in front of the application that set X-Forwarded-For/-Proto (nginx: 1); 0: none is trusted.
    proxy_count: int = Field(0, ge=0, le=5)
    log_level: str = "INFO"
    processes_dir: Path = PROJECT_ROOT / "processes"
    max_upload_bytes: int = Field(2 * 1024 * 1024, ge=0)
    # One request may carry several files (an application with its materials).
    max_request_bytes: int = Field(20 * 1024 * 1024, ge=0)
    # A JSON request body (no files): its size and how deep its arrays and objects may nest.
    max_json_bytes: int = Field(2 * 1024 * 1024, ge=0)
    max_json_depth: int = Field(20, ge=1, le=200)
    sweep_interval_seconds: float = Field(30.0, gt=0, validation_alias=_variable("SWEEP_INTERVAL"))
    workflow_cache_size: int = Field(2000, ge=0)
    # BPMN files the modeler offers to open (a conformance corpus); a missing directory offers none.
    conformance_dir: Path = PROJECT_ROOT.parent / "shared" / "conformance"
    # Case materials (申请材料): content-addressed files; per-file size is max_upload_bytes.
    files_dir: Path = PROJECT_ROOT / "instance" / "files"
    max_case_files: int = Field(50, ge=0)
    max_case_bytes: int = Field(100 * 1024 * 1024, ge=0)
    office_hours: str = "09:00-12:00,13:30-17:30"
    # Notices by e-mail: no host, no e-mail (deliveries wait and fail with that reason).
    smtp_host: str = ""
    smtp_port: int = Field(25, ge=0, le=65535)
    smtp_sender: str = "shenpi@localhost"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    notify_interval_seconds: float = Field(30.0, gt=0, validation_alias=_variable("NOTIFY_INTERVAL"))
    # Complaints: working days a department has for its result once a complaint is forwarded to it.
    complaint_result_days: int = Field(10, ge=1)
    # SMS: the gateway that sends texts ("logging": write them to the log), and the shared secret the SMS
    # provider sends with inbound replies (empty: the inbound callback is switched off).
    sms_gateway: str = "logging"
    sms_inbound_secret: str = ""
    # Upward reporting to the provincial supervision platform (integrations/upward); empty URL: no reporting.
    upward_url: str = ""
    upward_platform_code: str = "shenpi"
    upward_region: str = ""
    upward_secret: str = ""  # HMAC-SHA256 key of the body
    upward_token: str = ""  # or a bearer token
    upward_batch_size: int = Field(500, ge=1)
    upward_interval_seconds: float = Field(60.0, gt=0, validation_alias=_variable("UPWARD_INTERVAL"))
    upward_timeout_seconds: float = Field(10.0, gt=0, validation_alias=_variable("UPWARD_TIMEOUT"))
    upward_max_attempts: int = Field(8, ge=1)
    upward_backoff_seconds: float = Field(30.0, ge=0, validation_alias=_variable("UPWARD_BACKOFF"))
    upward_backoff_cap_seconds: float = Field(3600.0, ge=0, validation_alias=_variable("UPWARD_BACKOFF_CAP"))
    # Incidents (engine/incidents): a case whose periodic work failed is tried again after this many seconds,
    # doubling with every failed attempt up to the cap.
    incident_backoff_seconds: float = Field(60.0, ge=0, validation_alias=_variable("INCIDENT_BACKOFF"))
    incident_backoff_cap_seconds: float = Field(3600.0, ge=0, validation_alias=_variable("INCIDENT_BACKOFF_CAP"))
    # Trail checkpoints (engine/trail/checkpoints.py): the HMAC key the database never holds (empty: checkpoints
    # off), the append-only file they go to, and the seconds between the beat's runs.
    trail_key: SecretStr = SecretStr("")
    trail_checkpoint_file: Path = PROJECT_ROOT / "instance" / "trail-checkpoints.jsonl"
    trail_checkpoint_interval_seconds: float = Field(
        300.0, gt=0, validation_alias=_variable("TRAIL_CHECKPOINT_INTERVAL")
    )

    @field_validator("trail_key")
    @classmethod
    def _long_enough(cls, key: SecretStr) -> SecretStr:
        if 0 < len(key.get_secret_value()) < TRAIL_KEY_MIN_LENGTH:
            raise ValueError(
                f"must be empty (checkpoints off) or at least {TRAIL_KEY_MIN_LENGTH} characters, "
                f"e.g. `openssl rand -hex 32`"
            )
        return key

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise InvalidSettings("settings_invalid", problems=_explain(exc, given=set(values))) from None

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url.startswith(("filesystem://", "memory://"))

    @property
    def shared_redis_url(self) -> str:
        """The Redis the processes share: SHENPI_REDIS_URL, else the broker when it is Redis; empty: none."""
        if self.redis_url:
            return self.redis_url
        return self.broker_url if self.broker_url.startswith(("redis://", "rediss://")) else ""

    @property
    def rate_limit_storage_url(self) -> str:
        return self.rate_limit_storage or self.shared_redis_url or "memory://"

    @property
    def beat_schedule_path(self) -> Path:
        return self.beat_schedule or self.state_dir / "celerybeat-schedule"

    @property
    def metrics_path(self) -> Path:
        return Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or self.metrics_dir or self.state_dir / "metrics")


def variable_name(field: str) -> str:
    """The environment variable a setting is read from."""
    alias = Settings.model_fields[field].validation_alias
    first = alias.choices[0] if isinstance(alias, AliasChoices) else None
    return first if isinstance(first, str) else ENV_PREFIX + field.upper()


SECRETS = {name for name, info in Settings.model_fields.items() if info.annotation is SecretStr}


def _explain(exc: ValidationError, given: set[str]) -> list[Message]:
    problems = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        if field not in Settings.model_fields:  # reported under the variable's own name
            field = next((name for name in Settings.model_fields if variable_name(name) == field), field)
        value = "'…'" if field in SECRETS else repr(error["input"])  # a secret is never printed
        problem = error["msg"].lower()
        if field in given:
            problems.append(Message("setting_keyword_refused", setting=field, value=value, problem=problem))
        else:
            problems.append(
                Message("setting_variable_refused", variable=variable_name(field), value=value, problem=problem)
            )
    return problems
