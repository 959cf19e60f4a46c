"""Settings from ``SHENPI_*`` environment variables, with embedded-mode defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"SHENPI_{name}", default)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", f"sqlite:///{PROJECT_ROOT / 'instance' / 'shenpi.db'}"))
    broker_url: str = field(default_factory=lambda: _env("BROKER_URL", f"filesystem://{PROJECT_ROOT / 'instance' / 'broker'}"))
    # Empty: the web application generates one and keeps it in instance/secret_key.
    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", ""))
    # Session cookies only over HTTPS; `shenpi serve` on a loopback address turns this off for plain HTTP.
    secure_cookies: bool = field(default_factory=lambda: _env("SECURE_COOKIES", "1") not in ("0", "false", "no"))
    rate_limit_storage: str = field(default_factory=lambda: _env("RATE_LIMIT_STORAGE", "memory://"))
    processes_dir: Path = field(default_factory=lambda: Path(_env("PROCESSES_DIR", str(PROJECT_ROOT / "processes"))))
    max_upload_bytes: int = field(default_factory=lambda: int(_env("MAX_UPLOAD_BYTES", str(2 * 1024 * 1024))))
    # One request may carry several files (an application with its materials).
    max_request_bytes: int = field(default_factory=lambda: int(_env("MAX_REQUEST_BYTES", str(20 * 1024 * 1024))))
    sweep_interval_seconds: float = field(default_factory=lambda: float(_env("SWEEP_INTERVAL", "30")))
    workflow_cache_size: int = field(default_factory=lambda: int(_env("WORKFLOW_CACHE_SIZE", "2000")))
    # BPMN files the modeler offers to open (a conformance corpus); a missing directory offers none.
    conformance_dir: Path = field(default_factory=lambda: Path(_env("CONFORMANCE_DIR", str(PROJECT_ROOT.parent / "shared" / "conformance"))))
    # Case materials (申请材料): content-addressed files; per-file size is max_upload_bytes.
    files_dir: Path = field(default_factory=lambda: Path(_env("FILES_DIR", str(PROJECT_ROOT / "instance" / "files"))))
    max_case_files: int = field(default_factory=lambda: int(_env("MAX_CASE_FILES", "50")))
    max_case_bytes: int = field(default_factory=lambda: int(_env("MAX_CASE_BYTES", str(100 * 1024 * 1024))))
    office_hours: str = field(default_factory=lambda: _env("OFFICE_HOURS", "09:00-12:00,13:30-17:30"))
    # Notices by e-mail: no host, no e-mail (deliveries wait and fail with that reason).
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: int(_env("SMTP_PORT", "25")))
    smtp_sender: str = field(default_factory=lambda: _env("SMTP_SENDER", "shenpi@localhost"))
    smtp_user: str = field(default_factory=lambda: _env("SMTP_USER", ""))
    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""))
    smtp_starttls: bool = field(default_factory=lambda: _env("SMTP_STARTTLS", "0") in ("1", "true", "yes"))
    notify_interval_seconds: float = field(default_factory=lambda: float(_env("NOTIFY_INTERVAL", "30")))
    # Complaints: working days a department has for its result once a complaint is forwarded to it.
    complaint_result_days: int = field(default_factory=lambda: int(_env("COMPLAINT_RESULT_DAYS", "10")))
    # SMS: the gateway that sends texts ("logging": write them to the log), and the shared secret the SMS
    # provider sends with inbound replies (empty: the inbound callback is switched off).
    sms_gateway: str = field(default_factory=lambda: _env("SMS_GATEWAY", "logging"))
    sms_inbound_secret: str = field(default_factory=lambda: _env("SMS_INBOUND_SECRET", ""))
    # Upward reporting to the provincial supervision platform (integrations/upward); empty URL: no reporting.
    upward_url: str = field(default_factory=lambda: _env("UPWARD_URL", ""))
    upward_platform_code: str = field(default_factory=lambda: _env("UPWARD_PLATFORM_CODE", "shenpi"))
    upward_region: str = field(default_factory=lambda: _env("UPWARD_REGION", ""))
    upward_secret: str = field(default_factory=lambda: _env("UPWARD_SECRET", ""))   # HMAC-SHA256 key of the body
    upward_token: str = field(default_factory=lambda: _env("UPWARD_TOKEN", ""))     # or a bearer token
    upward_batch_size: int = field(default_factory=lambda: int(_env("UPWARD_BATCH_SIZE", "500")))
    upward_interval_seconds: float = field(default_factory=lambda: float(_env("UPWARD_INTERVAL", "60")))
    upward_timeout_seconds: float = field(default_factory=lambda: float(_env("UPWARD_TIMEOUT", "10")))
    upward_max_attempts: int = field(default_factory=lambda: int(_env("UPWARD_MAX_ATTEMPTS", "8")))
    upward_backoff_seconds: float = field(default_factory=lambda: float(_env("UPWARD_BACKOFF", "30")))
    upward_backoff_cap_seconds: float = field(default_factory=lambda: float(_env("UPWARD_BACKOFF_CAP", "3600")))

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url.startswith(("filesystem://", "memory://"))
