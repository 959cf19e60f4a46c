"""/api/docs in a real browser: Swagger UI shows every operation of the generated document, under the pages'
Content-Security-Policy, without a script error."""

from __future__ import annotations

import pytest

from ..browser.conftest import browser, live_server  # noqa: F401  (the browser tests' fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_swagger_ui_shows_every_operation(browser, live_server):  # noqa: F811
    operations = sum(
        len(methods)
        for methods in live_server.app.test_client().get("/api/v1/openapi.json").get_json()["paths"].values()
    )
    page = browser.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    response = page.goto(live_server.url + "/api/docs")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations
    assert "Shenpi" in page.locator(".info .title").inner_text()
    assert not problems, problems
    page.close()
