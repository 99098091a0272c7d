"""Casting ballots: online, by a proxy, and on paper or at a home visit, one per electorate entry.

The one-ballot rule is the database's: a participation row is unique per entry, and of two casts
racing for one household exactly one insert succeeds. The loser then finds the row (locked) and
either is refused (first cast stands, changes off, or paper against online) or replaces the vote in
that same row. A direct vote replaces a proxy's until the poll closes.

Each ballot gets a receipt code shown once, to whoever cast it: its first half is the tracker
(hashed with the poll id into the ballot content as `verify_log.tracker_hash`, so the published log
holds it and the voter finds their ballot there), its second half the change key (hashed into the
participation). In SECRET polls nothing else ties the two rows together, so changing a secret
vote needs the receipt code.
"""

import asyncio
import hashlib
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from uuid import UUID

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.functions import Count, Sum

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import after_commit, inside_transaction, transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.ids import uuid7
from backend.core.pubsub import merged
from backend.core.runtime import runtime
from backend.media.models import Upload
from backend.people.models import Person
from backend.voting import verify_log
from backend.voting.models import (
    BallotChannel,
    BallotContent,
    BallotParticipation,
    ElectorateEntry,
    ElectorateKind,
    ElectorateVoter,
    HouseholdRule,
    Poll,
    PollKind,
    PollState,
    Secrecy,
    VoteAuthorisation,
)
from backend.voting.service import get_poll_for, get_poll_for_staff, publish_turnout, turnout_channel

MOTION_ANSWERS = ("YES", "NO", "ABSTAIN")
PAPER = (BallotChannel.PAPER, BallotChannel.HOME_VISIT)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
HALF = 16


@dataclass
class BallotInput:
    choices: list[str] | None = None  # SINGLE / MULTIPLE: item keys
    motions: dict[str, str] | None = None  # MOTIONS: key -> YES | NO | ABSTAIN
    answers: dict[str, object] | None = None  # QUESTIONNAIRE: key -> text or number


@dataclass
class Cast:
    participation: BallotParticipation
    receipt_code: str  # shown to the caster only; never stored


def _bad(message: str, field: str = "ballot") -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _new_code(poll_id: UUID) -> tuple[str, str, str]:
    """(receipt code, tracker hash, change-key hash)."""
    tracker, key = ("".join(secrets.choice(_ALPHABET) for _ in range(HALF)) for _ in range(2))
    code = "-".join((tracker + key)[i:i + 4] for i in range(0, 2 * HALF, 4))
    return code, verify_log.tracker_hash(str(poll_id), tracker), _digest(key)


def _plain(code: str) -> str:
    plain = code.replace("-", "").replace(" ", "").upper()
    if len(plain) != 2 * HALF:
        raise _bad("回执码格式不对", "receiptCode")
    return plain


def tracker_code(receipt_code: str) -> str:
    """The tracker half of a receipt code: what `verify_log` looks a ballot up by."""
    return _plain(receipt_code)[:HALF]


def _halves(poll_id: UUID | str, code: str) -> tuple[str, str]:
    plain = _plain(code)
    return verify_log.tracker_hash(str(poll_id), plain[:HALF]), _digest(plain[HALF:])


def check_answer(poll: Poll, ballot: BallotInput) -> dict:
    """The ballot as it will be stored, or the first thing wrong with it."""
    keys = {i["key"]: i for i in poll.items}
    if poll.kind in (PollKind.SINGLE, PollKind.MULTIPLE):
        chosen = list(dict.fromkeys(ballot.choices or []))
        if any(c not in keys for c in chosen):
            raise _bad("所选选项不在本次投票中", "choices")
        if len(chosen) < poll.min_choices:
            raise _bad(f"请至少选择 {poll.min_choices} 项", "choices")
        if len(chosen) > poll.max_choices:
            raise _bad(f"最多只能选择 {poll.max_choices} 项", "choices")
        return {"choices": sorted(chosen)}
    if poll.kind is PollKind.MOTIONS:
        motions = ballot.motions or {}
        if any(k not in keys for k in motions):
            raise _bad("表决的议题不在本次投票中", "motions")
        if set(motions) != set(keys):
            raise _bad("请对每项议题表决（可弃权）", "motions")
        if any(v not in MOTION_ANSWERS for v in motions.values()):
            raise _bad("表决意见须为同意、反对或弃权", "motions")
        return {"motions": dict(sorted(motions.items()))}
    answers = ballot.answers or {}
    if any(k not in keys for k in answers):
        raise _bad("回答的问题不在本问卷中", "answers")
    if set(answers) != set(keys):
        raise _bad("请回答每个问题", "answers")
    for key, value in answers.items():
        if keys[key]["type"] == "NUMBER":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _bad(f"「{keys[key]['label']}」须填写数字", "answers")
            if not isinstance(value, int):  # as the tally counts and the log encodes: ask decimals in a smaller unit
                raise _bad(f"「{keys[key]['label']}」须填写整数", "answers")
        elif not isinstance(value, str) or not 1 <= len(value.strip()) <= 500:
            raise _bad(f"「{keys[key]['label']}」须填写 1–500 字", "answers")
    return {"answers": {k: v.strip() if isinstance(v, str) else v for k, v in sorted(answers.items())}}


def _check_open(poll: Poll) -> None:
    if poll.state is not PollState.OPEN:
        raise _bad("投票尚未开始" if poll.state in (PollState.DRAFT, PollState.SCHEDULED) else "投票已截止", "pollId")
    if poll.closes_at <= clock.now():
        raise _bad("投票已截止", "pollId")


# PostgreSQL: the caller's entries in one statement, each once, own (as its voter) before authorised.
_ENTRIES_SQL = """SELECT e.id, e.area_dm2, e.headcount, bool_or(m.own)
FROM (SELECT entry_id, true AS own FROM poll_voter WHERE poll_id = $1 AND person_id = $2
      UNION ALL
      SELECT entry_id, false FROM poll_authorisation WHERE poll_id = $1 AND agent_id = $2 AND $3) AS m
  JOIN poll_entry e ON e.id = m.entry_id
WHERE $4::uuid IS NULL OR e.id = $4::uuid
GROUP BY e.id LIMIT 2"""


async def _entries_to_cast(actor: Actor, poll_id: UUID, entry_id: UUID | None) -> dict[UUID, tuple[int, int, bool]]:
    """The entries the caller may cast for (at most two, or the one asked for), each as (area, headcount,
    whether as its own voter rather than as a proxy): the subject's own (the principal's, when acting
    through a VOTE proxy) and those a written authorisation gives them. Plain rows: one statement on
    PostgreSQL, a query per source elsewhere."""
    me = actor.subject(ProxyScope.VOTE)
    db = connections.get("default")
    if db.capabilities.dialect == "postgres":
        _, rows = await db.execute_query(_ENTRIES_SQL, [poll_id, me, not actor.is_proxy, entry_id])
        return {row[0]: (row[1], row[2], row[3]) for row in rows}
    sources = [(ElectorateVoter.filter(poll_id=poll_id, person_id=me), True)]
    if not actor.is_proxy:
        sources.append((VoteAuthorisation.filter(poll_id=poll_id, agent_id=me), False))
    entries: dict[UUID, tuple[int, int, bool]] = {}
    for query, own in sources:
        if entry_id is not None:
            query = query.filter(entry_id=entry_id)
        for entry, area, headcount in await query.limit(2).values_list("entry_id", "entry__area_dm2",
                                                                         "entry__headcount"):
            entries[entry] = (area, headcount, own or entries.get(entry, (0, 0, False))[2])
    return entries


def _entry_to_cast(actor: Actor, entries: dict[UUID, tuple[int, int, bool]]) -> tuple[ElectorateEntry, bool]:
    """The one entry the caller casts for, and whether as someone else's proxy."""
    if not entries:
        raise DomainError(ErrorCode.NOT_FOUND, "您不在本次投票的选民名单中", field="entryId")
    if len(entries) > 1:
        raise _bad("您可在多处投票，请选择以哪一户（或哪处房屋）的名义投票", "entryId")
    (entry_id, (area, headcount, own)), = entries.items()
    return ElectorateEntry(id=entry_id, area_dm2=area, headcount=headcount), actor.is_proxy or not own


async def _check_proxy_cap(tx, poll: Poll, caster: UUID, entry: ElectorateEntry) -> None:
    """Ballots one person casts for others, against the poll's cap; their person row is locked so
    two of their casts cannot both pass the count."""
    await Person.filter(id=caster).select_for_update().using_db(tx).first()
    cast = await BallotParticipation.filter(poll_id=poll.id, cast_by_id=caster, channel=BallotChannel.PROXY) \
        .exclude(entry_id=entry.id).using_db(tx).count()
    if cast >= poll.proxy_cap:
        raise DomainError(ErrorCode.FORBIDDEN, f"每人最多为他人代投 {poll.proxy_cap} 票", field="entryId")


def _refusal(poll: Poll, existing: BallotParticipation, channel: BallotChannel, caster: UUID,
             proxied: bool) -> str | None:
    """Why a new ballot may not replace the entry's existing one (None: it may)."""
    if existing.channel in PAPER and channel not in PAPER:
        return "已登记纸质（或上门）选票，不能再在线投票"
    if channel in PAPER:
        return "已在线投票，不能再登记纸质选票" if existing.channel not in PAPER else "该选票已登记"
    if existing.channel is BallotChannel.PROXY and not proxied and existing.cast_by_id != caster:
        return None  # a direct vote overrides a proxy's
    if existing.channel is BallotChannel.ONLINE and proxied:
        return "本人已投票，不能再代投"
    if poll.electorate is ElectorateKind.HOUSEHOLD:
        if poll.household_rule is HouseholdRule.LAST_COUNTS:
            return None
        if existing.cast_by_id != caster:
            return "本户已投票（以第一次投票为准）"
    if poll.allow_change:
        return None
    return "您已投票，本次投票不允许改票" if existing.cast_by_id == caster else "该选票已由他人投出，本次投票不允许改票"


async def _lock_open(tx, poll: Poll) -> None:
    """Holds the poll open until this ballot commits: closing takes the poll row FOR UPDATE, which waits
    for this KEY SHARE lock, so the closing seal sees every ballot accepted before it (and casting is
    refused once the close has committed). Sealing's NO KEY UPDATE lock does not wait for it."""
    if tx.capabilities.dialect == "postgres":
        rows = await tx.execute_query_dict("SELECT state FROM poll WHERE id = $1 FOR KEY SHARE", [poll.id])
    else:  # SQLite: one writer at a time already
        rows = await Poll.filter(id=poll.id).using_db(tx).values("state")
    if not rows or rows[0]["state"] != PollState.OPEN:
        raise _bad("投票已截止", "pollId")


async def _record(actor: Actor, poll: Poll, entry: ElectorateEntry, *, answer: dict, channel: BallotChannel,
                  proxied: bool, receipt_code: str | None, evidence_id: UUID | None = None, reason: str = "") -> Cast:
    """One transaction: the entry's first ballot, or, when it has one, that one locked and either
    kept (the new ballot refused) or replaced. An online first ballot on PostgreSQL writes nothing
    else, so its one statement is its transaction."""
    caster = actor.require_person()
    code, tracker_hash, key_hash = _new_code(poll.id)
    content = dict(poll_id=poll.id, answer=answer, tracker_hash=tracker_hash, headcount=entry.headcount,
                   area_dm2=entry.area_dm2 if poll.electorate is ElectorateKind.OWNERS_ASSEMBLY else 0)
    cast = dict(channel=channel, cast_by_id=caster, evidence_id=evidence_id, reason=reason, change_hash=key_hash)
    linked = poll.secrecy is not Secrecy.SECRET
    db = connections.get("default")
    alone = channel is BallotChannel.ONLINE and db.capabilities.dialect == "postgres" and not inside_transaction()
    if alone and (participation := await _insert_first(db, entry, content, cast, linked)) is not None:
        await publish_turnout(poll.id)  # committed
        return Cast(participation, code)
    async with transaction() as tx:
        await _lock_open(tx, poll)
        if channel is BallotChannel.PROXY:
            await _check_proxy_cap(tx, poll, caster, entry)
        participation = None if alone else await _insert_first(tx, entry, content, cast, linked)
        if participation is None:  # the entry has its ballot
            participation = await BallotParticipation.filter(poll_id=poll.id, entry_id=entry.id) \
                .select_for_update().using_db(tx).get()
            refused = _refusal(poll, participation, channel, caster, proxied)
            if refused:
                raise DomainError(ErrorCode.INVALID_INPUT, refused, field="entryId")
            await _replace_content(tx, poll, participation, receipt_code)
            content_id = (await BallotContent.create(**content, using_db=tx)).id
            participation.update_from_dict(dict(cast, changes=participation.changes + 1,
                                                content_id=content_id if linked else None))
            await participation.save(using_db=tx)
        await _recorded(tx, actor, poll, entry, participation)
    return Cast(participation, code)


# PostgreSQL: an entry's first ballot, both rows in one statement, or neither when the entry has its
# ballot (its unique key keeps the first; a concurrent first insert is waited for) or the poll is no
# longer open. The poll row's KEY SHARE lock (see _lock_open) keeps a close from passing the ballot. The participation's
# key to its content is checked at the statement's end, when the content row is there.
_FIRST_BALLOT_SQL = """WITH open_poll AS (
  SELECT id FROM poll WHERE id = $3 AND state = 'OPEN' FOR KEY SHARE),
participation AS (
  INSERT INTO poll_participation (id, created_at, poll_id, entry_id, channel, cast_by_id, evidence_id, reason,
                                  changes, change_hash, content_id)
  SELECT $1::uuid, $2::timestamptz, $3::uuid, $4::uuid, $5::varchar, $6::uuid, $7::uuid, $8::varchar, 0,
         $9::varchar, $10::uuid FROM open_poll
  ON CONFLICT (entry_id) DO NOTHING RETURNING id)
INSERT INTO poll_ballot (id, poll_id, answer, tracker_hash, area_dm2, headcount)
SELECT $11, $3, $12, $13, $14, $15 FROM participation RETURNING id"""


async def _insert_first(tx, entry: ElectorateEntry, content: dict, cast: dict,
                        linked: bool) -> BallotParticipation | None:
    """The entry's first ballot (content, and the participation linked to it unless SECRET), or None
    and nothing written when the entry has one already."""
    if tx.capabilities.dialect != "postgres":
        try:
            async with transaction() as sp:  # a savepoint: the unique entry's refusal leaves nothing behind
                content_id = (await BallotContent.create(**content, using_db=sp)).id
                return await BallotParticipation.create(entry_id=entry.id, poll_id=content["poll_id"], **cast,
                                                        content_id=content_id if linked else None, using_db=sp)
        except IntegrityError:
            return None
    content_id = uuid.uuid4()  # random, as BallotContent's own ids are
    participation = BallotParticipation(id=uuid7(), created_at=clock.now(), poll_id=content["poll_id"],
                                        entry_id=entry.id, changes=0, content_id=content_id if linked else None, **cast)
    _, inserted = await tx.execute_query(_FIRST_BALLOT_SQL, [
        participation.id, participation.created_at, participation.poll_id, entry.id, cast["channel"].value,
        cast["cast_by_id"], cast["evidence_id"], cast["reason"], cast["change_hash"], participation.content_id,
        content_id, json.dumps(content["answer"], ensure_ascii=False), content["tracker_hash"], content["area_dm2"],
        content["headcount"]])
    return participation if inserted else None


async def _recorded(tx, actor: Actor, poll: Poll, entry: ElectorateEntry, participation: BallotParticipation) -> None:
    """What follows every ballot recorded: the audit of one cast by someone else, the live turnout."""
    if participation.channel is not BallotChannel.ONLINE:
        await audit.record(tx, actor, f"ballot.{participation.channel.lower()}", "poll", poll.id,
                           community_id=poll.community_id,
                           after={"entry": str(entry.id), "changes": participation.changes})
    after_commit(tx, lambda: publish_turnout(poll.id))


async def _replace_content(tx, poll: Poll, participation: BallotParticipation, receipt_code: str | None) -> None:
    """Remove the vote being replaced: through the link, or in a SECRET poll through the receipt code
    (whose change key must match this participation)."""
    if participation.content_id is not None:
        await BallotContent.filter(id=participation.content_id).using_db(tx).delete()
        return
    if not receipt_code:
        raise _bad("秘密投票改票须提供原选票的回执码", "receiptCode")
    tracker_hash, key_hash = _halves(poll.id, receipt_code)
    if key_hash != participation.change_hash or not await BallotContent.filter(
            poll_id=poll.id, tracker_hash=tracker_hash).using_db(tx).delete():
        raise _bad("回执码不对，请使用本选票的回执码", "receiptCode")


async def cast(actor: Actor, *, poll_id: UUID, entry_id: UUID | None, ballot: BallotInput,
               receipt_code: str | None = None) -> Cast:
    """A resident's own ballot, or one cast as a proxy (代办 with VOTE, or a written authorisation)."""
    poll = await Poll.filter(id=poll_id).first()
    entries = await _entries_to_cast(actor, poll_id, entry_id) if poll else {}
    if not entries:  # an entry of the poll makes it visible; without one, get_poll_for says whether it is
        poll = await get_poll_for(actor, poll_id)
    _check_open(poll)
    entry, proxied = _entry_to_cast(actor, entries)
    answer = check_answer(poll, ballot)
    return await _record(actor, poll, entry, answer=answer, receipt_code=receipt_code, proxied=proxied,
                         channel=BallotChannel.PROXY if proxied else BallotChannel.ONLINE)


async def _evidence(actor: Actor, upload_id: UUID) -> Upload:
    upload = await Upload.filter(id=upload_id, owner_id=actor.person_id, kind="vote_evidence").first()
    if upload is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的凭证照片", field="evidenceUploadId")
    return upload


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not 2 <= len(reason) <= 200:
        raise _bad("请写明原因（2–200 字）", "reason")
    return reason


async def _staff_entry(actor: Actor, poll_id: UUID, entry_id: UUID) -> tuple[Poll, ElectorateEntry]:
    poll = await get_poll_for_staff(actor, poll_id)
    entry = await ElectorateEntry.filter(id=entry_id, poll_id=poll.id).first()
    if entry is None:
        raise DomainError(ErrorCode.NOT_FOUND, "该户（人）不在本次投票的选民名单中", field="entryId")
    return poll, entry


async def enter_paper_ballot(actor: Actor, *, poll_id: UUID, entry_id: UUID, channel: BallotChannel,
                             ballot: BallotInput, evidence_upload_id: UUID, reason: str) -> Cast:
    """A paper or home-visit ballot entered by staff, with its photo and why it was not cast online."""
    poll, entry = await _staff_entry(actor, poll_id, entry_id)
    if channel not in PAPER:
        raise _bad("请选择纸质投票或上门投票", "channel")
    _check_open(poll)
    answer = check_answer(poll, ballot)
    evidence = await _evidence(actor, evidence_upload_id)
    reason = _reason(reason)
    return await _record(actor, poll, entry, answer=answer, channel=channel, proxied=True, receipt_code=None,
                         evidence_id=evidence.id, reason=reason)


async def record_authorisation(actor: Actor, *, poll_id: UUID, entry_id: UUID, principal_id: UUID, agent_id: UUID,
                               evidence_upload_id: UUID) -> VoteAuthorisation:
    """A written authorisation (委托书) for one poll: the agent may cast the principal's entry's ballot."""
    poll, entry = await _staff_entry(actor, poll_id, entry_id)
    if poll.state not in (PollState.OPEN,):
        raise _bad("只能为进行中的投票登记委托", "pollId")
    if not await ElectorateVoter.filter(entry_id=entry.id, person_id=principal_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "委托人不是该户（人）的选民", field="principalId")
    if principal_id == agent_id or not await Person.filter(id=agent_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到受托人", field="agentId")
    evidence = await _evidence(actor, evidence_upload_id)
    async with transaction() as tx:
        authorisation, created = await VoteAuthorisation.get_or_create(
            entry_id=entry.id, agent_id=agent_id,
            defaults={"poll_id": poll.id, "principal_id": principal_id, "evidence_id": evidence.id,
                      "recorded_by_id": actor.person_id}, using_db=tx)
        if created:
            await audit.record(tx, actor, "poll.authorisation", "poll", poll.id, community_id=poll.community_id,
                               after={"entry": str(entry.id), "principal": str(principal_id), "agent": str(agent_id)})
    return authorisation


@dataclass
class MyEntry:
    entry: ElectorateEntry
    proxied: bool  # mine through a proxy or an authorisation, not my own
    participation: BallotParticipation | None


async def my_entries(actor: Actor, polls: Sequence[Poll]) -> list[list[MyEntry]]:
    """For each poll, the entries I may cast for, with whether and how each has voted (not what): four
    queries for any number of polls (the loader behind Poll.myEntries, so a list of polls asks once)."""
    me = actor.subject(ProxyScope.VOTE)
    poll_ids = [p.id for p in polls]
    own = set(await ElectorateVoter.filter(poll_id__in=poll_ids, person_id=me).values_list("entry_id", flat=True))
    authorised = set() if actor.is_proxy else set(
        await VoteAuthorisation.filter(poll_id__in=poll_ids, agent_id=me).values_list("entry_id", flat=True))
    entries = await ElectorateEntry.filter(id__in=own | authorised).order_by("id") if own | authorised else []
    cast = {p.entry_id: p for p in await BallotParticipation.filter(entry_id__in=[e.id for e in entries])} \
        if entries else {}
    by_poll: dict[UUID, list[MyEntry]] = {p: [] for p in poll_ids}
    for e in entries:
        by_poll[e.poll_id].append(MyEntry(e, actor.is_proxy or e.id not in own, cast.get(e.id)))
    return [by_poll[p] for p in poll_ids]


async def channels_of(entry_ids: list[UUID]) -> dict[UUID, BallotChannel]:
    """How each of these entries took part (absent: not yet), in one query."""
    return dict(await BallotParticipation.filter(entry_id__in=entry_ids).values_list("entry_id", "channel"))


@dataclass
class Turnout:
    entries: int
    area_dm2: int
    participated: int
    participated_area_dm2: int
    by_channel: dict[str, int]


async def turnout(actor: Actor, *, poll_id: UUID) -> Turnout:
    """Who took part so far, never what they voted: the only numbers shown before a poll closes."""
    poll = await get_poll_for(actor, poll_id)
    rows = await BallotParticipation.filter(poll_id=poll.id).annotate(n=Count("id"), area=Sum("entry__area_dm2")) \
        .group_by("channel").values_list("channel", "n", "area")
    return Turnout(poll.electorate_size, poll.electorate_area_dm2, sum(n for _, n, _ in rows),
                   sum(a or 0 for *_, a in rows), {c: n for c, n, _ in rows})


@dataclass
class Receipt:
    poll: Poll
    answer: dict
    batch: int | None
    tracker_hash: str  # the ballot's key in the log (its inclusion proof)


async def receipt(actor: Actor, *, poll_id: UUID, receipt_code: str) -> Receipt:
    """My ballot by its receipt code: what it says and its sealing batch. Only who holds the code
    finds it; the caller must also be able to see the poll."""
    poll = await get_poll_for(actor, poll_id)
    tracker_hash, _ = _halves(poll.id, receipt_code)
    content = await BallotContent.filter(poll_id=poll.id, tracker_hash=tracker_hash).first()
    if content is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该回执码的选票（改票后旧回执码作废）", field="receiptCode")
    return Receipt(poll, content.answer, content.batch, content.tracker_hash)


async def watch_turnout(actor: Actor, *, poll_id: UUID) -> AsyncIterator[Turnout]:
    """Turnout now, then after each committed ballot (and at close), for whoever may see the poll."""
    await turnout(actor, poll_id=poll_id)  # refuses before subscribing
    events = merged(runtime().pubsub.subscribe(turnout_channel(poll_id)))
    await asyncio.sleep(0)  # let the subscription start before the first count
    try:
        yield await turnout(actor, poll_id=poll_id)
        async for _ in events:
            yield await turnout(actor, poll_id=poll_id)
    finally:
        await events.aclose()
