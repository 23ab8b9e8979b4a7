"""The production set-up: mscp.settings from environment variables (run in a subprocess, as
a server would), and deploy/'s files agreeing with the app and with each other."""

import json
import re
import runpy
import secrets
from pathlib import Path

import pytest
from gunicorn.config import KNOWN_SETTINGS

from front.views.imports import MAX_REQUEST_BYTES
from tests.helpers import ROOT, run_here

DEPLOY = ROOT / "deploy"


def production_env(tmp_path, **extra) -> dict:
    """What /etc/mscp/mscp.env holds, and nothing from this shell (no DJANGO_DEBUG)."""
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "mscp.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "plans.example.org,testserver",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MSCP_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def run_python(code: str, env: dict) -> dict:
    """Run code with Django set up under env; it prints one JSON object, returned here."""
    result = run_here(["-c", f"import django, json\ndjango.setup()\n{code}"], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_finds_nothing_with_production_settings(tmp_path):
    result = run_here(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?:" not in output


SETTINGS = """
from django.conf import settings as s
from django.test import Client
response = Client().get("/accounts/login/")
print(json.dumps({
    "debug": s.DEBUG,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "proxy_header": s.SECURE_PROXY_SSL_HEADER,
    "hsts": s.SECURE_HSTS_SECONDS,
    "hsts_subdomains": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_preload": s.SECURE_HSTS_PRELOAD,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "csrf_secure": s.CSRF_COOKIE_SECURE,
    "csrf_origins": s.CSRF_TRUSTED_ORIGINS,
    "email": s.EMAIL_BACKEND,
    "email_host": s.EMAIL_HOST,
    "email_port": s.EMAIL_PORT,
    "email_tls": s.EMAIL_USE_TLS,
    "from": s.DEFAULT_FROM_EMAIL,
    "session_engine": s.SESSION_ENGINE,
    "log_handlers": s.LOGGING["root"]["handlers"],
    "status": response.status_code,
    "location": response.get("Location"),
}))
"""


def test_production_settings(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_CSRF_TRUSTED_ORIGINS="https://plans.example.org",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_DEFAULT_FROM_EMAIL="Partnership plans <plans@example.org>",
    )
    values = run_python(SETTINGS, env)
    assert values == {
        **values,
        "debug": False,
        "ssl_redirect": True,
        "proxy_header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hsts": 31_536_000,
        "hsts_subdomains": True,
        "hsts_preload": True,
        "session_secure": True,
        "csrf_secure": True,
        "csrf_origins": ["https://plans.example.org"],
        "email": "django.core.mail.backends.smtp.EmailBackend",
        "email_host": "smtp.example.org",
        "email_port": 587,
        "email_tls": True,
        "from": "Partnership plans <plans@example.org>",
        "session_engine": "django.contrib.sessions.backends.db",
        "log_handlers": ["stdout"],
        "status": 301,
        "location": "https://testserver/accounts/login/",
    }


def test_the_proxy_header_is_believed_only_when_said(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_BEHIND_TLS_PROXY"]
    assert run_python(SETTINGS, env)["proxy_header"] is None


def test_development_keeps_plain_http(tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1")
    del env["DJANGO_SECRET_KEY"], env["DJANGO_BEHIND_TLS_PROXY"]
    values = run_python(SETTINGS, env)
    assert values == {
        **values,
        "debug": True,
        "ssl_redirect": False,
        "hsts": 0,
        "session_secure": False,
        "csrf_secure": False,
        "email": "django.core.mail.backends.console.EmailBackend",
        "status": 200,  # the sign-in page itself, over http
    }


def test_collectstatic_works_with_the_production_storage(tmp_path):
    """The manifest storage refuses a stylesheet naming a file it cannot find (the test
    settings use plain storage, so only this catches it). WhiteNoise's compression, which
    takes most of the time, is left out."""
    assert (ROOT / "static" / "build" / "app.css").exists(), "build the assets: npm run build"
    (tmp_path / "collect_settings.py").write_text(
        "from mscp.settings import *  # noqa\n"
        f"STATIC_ROOT = {str(tmp_path / 'static')!r}\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "
        "'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n"
    )
    env = production_env(
        tmp_path, DJANGO_SETTINGS_MODULE="collect_settings", PYTHONPATH=str(tmp_path)
    )
    result = run_here(["manage.py", "collectstatic", "--noinput", "-v0"], env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "build/app.css" in manifest["paths"]


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    # Port 9 (discard) on this machine: nothing listens, so the connection is refused.
    env = production_env(tmp_path, DATABASE_URL="postgres://mscp:x@127.0.0.1:9/mscp")
    code = (
        "from django.test import Client\n"
        "r = Client().get('/healthz/')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.content.decode(), "
        "'type': r['Content-Type']}))"
    )
    assert run_python(code, env) == {
        "status": 503,
        "body": "database unavailable",
        "type": "text/plain; charset=utf-8",
    }


# --- deploy/ ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gunicorn_conf():
    return {
        name: value
        for name, value in runpy.run_path(str(DEPLOY / "gunicorn.conf.py")).items()
        if not name.startswith("_") and name not in {"os", "multiprocessing"}
    }


def test_gunicorn_conf_sets_only_real_settings(gunicorn_conf):
    known = {setting.name for setting in KNOWN_SETTINGS}
    assert set(gunicorn_conf) <= known, set(gunicorn_conf) - known


def test_gunicorn_conf(gunicorn_conf):
    assert 2 <= gunicorn_conf["workers"] <= 8
    assert 30 <= gunicorn_conf["timeout"] <= 120
    assert gunicorn_conf["accesslog"] == "-"
    assert gunicorn_conf["max_requests"] > 0 and gunicorn_conf["max_requests_jitter"] > 0
    assert gunicorn_conf["bind"] == "127.0.0.1:8000"


def nginx_directive(name: str) -> str:
    values = re.findall(rf"^\s*{name}\s+([^;]+);", (DEPLOY / "nginx-mscp.conf").read_text(), re.M)
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def test_nginx_takes_the_largest_upload_the_app_accepts():
    size = nginx_directive("client_max_body_size")
    assert size.endswith("m")
    assert int(size[:-1]) * 1024 * 1024 >= MAX_REQUEST_BYTES


def test_nginx_waits_longer_than_gunicorn(gunicorn_conf):
    assert int(nginx_directive("proxy_read_timeout").rstrip("s")) > gunicorn_conf["timeout"]


def test_nginx_sets_the_headers_django_believes():
    text = (DEPLOY / "nginx-mscp.conf").read_text()
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "proxy_set_header Host $host;" in text


def environment_variables(path: Path) -> set[str]:
    text = path.read_text()
    return set(
        re.findall(r"""(?:environ(?:\.get)?[\[(]|env_\w+\()\s*["']([A-Z][A-Z0-9_]+)["']""", text)
    )


def test_the_example_environment_documents_every_variable():
    used = {
        "DATABASE_URL",  # read by dj_database_url.config()
        *environment_variables(ROOT / "mscp" / "settings.py"),
        *environment_variables(DEPLOY / "gunicorn.conf.py"),
    }
    assert {"DJANGO_SECRET_KEY", "GUNICORN_BIND", "MSCP_SESSION_MAX_AGE"} <= used
    example = (DEPLOY / "mscp.env.example").read_text()
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert used <= documented, used - documented


def test_the_systemd_unit_runs_gunicorn_with_the_conf_and_the_environment():
    unit = (DEPLOY / "mscp.service").read_text()
    assert "EnvironmentFile=/etc/mscp/mscp.env" in unit
    assert "--config deploy/gunicorn.conf.py mscp.wsgi" in unit
    assert "/etc/mscp/mscp.env" in (DEPLOY / "mscp.env.example").read_text()
