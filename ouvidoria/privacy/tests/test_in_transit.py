"""Issue 19: `check --deploy` in production warned of HSTS (W004) and the HTTPS redirect (W008). Both are settings
of the environment now, on by default in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[3]


def deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: the suite's own variables (e.g. DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests) are not
    # a production deployment's.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    env.update(
        OUVIDORIA_ENV="production",
        SECRET_KEY="x" * 20 + Fernet.generate_key().decode(),
        OUVIDORIA_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        OUVIDORIA_BLIND_INDEX_KEY="x" * 40,
        ALLOWED_HOSTS="ouvidoria.example.com",
        OUVIDORIA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(extra)
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_production_passes_the_deploy_check_with_hsts_and_the_https_redirect(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W004" not in result.stderr
    assert "W008" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "warning"),
    [("SECURE_SSL_REDIRECT", "W008"), ("SECURE_HSTS_SECONDS", "W004"), ("OUVIDORIA_BLIND_INDEX_KEY", "privacy.W001")],
)
def test_each_is_a_setting_of_the_environment(tmp_path, variable, warning):
    result = deploy_check(tmp_path, **{variable: "" if variable.startswith("OUVIDORIA") else "0"})
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr
