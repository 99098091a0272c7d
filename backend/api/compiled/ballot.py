"""The mini-program's BallotCast of a choice ballot (SINGLE and MULTIPLE polls) without strawberry:
ballots.cast called as the resolver in backend/api/voting.py calls it, and its payload written as the
general path writes it. Under a burst of ballots, strawberry's execution would be most of a cast's
cost. Motions, questionnaires and variables of any other shape take the general path."""

import json
from uuid import UUID

from backend.api.compiled.plan import Direct
from backend.api.context import Context
from backend.api.contract import client_operations
from backend.api.extensions import has_unstorable
from backend.core.errors import DomainError
from backend.voting import ballots

VARIABLES = {"pollId", "ballot", "entryId", "receiptCode"}


def _uuid(value: object) -> UUID | None:
    """An ID as the resolver's parse_uuid reads it; None for what it would not (the general path answers)."""
    try:
        return UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _choices(ballot: object) -> list[str] | None:
    """A BallotInput with only its choices, as a list of strings; None for any other ballot."""
    if not isinstance(ballot, dict) or not set(ballot) <= {"choices", "motions", "answers"}:
        return None
    choices = ballot.get("choices")
    if ballot.get("motions") is not None or ballot.get("answers") is not None or not isinstance(choices, list):
        return None
    return choices if all(isinstance(c, str) for c in choices) else None


async def _answer(context: Context, variables: dict) -> str | None:
    if context.auth_failed or not context.actor.is_authenticated or has_unstorable(variables):
        return None
    poll_id, entry, code = _uuid(variables.get("pollId")), variables.get("entryId"), variables.get("receiptCode")
    choices = _choices(variables.get("ballot"))
    entry_id = _uuid(entry) if entry is not None else None
    if (not set(variables) <= VARIABLES or poll_id is None or choices is None
            or (entry is not None and entry_id is None) or not isinstance(code, str | None)):
        return None
    try:
        cast = await ballots.cast(context.actor, poll_id=poll_id, entry_id=entry_id,
                                  ballot=ballots.BallotInput(choices=choices), receipt_code=code)
        payload = {"receiptCode": cast.receipt_code, "entryId": str(cast.participation.entry_id), "errors": []}
    except DomainError as error:  # as backend.api.errors.attempt makes it a UserError
        payload = {"receiptCode": None, "entryId": None,
                   "errors": [{"code": error.code.name, "field": error.field, "message": error.message}]}
    return json.dumps({"ballotCast": payload}, ensure_ascii=False)


BALLOT_CAST = Direct("BallotCast", client_operations("mini_program")["BallotCast"], _answer)
