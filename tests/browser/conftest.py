"""Real-browser tests: the application served on a local port, driven by Playwright in the system Chromium.

They skip, saying why, when Chromium or Playwright is missing; `.ci/run` installs Debian's chromium so CI always
runs them. Screenshots of the pages go to $SHENPI_SCREENSHOT_DIR (default: the test's temporary directory).
The root conftest marks every test here browser and slow."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from demo import seed as demo
from engine.bootstrap import Shenpi
from engine.config import PROJECT_ROOT, Settings
from engine.kernel import clock as clock_module

from ..helpers import START

CHROMIUM = os.environ.get("SHENPI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
BRAND_BLUE = "rgb(29, 79, 145)"  # the top bar's colour in shenpi.css: proves the stylesheet applied


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt install chromium, or set SHENPI_CHROMIUM): browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed: browser tests skipped")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


class LiveServer:
    """The application with the demo catalogue, departments and officials, on a free local port."""

    def __init__(self, directory: Path):
        from werkzeug.serving import make_server

        from web import create_app

        self.clock = clock_module.FixedClock(START)
        self._previous_clock = clock_module.current()
        settings = Settings(
            database_url=f"sqlite:///{directory / 'shenpi.db'}",
            broker_url="memory://",
            processes_dir=PROJECT_ROOT / "processes",
            secret_key="browser-tests-" + "k" * 32,
            demo=True,  # as `make run` serves: the sign-in page lists the demo accounts by step
        )
        self.engine = Shenpi(settings, clock=self.clock)
        self.engine.init_db()
        self.engine.catalogue.import_directory(settings.processes_dir)
        demo.seed_people(self.engine)
        self.app = create_app(settings, self.engine, testing=True)
        self.app.config["RATELIMIT_ENABLED"] = False
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.engine.db.engine.dispose()
        clock_module.install(self._previous_clock)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, browser):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    configured = os.environ.get("SHENPI_SCREENSHOT_DIR")
    directory = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


class Visitor:
    """One person's browser context: signs in through the login page and checks every page it shows."""

    def __init__(self, browser, server: LiveServer, screenshots: Path):
        self.server = server
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.screenshots = screenshots

    def open(self, path: str):
        response = self.page.goto(self.server.url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def login(self, user_id: str, password: str = demo.DEMO_PASSWORD):
        self.open("/login")
        self.page.fill("#user_id", user_id)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def check_rendered(self, name: str) -> Path:
        """Screenshot the page and check it is a styled page of ours, not an error page, with no script errors."""
        page = self.page
        path = self.screenshots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert page.locator(".error-page").count() == 0, f"{name}: error page: {page.inner_text('main')[:300]}"
        colour = page.evaluate("getComputedStyle(document.querySelector('.topbar') || document.body).backgroundColor")
        board = page.evaluate("document.body.classList.contains('board-page')")
        assert board or colour == BRAND_BLUE, f"{name}: page is unstyled (top bar colour {colour})"
        assert not self.problems, f"{name}: {self.problems}"
        assert _not_blank(path), f"{name}: the screenshot is blank"
        return path

    def close(self):
        self.context.close()


def _not_blank(path: Path) -> bool:
    from PIL import Image

    with Image.open(path) as image:
        colours = image.convert("L").getcolors(maxcolors=1_000_000)
    return colours is None or len(colours) > 8


@pytest.fixture
def visitor_factory(browser, live_server, screenshots):
    opened = []

    def make() -> Visitor:
        visitor = Visitor(browser, live_server, screenshots)
        opened.append(visitor)
        return visitor

    yield make
    for visitor in opened:
        visitor.close()
