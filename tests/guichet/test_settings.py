"""Production refuses to start without its secrets, and ``check --deploy`` is clean with them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 30 + "-Zq8#vP2!mW7$xR4&tL9@nB6^cH3*fJ5",
    "ALLOWED_HOSTS": "clauses.exemple.fr",
    "SITE_URL": "https://clauses.exemple.fr",
    "DATABASE_URL": "postgres://app@db.exemple.fr:5432/clauses",
    "REDIS_URL": "redis://redis.exemple.fr:6379/0",
    "DEFAULT_FROM_EMAIL": "guichet@exemple.fr",
}


def manage(*args, env):
    # DATABASE_OWNER_URL (scripts/services.sh) belongs to the developer's database, not to the one of these checks.
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in SECRETS and k != "DATABASE_OWNER_URL" and not k.startswith("EMAIL_")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_check_deploy_is_clean_with_its_secrets():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=SECRETS)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_http_only_and_same_site():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    )
    result = manage("shell", "--no-imports", "-c", code, env=SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "Lax", "Lax", "True", "True", "True"]


def test_production_refuses_to_start_without_a_secret():
    for missing in ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "REDIS_URL"]:
        env = {k: v for k, v in SECRETS.items() if k != missing}
        result = manage("check", env=env)
        assert result.returncode != 0
        assert f"La variable d'environnement {missing} est obligatoire en production." in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", env={**SECRETS, "SECRET_KEY": "court"})
    assert result.returncode != 0
    assert "SECRET_KEY doit compter au moins 50 caractères" in result.stderr


def test_development_needs_no_environment():
    result = manage("check", env={"DJANGO_ENV": "development"})
    assert result.returncode == 0, result.stderr
