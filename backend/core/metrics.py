"""Prometheus metrics, served at /metrics."""

from prometheus_client import Histogram

REQUEST_SECONDS = Histogram(
    "linli_graphql_request_seconds", "GraphQL request latency by operation", ["operation"]
)
JOB_SECONDS = Histogram("linli_job_seconds", "Job duration by task and outcome", ["task", "status"])
