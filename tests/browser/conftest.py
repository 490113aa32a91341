"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Screenshots go to var/screenshots/ so a person can look at every page the tests visit.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HUIKUAN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("HUIKUAN_SCREENSHOTS", "var/screenshots"))

# Playwright's server runs in a thread of its own; Django must allow ORM use from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items) -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"Chromium is required in CI but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": args}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under var/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, target=None) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return take
