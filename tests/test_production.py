"""Production settings: a bad environment stops startup in words; with DEBUG off the
pages render from collected, hashed static files (WhiteNoise's manifest)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Every test here runs manage.py or Python in a subprocess.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

RENDER = r"""
import django
django.setup()
from django.test import Client
for url in ["/", "/negotiations/japan-us-2025/", "/tariff-lines/", "/nowhere/", "/api/docs"]:
    print(url, Client(HTTP_HOST="tracker.example.org").get(url).status_code)
docs = Client(HTTP_HOST="tracker.example.org").get("/api/docs").content.decode()
import re
hashed = re.search(r"/static/ninja/swagger-ui-bundle\.[0-9a-f]{12}\.js", docs)
print("hashed docs files:", bool(hashed))
"""


def run(args, env, timeout=300):
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def production_env(tmp_path, **overrides):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-django-checks-0123456789",
        "ALLOWED_HOSTS": "tracker.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Set for the browser tests; Django's deploy check rightly refuses it.
        "DJANGO_ALLOW_ASYNC_UNSAFE": None,
        # As the README's production settings: the load balancer redirects and sends HSTS.
        "HTTPS_REDIRECT_BY_PROXY": "true",
        "HSTS_BY_PROXY": "true",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is false"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set when DEBUG is false"),
        ({"CONN_MAX_AGE": "forever"}, "CONN_MAX_AGE must be a whole number, not 'forever'"),
        (
            {"CACHE_URL": "memcached://cache:11211"},
            "CACHE_URL must start with db://, redis://, rediss://, unix:// or locmem://, "
            "not 'memcached://cache:11211'",
        ),
        ({"CACHE_MAX_ENTRIES": "lots"}, "CACHE_MAX_ENTRIES must be a whole number, not 'lots'"),
        ({"SESSION_HOURS": "long"}, "SESSION_HOURS must be a whole number, not 'long'"),
        ({"HSTS_BY_PROXY": "perhaps"}, "HSTS_BY_PROXY must be true or false, not 'perhaps'"),
        (
            {"API_RATE_LIMIT": "fast"},
            "API_RATE_LIMIT must be a number of requests per period, such as 120/min",
        ),
    ],
)
def test_a_bad_setting_stops_startup_with_a_message(tmp_path, overrides, message):
    result = run([sys.executable, "manage.py", "check"], production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert message in result.stderr


def test_with_debug_off_pages_render_from_collected_static_files(tmp_path):
    env = production_env(tmp_path)
    steps = (
        ["migrate", "--noinput"],
        ["createcachetable"],
        ["load_demo"],
        ["collectstatic", "--noinput"],
    )
    for args in steps:
        result = run([sys.executable, "manage.py", *args], env)
        assert result.returncode == 0, result.stderr
    deploy = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    pages = run([sys.executable, "-c", RENDER], env)

    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert pages.returncode == 0, pages.stderr
    assert pages.stdout.split("\n")[:6] == [
        "/ 200",
        "/negotiations/japan-us-2025/ 200",
        "/tariff-lines/ 200",
        "/nowhere/ 404",
        "/api/docs 200",
        "hashed docs files: True",
    ]
    assert any((tmp_path / "static" / "css").glob("site.*.css"))


def test_the_deploy_check_warns_while_nothing_redirects_to_https_or_sends_hsts(tmp_path):
    # Unset, the variables hide nothing: the operator must say who does it.
    env = production_env(tmp_path, HTTPS_REDIRECT_BY_PROXY=None, HSTS_BY_PROXY=None)
    run([sys.executable, "manage.py", "migrate", "--noinput"], env)

    deploy = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert deploy.returncode != 0
    assert "security.W004" in deploy.stderr and "security.W008" in deploy.stderr
    assert "(0 silenced)" in deploy.stderr


def test_the_deploy_check_passes_when_the_app_itself_redirects_and_sends_hsts(tmp_path):
    env = production_env(
        tmp_path,
        HTTPS_REDIRECT_BY_PROXY=None,
        HSTS_BY_PROXY=None,
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
    )
    run([sys.executable, "manage.py", "migrate", "--noinput"], env)

    deploy = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


@pytest.mark.parametrize(
    ("cache_url", "backend", "location"),
    [
        (None, "django.core.cache.backends.db.DatabaseCache", "tracker_cache"),
        (
            "redis://cache.internal:6379/1",
            "django.core.cache.backends.redis.RedisCache",
            "redis://cache.internal:6379/1",
        ),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "None"),
    ],
)
def test_the_cache_is_the_database_unless_cache_url_names_another(
    tmp_path, cache_url, backend, location
):
    show = "import django; django.setup(); from django.conf import settings; "
    show += "c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION'))"

    result = run([sys.executable, "-c", show], production_env(tmp_path, CACHE_URL=cache_url))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [backend, location]
