"""Production settings from the environment: the secret key, HTTPS, and ``check --deploy``.

Each case starts ``minsheng`` in a fresh process with exactly the variables it names (the
settings are read once, at start), never the test run's own environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import minsheng

ROOT = Path(minsheng.__file__).resolve().parent.parent
DEV_KEY = "minsheng-insecure-development-key-change-me-in-production-0123456789"
A_KEY = "k3Y-for-these-tests-only-9f8e7d6c5b4a39281706f5e4d3c2b1a0-ZyXwVuT"


def production_environment() -> dict[str, str]:
    """The variables docs/deployment.md lists for production, with a key filled in."""
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    block = guide.split("<!-- production-environment:")[1].split("```sh\n")[1].split("```")[0]
    lines = [line.strip() for line in block.splitlines()]
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert env["SECRET_KEY"] == ""  # the guide leaves it to the county
    return {**env, "SECRET_KEY": A_KEY}


PRODUCTION = production_environment()


def run(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``minsheng ARGS`` with only these variables (plus what any process needs)."""
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "MINSHENG_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(  # noqa: S603 (our own command line, our own arguments)
        [sys.executable, "-m", "minsheng.cli", *args],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_of(names: list[str], env: dict[str, str], tmp_path: Path) -> Any:
    code = (
        f"from django.conf import settings; print(repr([getattr(settings, n) for n in {names!r}]))"
    )
    done = run(["shell", "-c", code], env, tmp_path)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 (our own repr of settings)


def test_without_secret_key_production_settings_refuse_to_start(tmp_path: Path) -> None:
    done = run(["check"], {"DEBUG": "0"}, tmp_path)

    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert "System check identified" not in done.stdout


def test_debug_allows_the_development_key(tmp_path: Path) -> None:
    done = run(["check"], {"DEBUG": "1"}, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_deploy_check_refuses_the_development_key_even_when_set_by_hand(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": DEV_KEY}

    done = run(["check", "--deploy"], env, tmp_path)

    assert done.returncode != 0
    assert "(minsheng.E001) SECRET_KEY is the public development key" in done.stderr


def test_deploy_check_refuses_the_development_key_in_debug(tmp_path: Path) -> None:
    done = run(["check", "--deploy"], {"DEBUG": "1"}, tmp_path)

    assert done.returncode != 0
    assert "minsheng.E001" in done.stderr


def test_deploy_check_is_clean_with_the_production_variables(tmp_path: Path) -> None:
    done = run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_https_settings_come_from_the_environment(tmp_path: Path) -> None:
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "DEBUG",
    ]

    assert settings_of(names, PRODUCTION, tmp_path) == [
        31536000,
        True,
        True,
        True,
        ("HTTP_X_FORWARDED_PROTO", "https"),
        False,
    ]
    assert settings_of(names, {"SECRET_KEY": A_KEY}, tmp_path) == [
        0,
        False,
        False,
        False,
        None,
        False,
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("MINSHENG_LOGIN_ADDRESS_RATE", "30 a minute"),
        ("MINSHENG_LOGIN_COOLOFF_MINUTES", "0"),
        ("MINSHENG_LOGIN_FAILURE_LIMIT", "ten"),
    ],
)
def test_a_malformed_variable_stops_the_start_naming_it(
    tmp_path: Path, name: str, value: str
) -> None:
    done = run(["check"], {"SECRET_KEY": A_KEY, name: value}, tmp_path)

    assert done.returncode != 0
    assert name in done.stderr
