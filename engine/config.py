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
from .kernel.blob_store import files_url_scheme
from .kernel.clock import clock_from_setting

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
    # Demo mode (`make run` sets it): the sign-in page lists which demo account works which matter's steps.
    demo: bool = False
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
    # Bounds of conditions, scripts and timers (engine/definitions/expressions.py): lines one evaluation may run
    # and seconds it may take, bytes of data a script may leave in a case, days a timer may wait (durations, dates
    # from now, cycle intervals, working_days(N); working_hours(N) up to 24 times as many hours).
    expression_step_limit: int = Field(100_000, ge=1000)
    expression_time_limit: float = Field(5.0, gt=0, le=600)
    script_data_max_bytes: int = Field(1024 * 1024, ge=1024)
    timer_max_days: int = Field(3660, ge=1, le=36600)
    # BPMN files the modeler offers to open (a conformance corpus); a missing directory offers none.
    conformance_dir: Path = PROJECT_ROOT.parent / "shared" / "conformance"
    # Case materials (申请材料): content-addressed files; per-file size is max_upload_bytes. Where they are kept:
    # files_url (engine/kernel/blob_store.py): empty — the folder files_dir; a path or file:///path; db: (the
    # application's database, written in the transaction of the case change) or postgresql://…; s3://bucket/prefix
    # ?endpoint=…&region=… (credentials from the AWS_* variables).
    files_dir: Path = PROJECT_ROOT / "instance" / "files"
    files_url: str = ""
    # Content nothing references is deleted once nobody wrote it for this long (seconds), by a periodic run.
    files_orphan_grace_seconds: float = Field(86400.0, ge=0, validation_alias=_variable("FILES_ORPHAN_GRACE"))
    files_cleanup_interval_seconds: float = Field(3600.0, gt=0, validation_alias=_variable("FILES_CLEANUP_INTERVAL"))
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
    # Connectors (service tasks, send tasks, message throws; engine/runtime/connector_calls.py): the hosts they may
    # call (host:port, separated by commas or spaces; none by default), seconds one call may take, the retries of a
    # failed call (waiting connector_backoff seconds, doubling) before the case gets an incident.
    connector_hosts: str = ""
    connector_timeout_seconds: float = Field(10.0, gt=0, le=300, validation_alias=_variable("CONNECTOR_TIMEOUT"))
    connector_retries: int = Field(3, ge=0, le=10)
    connector_backoff_seconds: float = Field(1.0, ge=0, le=60, validation_alias=_variable("CONNECTOR_BACKOFF"))
    # Intake (《行政许可法》 Art. 32): working days the window has to accept, refuse or send the 补正 notice when the
    # matter's catalogue entry sets no intake_limit_days; past it the application counts as accepted on receipt.
    intake_limit_days: int = Field(5, ge=1, le=20)
    # Electronic licences: the number's pattern ({matter_code}, {department}, {year} and the per-matter, per-year
    # {seq}, e.g. {seq:06d}), and the address the public reaches this system at (the QR code on a licence's PDF
    # points to {public_url}/verify/{code}).
    licence_number_pattern: str = "{matter_code}-{year}-{seq:06d}"
    public_url: str = "http://localhost:5000"
    # Trail checkpoints (engine/trail/checkpoints.py): the HMAC key the database never holds (empty: checkpoints
    # off), the append-only file they go to, and the seconds between the beat's runs.
    trail_key: SecretStr = SecretStr("")
    trail_checkpoint_file: Path = PROJECT_ROOT / "instance" / "trail-checkpoints.jsonl"
    trail_checkpoint_interval_seconds: float = Field(
        300.0, gt=0, validation_alias=_variable("TRAIL_CHECKPOINT_INTERVAL")
    )
    # The engine's clock. Empty: the system clock (production). ``INSTANT@UNIX-SECONDS``: the clock reads INSTANT
    # (ISO-8601) when the system clock reads UNIX-SECONDS and runs on from there, so every process given the same
    # value agrees (bench/http_load.py and the crash tests run a deployment on a date that is not today's).
    clock: str = ""

    @field_validator("clock")
    @classmethod
    def _readable_clock(cls, value: str) -> str:
        try:
            clock_from_setting(value)
        except (ValueError, OverflowError):
            raise ValueError("must be empty or INSTANT@UNIX-SECONDS, e.g. 2026-11-23T09:00+08:00@1795000000") from None
        return value

    @field_validator("files_url")
    @classmethod
    def _known_store(cls, url: str) -> str:
        files_url_scheme(url)  # a ValueError says what is expected
        return url

    @field_validator("licence_number_pattern")
    @classmethod
    def _pattern_formats(cls, pattern: str) -> str:
        try:
            sample = pattern.format(matter_code="X", department="D", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"uses {{matter_code}}, {{department}}, {{year}} and {{seq}} only ({exc})") from None
        if "{seq" not in pattern or not 0 < len(sample) <= 80:
            raise ValueError("must contain {seq} and give a number of at most 80 characters")
        return pattern

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
