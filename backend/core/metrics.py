"""Prometheus metrics: served at /metrics by the API and, for the jobs, on a worker's own port.

With several processes (uvicorn --workers N, taskiq worker --workers N) each process writes its
values to files in PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode, chosen when the
variable is set before this module is imported) and any process serves the sum of them all.
"""

import contextlib
import os

from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess, start_http_server

MULTIPROCESS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if MULTIPROCESS_DIR:
    os.makedirs(MULTIPROCESS_DIR, exist_ok=True)

REQUEST_SECONDS = Histogram(
    "linli_graphql_request_seconds", "GraphQL request latency by operation", ["operation"]
)
JOB_SECONDS = Histogram("linli_job_seconds", "Job duration by task and outcome", ["task", "status"])


def registry() -> CollectorRegistry:
    """Every process of this host in multiprocess mode; this process alone otherwise."""
    if not MULTIPROCESS_DIR:
        from prometheus_client import REGISTRY

        return REGISTRY
    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)
    return collected


def exposition() -> bytes:
    return generate_latest(registry())


def serve(port: int) -> None:
    """The worker's metrics port. Of several worker processes sharing the directory the first to
    bind serves them all; the others find the port taken and need not serve."""
    with contextlib.suppress(OSError):
        start_http_server(port, registry=registry())
