"""/metrics: behind a bearer token (or not at all) in prod, the sum of every process with several
workers, and the taskiq workers' job metrics on their own port."""

import os
import subprocess
import sys

import httpx
import pytest

from backend.app import create_app
from backend.core.relay import heartbeat
from backend.core.settings import get_settings, use_settings
from tests.integration.conftest import ROOT, WorkerProcess, eventually
from tests.stubs.server import free_port

PROD = {"env": "prod", "token_signing_key": "p" * 48}


async def scrape(settings_update: dict, headers: dict | None = None) -> httpx.Response:
    dev = get_settings()
    other = create_app(dev.model_copy(update=settings_update))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(other), base_url="http://test") as http:
            return await http.get("/metrics", headers=headers or {})
    finally:
        use_settings(dev)


async def test_prod_serves_metrics_only_to_the_bearer_of_the_metrics_token(app):
    assert (await scrape(PROD)).status_code == 404  # no token configured: not exposed at all
    with_token = PROD | {"metrics_token": "scrape-secret"}
    assert (await scrape(with_token)).status_code == 401
    assert (await scrape(with_token, {"authorization": "Bearer wrong"})).status_code == 401
    allowed = await scrape(with_token, {"authorization": "Bearer scrape-secret"})
    assert allowed.status_code == 200 and "linli_job_seconds" in allowed.text


async def test_dev_serves_metrics_to_anyone(api):
    await api.op("Viewer")
    response = await api.http.get("/metrics")
    assert response.status_code == 200
    assert 'linli_graphql_request_seconds_count{operation="Viewer"}' in response.text


def in_process(multiproc_dir, code: str) -> str:
    """Runs `code` in a fresh interpreter whose prometheus_client is in multiprocess mode."""
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def test_several_processes_are_summed_in_one_exposition(tmp_path):
    observe = "from backend.core import metrics; metrics.REQUEST_SECONDS.labels('Feed').observe(0.01)"
    in_process(tmp_path, observe)  # as two uvicorn workers would, each in its own process
    in_process(tmp_path, observe)
    text = in_process(tmp_path, "from backend.core import metrics; print(metrics.exposition().decode())")
    assert 'linli_graphql_request_seconds_count{operation="Feed"} 2.0' in text


@pytest.fixture
def metrics_worker(app, tmp_path):
    port = free_port()
    worker = WorkerProcess(os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
                                         "LINLI_WORKER_METRICS_PORT": str(port)})
    yield f"http://127.0.0.1:{port}/metrics"
    worker.kill()


async def test_a_workers_job_durations_are_on_its_metrics_port(metrics_worker):
    await heartbeat.kiq()

    async with httpx.AsyncClient(timeout=2) as http:
        async def heartbeat_counted():
            try:
                text = (await http.get(metrics_worker)).text
            except httpx.TransportError:
                return False  # the worker is still starting
            return 'linli_job_seconds_count{status="ok",task="jobs.heartbeat"}' in text

        await eventually(heartbeat_counted, deadline_s=60)
