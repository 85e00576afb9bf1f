"""Real-browser tests: Playwright driving the system's Chromium against live_server.

The browser is Debian's (`apt-get install chromium`), launched by its path; nothing is
ever downloaded. Without it these tests are skipped, except under CI=true, where a
missing browser is a failure.
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from negotiations.demo.loader import load_demo
from tariffs.countries import sync_countries
from tariffs.models import Country, HSCode
from tariffs.nomenclature import sync_nomenclature

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to be
# called from one unless told it is safe, which it is here (one thread per test).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server):
    """The live server's address, with the demo data committed for the browser to see.

    Live-server tests end with a flush that also empties the countries and the Editors
    group and the HS nomenclature the migrations created; put them back first (a no-op on
    a fresh database).
    """
    sync_countries(Country)
    sync_nomenclature(HSCode)
    restore_editors_group()
    load_demo()
    return live_server.url


def restore_editors_group() -> None:
    """The Editors group as its migration makes it (the flush emptied it too)."""
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
        for migration in ("0002_editors_group", "0015_issue_hs_code")
        for app, models in import_module(
            f"negotiations.migrations.{migration}"
        ).EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    )


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Every page the browser tests open runs under the site's Content-Security-Policy; a
# violation (an inline style or script, an eval, a resource from elsewhere) fails the
# test. The browser reports one two ways: a `securitypolicyviolation` event in the page,
# and an error on the console ("Refused to apply inline style because it violates …").
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective);
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class CspWatch:
    def __init__(self):
        self.violations: list[str] = []

    def watch(self, context) -> None:
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" and (
            "Content Security Policy" in text or text.startswith("CSP violation")
        ):
            self.violations.append(text)


@pytest.fixture(autouse=True)
def csp_violations(request, browser):
    """Watches every browser context a test opens (the `page` fixture's and those it
    makes itself); fails the test on any violation of the Content-Security-Policy."""
    watch = CspWatch()
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        watch.watch(context)
        return context

    browser.new_context = watched_new_context
    try:
        yield watch.violations
    finally:
        browser.new_context = new_context
    if watch.violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(watch.violations))
