import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_home_says_what_the_product_is_and_links_the_api_docs(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ouvidoria" in text
    assert "/api/docs/" in text
    assert "bcb-ouvidoria" in text


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "s" * 50}, "OUVIDORIA_ENCRYPTION_KEYS"),
    ],
)
def test_production_refuses_to_start_without_keys(env, complaint):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "OUVIDORIA_ENCRYPTION_KEYS"}}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, **env, "OUVIDORIA_ENV": "production", "DJANGO_SETTINGS_MODULE": "ouvidoria.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_starts_with_both_keys():
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "OUVIDORIA_ENV": "production",
        "SECRET_KEY": "s" * 50,
        "OUVIDORIA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "ouvidoria.example.com",
        "DJANGO_SETTINGS_MODULE": "ouvidoria.settings",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("variable", ["HUEY_REDIS_URL", "OUVIDORIA_CACHE_REDIS_URL"])
def test_redis_asked_for_without_its_client_installed_is_a_clear_error(variable):
    # Redis's client is the optional extra "redis", not installed by `make`: the settings say how to get it.
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**os.environ, variable: "redis://127.0.0.1:6379/0", "DJANGO_SETTINGS_MODULE": "ouvidoria.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"{variable} is set: install Redis's client with `uv sync --extra redis`" in result.stderr
