"""Settings come from SHENPI_* variables (pydantic-settings); a value that does not fit names the variable and
what it expects, and the shenpi command says so without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.config import PROJECT_ROOT, InvalidSettings, Settings
from web.cli import main


def test_defaults_and_variables(monkeypatch):
    for name in ("SHENPI_MAX_UPLOAD_BYTES", "SHENPI_SWEEP_INTERVAL", "SHENPI_SECURE_COOKIES", "SHENPI_PROCESSES_DIR"):
        monkeypatch.delenv(name, raising=False)
    defaults = Settings()
    assert defaults.max_upload_bytes == 2 * 1024 * 1024 and defaults.sweep_interval_seconds == 30
    assert defaults.secure_cookies is True and defaults.processes_dir == PROJECT_ROOT / "processes"
    monkeypatch.setenv("SHENPI_MAX_UPLOAD_BYTES", "1024")
    monkeypatch.setenv("SHENPI_SWEEP_INTERVAL", "5")
    monkeypatch.setenv("SHENPI_SECURE_COOKIES", "0")
    monkeypatch.setenv("SHENPI_PROCESSES_DIR", "/srv/processes")
    read = Settings()
    assert (read.max_upload_bytes, read.sweep_interval_seconds, read.secure_cookies) == (1024, 5.0, False)
    assert read.processes_dir == Path("/srv/processes")


def test_keywords_win_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SHENPI_DATABASE_URL", "sqlite:///elsewhere.db")
    settings = Settings(
        database_url="sqlite://",
        broker_url="memory://",
        processes_dir=tmp_path,
        files_dir=tmp_path / "files",
        secret_key="k",
        sweep_interval_seconds=60,
    )
    assert settings.database_url == "sqlite://" and settings.files_dir == tmp_path / "files"
    assert settings.sweep_interval_seconds == 60 and settings.embedded_broker
    assert settings.model_copy(update={"secret_key": "other"}).secret_key == "other"


@pytest.mark.parametrize(
    "name,value,expects",
    [
        ("SHENPI_MAX_UPLOAD_BYTES", "abc", "valid integer"),
        ("SHENPI_SWEEP_INTERVAL", "soon", "valid number"),
        ("SHENPI_SECURE_COOKIES", "perhaps", "valid boolean"),
        ("SHENPI_SMTP_PORT", "70000", "less than or equal to 65535"),
    ],
)
def test_a_bad_variable_is_named_with_what_it_expects(monkeypatch, name, value, expects):
    monkeypatch.setenv(name, value)
    with pytest.raises(InvalidSettings) as refused:
        Settings()
    assert f"{name}={value!r}" in str(refused.value) and expects in str(refused.value)
    [problem] = refused.value.params["problems"]
    assert (refused.value.reason, problem.reason, problem.params["variable"]) == (
        "settings_invalid",
        "setting_variable_refused",
        name,
    )


def test_the_command_prints_the_problem_not_a_traceback(monkeypatch):
    monkeypatch.setenv("SHENPI_MAX_UPLOAD_BYTES", "abc")
    result = CliRunner().invoke(main, ["init-db"])
    assert result.exit_code == 1
    assert "SHENPI_MAX_UPLOAD_BYTES='abc'" in result.output and "integer" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
