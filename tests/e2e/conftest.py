"""The embedded profile as `make run` starts it: a real server process on SQLite with the
in-process queue, started once for the whole run and shared by the smoke and browser tests."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.async_api import async_playwright

from tests.stubs.server import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-results"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="session")
def embedded_database(tmp_path_factory) -> Path:
    """The embedded server's SQLite file: for arranging what its API cannot (a deadline long past)."""
    return tmp_path_factory.mktemp("embedded") / "linli.sqlite3"


@pytest.fixture(scope="session")
def embedded_server(tmp_path_factory, embedded_database):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    # Notice images are kept at absolute URLs: this server's own.
    env.update(LINLI_DATABASE_URL=f"sqlite://{embedded_database}", LINLI_PUBLIC_BASE_URL=base)
    log = (tmp_path_factory.getbasetemp() / "embedded.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "backend", "run", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 180  # migrating and seeding a new database: about a minute on a loaded machine
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"embedded server did not start; see {log.name}")
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
async def browser():
    """Debian's Chromium, started once for every browser test."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()
