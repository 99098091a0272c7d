"""Command line: `python -m backend run|migrate|prepare|rekey|schema|schema-check`."""

import argparse
import asyncio
import sys

from backend.core.settings import get_settings


async def _prepare() -> bool:
    """Apply migrations and seed the demo community; True when the demo was created now."""
    from backend.core import db
    from backend.seed import seed_demo

    settings = get_settings()
    await db.migrate(settings.database_url)
    await db.init_db(settings.database_url)
    try:
        return await seed_demo()
    finally:
        await db.close_db()


async def _rekey(batch: int) -> None:
    from backend.core import db
    from backend.core.rekey import rekey

    await db.init_db(get_settings().database_url)
    try:
        await rekey(batch=batch, report=lambda line: print(line, flush=True))
    finally:
        await db.close_db()


def run(host: str, port: int) -> None:
    import uvicorn

    from backend.seed import DEMO_PASSWORD, DEMO_PEOPLE

    settings = get_settings()
    created = asyncio.run(_prepare())
    staff = " / ".join(h for h, (*_, is_staff) in DEMO_PEOPLE.items() if is_staff)
    residents = " / ".join(h for h, (*_, is_staff) in DEMO_PEOPLE.items() if not is_staff)
    print(
        f"""
  邻里 Linli is running ({settings.env}, {"demo community seeded" if created else "existing data"})
    console   http://{host}:{port}/admin/   staff: {staff}  password: {DEMO_PASSWORD}
    GraphQL   http://{host}:{port}/graphql  (GraphiQL in dev)
    health    http://{host}:{port}/healthz  /readyz  /metrics
    mini-program demo sign-in handles: {residents}
  Ctrl-C stops it.
""",
        flush=True,
    )
    uvicorn.run("backend.app:create_app", factory=True, host=host, port=port, log_level="warning")


def write_schema(check: bool) -> int:
    from backend.api.contract import SCHEMA_FILE, render_manifests
    from backend.api.schema import build_schema

    files = {SCHEMA_FILE: build_schema(get_settings()).as_str() + "\n", **render_manifests()}
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if check:
        for path in stale:
            print(f"out of date: {path.relative_to(SCHEMA_FILE.parents[1])} (run `make schema`)", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path])
        print(f"wrote {path.relative_to(SCHEMA_FILE.parents[1])}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m backend")
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="migrate, seed the demo, and serve")
    run_parser.add_argument("--host", default="127.0.0.1")
    run_parser.add_argument("--port", type=int, default=8000)
    sub.add_parser("migrate", help="apply migrations")
    sub.add_parser("prepare", help="apply migrations and seed the demo community")
    rekey_parser = sub.add_parser("rekey", help="re-encrypt personal data under the current field key")
    rekey_parser.add_argument("--batch", type=int, default=500, help="rows per transaction")
    sub.add_parser("schema", help="write schema.graphql and the persisted-document manifests")
    sub.add_parser("schema-check", help="fail when schema.graphql or the manifests are out of date")
    args = parser.parse_args()
    if args.command == "run":
        run(args.host, args.port)
    elif args.command == "migrate":
        from backend.core import db

        asyncio.run(db.migrate(get_settings().database_url))
    elif args.command == "prepare":
        asyncio.run(_prepare())
    elif args.command == "rekey":
        asyncio.run(_rekey(args.batch))
    else:
        return write_schema(check=args.command == "schema-check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
