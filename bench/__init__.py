"""The benchmarks (`make bench`). The settings they run under are set here, when the package is
first imported, before any backend module reads its own."""

import hashlib
import os
from pathlib import Path

# Named after the checkout, so two checkouts on one machine never drop each other's benchmark data.
_CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parents[1]).encode()).hexdigest()[:8]
PG = os.environ.get("LINLI_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = f"linli_bench_{_CHECKOUT}"
IDLE_WAIT_S = 600  # draining the seeding's backlog before a timed part
ENV = {"LINLI_ENV": "dev", "LINLI_DATABASE_URL": f"{PG}/{DB}", "LINLI_LOG_LEVEL": "WARNING",
       "LINLI_REDIS_URL": os.environ.get("LINLI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
       "LINLI_REDIS_PREFIX": f"linli-bench-{_CHECKOUT}:", "LINLI_RATE_BURST": "1000000000"}
os.environ.update(ENV)  # before backend reads its settings
