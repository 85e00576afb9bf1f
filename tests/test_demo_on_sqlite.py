"""`make run`'s path on the embedded default: SQLite, migrate, createcachetable, load_demo,
the home page.

The suite runs on PostgreSQL; this keeps the zero-setup SQLite default from rotting.
It runs manage.py in subprocesses, as `make run` does, against a throwaway file.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECK_PAGES = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
for url in ["/", "/negotiations/japan-us-2025/?round=2"]:
    response = client.get(url)
    print(url, response.status_code)
# The search's plain fallback (icontains): what it finds first of each kind asked.
import re
for query, kind in [("rice", "issues"), ("87.03", "lines"), ("赤沢", "officials"), ("steel", "hs")]:
    page = client.get("/search/", {"q": query}).content.decode()
    group = re.search(f'aria-labelledby="results-{kind}">(.*?)</section>', page, re.S).group(1)
    print(query, kind, re.search(r"<li>\\s*<a [^>]*>(.*?)</a>", group).group(1))
"""


def python(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args, env):
    return python("manage.py", *args, env=env)


@pytest.fixture
def sqlite_env(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


@pytest.mark.slow
def test_the_demo_loads_and_serves_on_sqlite(sqlite_env):
    for args in (["migrate", "--noinput"], ["createcachetable"], ["load_demo"]):
        result = manage(*args, env=sqlite_env)
        assert result.returncode == 0, result.stderr

    again = manage("load_demo", env=sqlite_env)
    pages = python("-c", CHECK_PAGES, env=sqlite_env, timeout=120)

    assert again.returncode == 0 and "the demo data was not loaded" in again.stdout
    assert pages.returncode == 0, pages.stderr
    assert pages.stdout.split("\n")[:6] == [
        "/ 200",
        "/negotiations/japan-us-2025/?round=2 200",
        "rice issues Rice and agriculture",
        "87.03 lines USA 8703",
        "赤沢 officials Ryosei Akazawa",
        "steel hs 72",
    ]
