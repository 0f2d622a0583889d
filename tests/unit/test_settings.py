"""Settings from the environment: the security settings read as written, a value the service cannot use refused
at start with the variable's name, and every variable read listed in the README's configuration table."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ticketing.cli import cli
from ticketing.deploy.settings import InvalidSetting, Settings

README = Path(__file__).resolve().parents[2] / "README.md"
VARIABLE = re.compile(r"\bTICKETING_[A-Z0-9_]+\b")

SECURITY = {
    "TICKETING_TRUSTED_PROXIES": "2",
    "TICKETING_METRICS_TOKEN": "scraper-token",
    "TICKETING_METRICS_ALLOW": "10.0.0.5, 192.168.0.0/24,",
    "TICKETING_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3",
    "TICKETING_TRACK_LIMIT": "1 per minute",
    "TICKETING_LOGIN_LIMIT": "2 per minute;20 per hour",
    "TICKETING_OPEN311_KEY_LIMIT": "3 per minute",
    "TICKETING_OPEN311_ADDRESS_LIMIT": "4/minute",
    "TICKETING_API_TOKEN_LIMIT": "5 per second",
}
LIMITS = [name for name in SECURITY if name.endswith("_LIMIT")]  # track, login, Open311 per key and address, API


def test_the_security_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECURITY.items():
        monkeypatch.setenv(name, value)

    settings = Settings.from_env()

    assert settings.trusted_proxies == 2
    assert settings.metrics_token == "scraper-token"
    assert settings.metrics_allow == ("10.0.0.5", "192.168.0.0/24")
    assert settings.ratelimit_storage_uri == "redis://127.0.0.1:6379/3"
    assert settings.track_limit == "1 per minute"
    assert settings.login_limit == "2 per minute;20 per hour"
    assert settings.open311_key_limit == "3 per minute"
    assert settings.open311_address_limit == "4/minute"
    assert settings.api_token_limit == "5 per second"

    for name in SECURITY:  # set but empty, as a unit file's `Environment=NAME=` leaves it: the defaults
        monkeypatch.setenv(name, "")
    empty, defaults = Settings.from_env(), Settings()
    fields = [name.removeprefix("TICKETING_").lower() for name in SECURITY]  # TICKETING_LOGIN_LIMIT: login_limit
    assert [getattr(empty, field) for field in fields] == [getattr(defaults, field) for field in fields]


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        *((name, "10 per fortnight", "is not a rate limit") for name in LIMITS),
        ("TICKETING_LOGIN_LIMIT", "ten per minute", "is not a rate limit"),
        ("TICKETING_TRUSTED_PROXIES", "two", "give a whole number, 0 or more"),
        ("TICKETING_TRUSTED_PROXIES", "-1", "give a whole number, 0 or more"),
        ("TICKETING_PUBLIC_URL", "grid.example.cn", "give the address residents open"),
        ("TICKETING_PUBLIC_URL", "https://grid.example.cn/r?x=1", "give the address residents open"),
    ],
)
def test_a_value_the_service_cannot_use_is_refused_with_the_variables_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(InvalidSetting) as refused:
        Settings.from_env()

    assert str(refused.value).startswith(f"{name}={value!r}") and reason in str(refused.value)


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://grid.example.cn/", "https://grid.example.cn"),
        ("http://10.0.0.5:8000/grid", "http://10.0.0.5:8000/grid"),
    ],
)
def test_the_public_address_for_residents_links_is_kept_without_its_trailing_slash(
    monkeypatch: pytest.MonkeyPatch, value: str, kept: str
) -> None:
    monkeypatch.setenv("TICKETING_PUBLIC_URL", value)

    assert Settings.from_env().public_url == kept


def test_the_command_line_and_the_web_processes_refuse_a_malformed_limit_at_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKETING_LOGIN_LIMIT", "10 per fortnight")  # Flask-Limiter would skip it: no limit at all

    result = CliRunner().invoke(cli, ["serve", "--port", "1"])
    wsgi = subprocess.run(
        [sys.executable, "-c", "import ticketing.web.wsgi"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.exit_code == 1 and "serving on" not in result.output
    assert "error: TICKETING_LOGIN_LIMIT='10 per fortnight' is not a rate limit" in result.output
    assert wsgi.returncode != 0 and "Traceback" not in wsgi.stderr
    assert "error: TICKETING_LOGIN_LIMIT='10 per fortnight' is not a rate limit" in wsgi.stderr


def _configuration_table() -> set[str]:
    """The variables in the first column of the README's table under ``## Configuration``."""
    section = README.read_text(encoding="utf-8").split("\n## Configuration\n", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in VARIABLE.findall(row.split("|")[1])}


def test_every_variable_the_settings_read_is_in_the_readmes_configuration_table() -> None:
    read = set(VARIABLE.findall(inspect.getsource(Settings.from_env)))
    assert {"TICKETING_DATABASE_URL", *SECURITY} <= read  # the source was read, not an empty string

    assert sorted(read - _configuration_table()) == []
