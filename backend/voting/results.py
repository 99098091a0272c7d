"""Poll results: who may see them when, and the tally of the stored ballots explained in Chinese.

Who sees a result (`visible`), for a poll already loaded through the service's checks for the caller:
- before a poll opens, nobody (there is nothing to count);
- while it is open, only a LIVE poll that is not SECRET shows it: to its staff, and to its electorate
  if it is NAMED. A HIDDEN poll's live tally stays with the staff (who may see who voted what anyway):
  a resident watching it move after a neighbour's vote would learn that vote. AFTER_CLOSE and SECRET
  polls show turnout only — nobody, staff included, reads a partial tally;
- once closed, the staff see it (to check it, export it and draft the result notice); residents see it
  once it is published (公示): the committee announces the result it has checked, not the raw count.
  A LIVE NAMED poll, whose residents watched the count while it ran, keeps showing it after close.

The count is `tally.tally` over the poll_ballot rows (backend/voting/spec.py), the same numbers a re-count
of the log gives.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from uuid import UUID

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, has
from backend.voting import spec, tally
from backend.voting.models import BallotContent, ElectorateKind, Poll, PollKind, ResultsMode, Secrecy
from backend.voting.models import PollState as S
from backend.voting.service import get_poll_for_staff

MAX_TEXTS = 100  # text answers per question in the API; the Excel export holds them all
_STARTED = (S.OPEN, S.CLOSED, S.PUBLISHED)
_PARTICIPATION = (tally.Measure.PARTICIPATION_AREA, tally.Measure.PARTICIPATION_HEADS)


def visible(actor: Actor, poll: Poll) -> bool:
    """Whether `actor` may see `poll`'s result now (the rules above)."""
    if poll.state not in _STARTED:
        return False
    staff = has(actor, Permission.VOTE_MANAGE, poll.community_id)
    live = poll.results is ResultsMode.LIVE and poll.secrecy is not Secrecy.SECRET
    if poll.state is S.OPEN:
        return live and (staff or poll.secrecy is Secrecy.NAMED)
    return staff or poll.state is S.PUBLISHED or (live and poll.secrecy is Secrecy.NAMED)


@dataclass(frozen=True)
class Step:
    text: str  # Chinese, with its numbers
    met: bool | None  # None: a figure, not a test


@dataclass(frozen=True)
class OptionResult:
    key: str
    label: str
    votes: int
    area_dm2: int | None  # owners' assemblies only


@dataclass(frozen=True)
class MotionResult:
    key: str
    label: str
    yes: int
    no: int
    abstain: int
    passed: bool
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class QuestionResult:
    key: str
    label: str
    answers: int
    average: Fraction | None  # NUMBER questions
    texts: tuple[str, ...]  # TEXT questions: every answer, sorted


@dataclass(frozen=True)
class PollResult:
    outcome: str  # the one-line verdict
    passed: bool | None  # None: nothing to decide (questionnaires); motions: every motion passed
    quorum_met: bool | None
    steps: tuple[Step, ...]
    options: tuple[OptionResult, ...]
    motions: tuple[MotionResult, ...]
    questions: tuple[QuestionResult, ...]


async def results_of(actor: Actor, polls: Sequence[Poll]) -> list[PollResult | None]:
    """Each poll's result, or None where `actor` may not see it yet; the ballots of all of them in one
    query (the loader behind Poll.result). The polls were loaded through the service's checks."""
    shown = {p.id for p in polls if visible(actor, p)}
    answers: dict[UUID, list[tuple[dict, int]]] = {p: [] for p in shown}
    if shown:
        for poll_id, answer, area in await BallotContent.filter(poll_id__in=list(shown)) \
                .values_list("poll_id", "answer", "area_dm2"):
            answers[poll_id].append((answer, area))
    return [explain(p, answers[p.id]) if p.id in shown else None for p in polls]


async def result_for_staff(actor: Actor, poll_id: UUID) -> tuple[Poll, PollResult]:
    """A poll and its result for its staff (VOTE_MANAGE), for the exports and the result notice; refused
    (FORBIDDEN, in Chinese) while its result may not be seen."""
    poll = await get_poll_for_staff(actor, poll_id)
    if not visible(actor, poll):
        raise DomainError(ErrorCode.FORBIDDEN, "该投票的结果尚未公开：截止后（实时公布的投票在进行中）才能查看结果",
                          field="id")
    [result] = await results_of(actor, [poll])
    return poll, result


def explain(poll: Poll, ballots: Sequence[tuple[dict, int]]) -> PollResult:
    """The tally of (answer, area_dm2) ballot rows, with the verdict and every step in Chinese."""
    counted = tally.tally(spec.poll_spec(poll), spec.electorate_summary(poll),
                          [spec.ballot_of(poll, answer, area) for answer, area in ballots])
    labels = {i["key"]: i["label"] for i in poll.items}
    decisions = {d.item: d for d in counted.decisions}
    assembly = poll.electorate is ElectorateKind.OWNERS_ASSEMBLY
    steps = [_turnout(counted.turnout)]
    if counted.decisions:
        steps += [Step(s.text, s.met) for s in counted.decisions[0].steps if s.measure in _PARTICIPATION]
    if poll.kind in (PollKind.SINGLE, PollKind.MULTIPLE):
        steps += [Step(f"「{labels[d.item]}」{s.text}", s.met)
                  for d in counted.decisions for s in d.steps if s.measure not in _PARTICIPATION]
    motions = tuple(
        MotionResult(key, labels[key], counts[tally.Stance.YES].ballots, counts[tally.Stance.NO].ballots,
                     counts[tally.Stance.ABSTAIN].ballots, decisions[key].passed,
                     tuple(Step(s.text, s.met) for s in decisions[key].steps))
        for key, counts in counted.motions.items())
    texts: dict[str, list[str]] = {q: [] for q in counted.questions}
    for answer, _ in ballots:
        for key, value in answer.get("answers", {}).items():
            if isinstance(value, str):
                texts[key].append(value)
    quorum = None if not counted.decisions else all(
        s.met for s in counted.decisions[0].steps if s.measure in _PARTICIPATION)
    return PollResult(
        outcome=_outcome(poll, counted, labels, quorum), passed=_passed(poll, counted), quorum_met=quorum,
        steps=tuple(steps),
        options=tuple(OptionResult(key, labels[key], c.ballots, c.area_dm2 if assembly else None)
                      for key, c in counted.options.items()),
        motions=motions,
        questions=tuple(QuestionResult(key, labels[key], q.answered, q.mean, tuple(sorted(texts[key])))
                        for key, q in counted.questions.items()),
    )


def _turnout(t: tally.Turnout) -> Step:
    text = f"投票率：已投 {t.ballots} / 名册 {t.electorate} = {tally.format_percent(t.ratio)}"
    if t.total_area_dm2:
        text += (f"；面积 {tally.format_area(t.area_dm2)} / {tally.format_area(t.total_area_dm2)} = "
                 f"{tally.format_percent(Fraction(t.area_dm2, t.total_area_dm2))}")
    return Step(text, None)


def _passed(poll: Poll, counted: tally.Result) -> bool | None:
    if not counted.decisions:
        return None
    if poll.kind is PollKind.MOTIONS:
        return all(d.passed for d in counted.decisions)
    return any(d.passed for d in counted.decisions)


def _outcome(poll: Poll, counted: tally.Result, labels: dict[str, str], quorum: bool | None) -> str:
    if quorum is None:
        return f"共收回 {counted.turnout.ballots} 份（投票率 {tally.format_percent(counted.turnout.ratio)}）"
    if not quorum:
        short = [s for s in counted.decisions[0].steps if s.measure in _PARTICIPATION and not s.met]
        what = "和".join("面积" if s.measure is tally.Measure.PARTICIPATION_AREA else "人数" for s in short)
        return f"未通过：参与表决的{what}未达到要求（{short[0].threshold.verdict(False)}）"
    passed = [f"「{labels[d.item]}」" for d in counted.decisions if d.passed]
    failed = [f"「{labels[d.item]}」" for d in counted.decisions if not d.passed]
    if poll.kind is PollKind.MOTIONS:
        if len(counted.decisions) == 1:
            return f"{(passed or failed)[0]}{'通过' if passed else '未通过：同意未达到要求'}"
        parts = [f"{word} {'、'.join(items)}" for word, items in (("通过", passed), ("未通过", failed)) if items]
        return f"{len(counted.decisions)} 项议题：" + "；".join(parts)
    return f"{'、'.join(passed)}获得通过" if passed else "未通过：没有选项达到通过要求"
