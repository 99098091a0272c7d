"""`python -m backend.voting.verify <poll-id> [--file log.json] [--receipt CODE] [--public-key HEX]`

Checks a poll's ballot log — every tree head's signature, the consistency between successive heads, the
ballots against the heads, the re-count, and with --receipt that ballot's inclusion proof — and prints the
report and the result in Chinese. Exit status 0: the log is valid; 1: it is not.

Without --file the log is exported from the database (LINLI_DATABASE_URL) as the poll_ballot rows stand,
and also checked against what only the database shows (every ballot of an ended poll sealed, one per
participation). With --file, anyone checks a downloaded log (the pollLog query) on its own, against the
public key published for the poll when --public-key is given.
"""

import argparse
import asyncio
import json
import sys
from uuid import UUID

from backend.core.errors import DomainError
from backend.voting.ballots import HALF, tracker_code
from backend.voting.verify_log import LogInvalid, report, verify_log


def _tracker(code: str | None) -> str | None:
    """The tracker half of a receipt code (the whole code, or its first half alone)."""
    if code is None:
        return None
    plain = code.replace("-", "").replace(" ", "").upper()
    return plain if len(plain) == HALF else tracker_code(code)


def check_file(poll_id: str, document: dict, tracker: str | None, public_key: str | None) -> tuple[bool, list[str]]:
    if document.get("poll_id") != poll_id:
        return False, [f"日志属于投票 {document.get('poll_id')}，不是 {poll_id}"]
    try:
        return True, report(verify_log(document, tracker, bytes.fromhex(public_key) if public_key else None))
    except LogInvalid as invalid:
        return False, [f"投票 {poll_id}：日志校验未通过", invalid.message]


async def check_database(poll_id: UUID, tracker: str | None) -> tuple[bool, list[str]]:
    from backend.core import db
    from backend.core.settings import get_settings
    from backend.voting import poll_log
    from backend.voting.models import Poll

    await db.init_db(get_settings().database_url)
    try:
        poll = await Poll.filter(id=poll_id).first()
        if poll is None:
            return False, [f"找不到投票 {poll_id}"]
        checked = await poll_log.check(poll, tracker)
        return checked.ok, checked.lines
    finally:
        await db.close_db()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend.voting.verify", description="校验投票的选票日志并重新计票")
    parser.add_argument("poll_id")
    parser.add_argument("--file", help="a log exported by the pollLog query (default: from the database)")
    parser.add_argument("--receipt", help="a receipt code: also check that its ballot is in the log")
    parser.add_argument("--public-key", help="with --file: the poll's published public key (hex)")
    args = parser.parse_args(argv)
    try:
        tracker = _tracker(args.receipt)
        poll_id = UUID(args.poll_id)
    except ValueError:
        print("投票编号格式不对")
        return 1
    except DomainError as error:
        print(error.message)
        return 1
    if args.file:
        with open(args.file, encoding="utf-8") as f:
            ok, lines = check_file(str(poll_id), json.load(f), tracker, args.public_key)
    else:
        ok, lines = asyncio.run(check_database(poll_id, tracker))
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
