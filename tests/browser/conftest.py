"""Playwright on Debian's chromium (never a downloaded browser), against the live test server."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Flags from ../shared/ENVIRONMENT.md: headless, no sandbox as root, no calls to the outside world.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (make browser).")
    # Playwright runs an asyncio loop in this thread; Django refuses sync ORM calls under a running loop unless
    # told the test thread is safe to use.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def make(width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, locale="pt-BR"
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical accessibility violations found by axe-core on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in {"serious", "critical"}]


def screenshot(page: Any, name: str) -> None:
    """Refresh docs/screenshots/ with `make screenshots` (not on every test run: the tree stays clean)."""
    if not os.environ.get("OUVIDORIA_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
