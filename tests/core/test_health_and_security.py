"""Health endpoints, production settings (check --deploy) and security headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_needs_no_database(client: Client, db, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_migrations(client: Client, db) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_when_migrations_are_pending(client: Client, db, monkeypatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("m", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == 1


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="learn.settings",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Kq9" * 10,
        DJANGO_ALLOWED_HOSTS="learn.example.com",
        **extra,
    )
    return env


def test_production_settings_pass_check_deploy() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_csp_has_no_unsafe_inline_or_eval(client: Client, course) -> None:
    response = client.get("/lessons/first/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = response.content.decode()
    assert " onclick=" not in html and "<script>" not in html.replace("<script src=", "")
    assert '"allowEval": false' in html and '"allowScriptTags": false' in html
    assert response["X-Frame-Options"] == "DENY"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_probes_by_pod_ip_over_http_pass_host_checks_and_https_redirect(db, settings) -> None:
    settings.ALLOWED_HOSTS = ["learn.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="10.244.1.17:8000")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    # Everything else still gets host validation.
    assert client.get("/").status_code == 400
