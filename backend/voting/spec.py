"""A poll as the tally reads it: its rules (`tally.PollSpec`), its frozen electorate (`ElectorateSummary`)
and each stored ballot (`tally.Ballot`), built from the poll row and its poll_ballot rows only — what the
log holds too, so the result shown here is the one anyone re-counts from the log.

Ballots are anonymous (no entry id): in an owners' assembly each carries its own area and counts one head.
"""

from fractions import Fraction

from backend.voting import tally
from backend.voting.models import ElectorateKind, Poll, PollKind

_THRESHOLD_KEYS = ("participationArea", "participationHeadcount", "passArea", "passHeadcount")


def spec_of(*, kind: PollKind, electorate: ElectorateKind, items: list[dict], min_choices: int, max_choices: int,
            matter: str, thresholds: dict) -> tally.PollSpec:
    """The tally's spec from a poll's columns; raises the tally's DomainError when they cannot be counted
    (an owners' assembly's thresholds below the Civil Code's, say). Questionnaires decide nothing."""
    keys = tuple(i["key"] for i in items)
    decided = kind is not PollKind.QUESTIONNAIRE
    return tally.PollSpec(
        kind=tally.PollKind(kind.value), electorate=tally.ElectorateKind(electorate.value),
        options=keys if kind in (PollKind.SINGLE, PollKind.MULTIPLE) else (),
        motions=keys if kind is PollKind.MOTIONS else (),
        questions=tuple(tally.Question(i["key"], tally.AnswerKind(i["type"])) for i in items)
        if kind is PollKind.QUESTIONNAIRE else (),
        min_choices=min_choices, max_choices=max_choices, matter=tally.Matter(str(matter)),
        thresholds=tally.Thresholds(*(_threshold(thresholds[k]) for k in _THRESHOLD_KEYS)) if decided else None,
    )


def _threshold(t: dict) -> tally.Threshold:
    return tally.Threshold(Fraction(t["numerator"], t["denominator"]), t["strict"])


def poll_spec(poll: Poll) -> tally.PollSpec:
    return spec_of(kind=poll.kind, electorate=poll.electorate, items=poll.items, min_choices=poll.min_choices,
                   max_choices=poll.max_choices, matter=poll.matter, thresholds=poll.thresholds)


def electorate_summary(poll: Poll) -> tally.ElectorateSummary:
    """As frozen at opening: the entries, and (owners' assemblies) their total exclusive area."""
    assembly = poll.electorate is ElectorateKind.OWNERS_ASSEMBLY
    return tally.ElectorateSummary(poll.electorate_size, poll.electorate_area_dm2 if assembly else 0)


def ballot_of(poll: Poll, answer: dict, area_dm2: int) -> tally.Ballot:
    """One poll_ballot row's `answer` and `area_dm2` as the tally counts it."""
    area = area_dm2 if poll.electorate is ElectorateKind.OWNERS_ASSEMBLY else None
    if poll.kind is PollKind.MOTIONS:
        return tally.Ballot({k: tally.Stance(v) for k, v in answer["motions"].items()}, area_dm2=area)
    if poll.kind is PollKind.QUESTIONNAIRE:
        return tally.Ballot({k: _number(v) for k, v in answer["answers"].items()}, area_dm2=area)
    return tally.Ballot(frozenset(answer["choices"]), area_dm2=area)


def _number(value: object) -> object:
    """A whole number stored as a float (JSON has one number type) counts as the integer it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
