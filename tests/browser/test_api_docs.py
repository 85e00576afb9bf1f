"""The API's interactive docs (/api/docs) work in a browser under a strict
Content-Security-Policy: Swagger UI comes from the installed package's static files, its
settings from a JSON block, and no script, style or image is refused."""

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.django_db(transaction=True)

# Scripts, styles, images and requests from this site only: the policy a strict
# deployment sends (django-csp's, in config/settings.py once it is there).
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def with_strict_policy(route: Route) -> None:
    response = route.fetch()
    route.fulfill(
        response=response, headers={**response.headers, "content-security-policy": STRICT}
    )


def test_the_docs_run_a_request_under_a_strict_content_security_policy(page: Page, site):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.log("
        "'Content Security Policy refused ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    page.route("**/*", with_strict_policy)
    page.set_viewport_size({"width": 1366, "height": 900})

    page.goto(f"{site}/api/docs")
    operation = page.locator("#operations-negotiations-api_main_gap")
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='slug']").fill("japan-us-2025")
    operation.locator("input[placeholder='round']").fill("2")
    operation.get_by_role("button", name="Execute").click()

    status = operation.locator(".live-responses-table td.response-col_status:not(.col_header)")
    expect(status).to_contain_text("200")
    expect(operation.locator(".responses-wrapper")).to_contain_text('"gap_pp": 25')
    assert refused == []
