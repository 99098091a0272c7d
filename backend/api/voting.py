"""Voting: the committee's poll builder, lifecycle, proxies and paper ballots; the resident's polls,
ballot and receipt; results once they may be seen (backend/voting/results.py), turnout before."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.notices import Notice, NoticePayload
from backend.api.pagination import PageInfo
from backend.core.errors import DomainError, ErrorCode
from backend.voting import ballots, result_notice, results, service
from backend.voting import poll_log as ballot_log
from backend.voting.models import BallotChannel as BallotChannelEnum
from backend.voting.models import ElectorateKind as ElectorateKindEnum
from backend.voting.models import HouseholdRule as HouseholdRuleEnum
from backend.voting.models import Matter as MatterEnum
from backend.voting.models import Poll as PollModel
from backend.voting.models import PollKind as PollKindEnum
from backend.voting.models import PollState as PollStateEnum
from backend.voting.models import ResultsMode as ResultsModeEnum
from backend.voting.models import ScopeKind as ScopeKindEnum
from backend.voting.models import Secrecy as SecrecyEnum

PollKind = strawberry.enum(PollKindEnum, name="PollKind")
ElectorateKind = strawberry.enum(ElectorateKindEnum, name="ElectorateKind")
PollScopeKind = strawberry.enum(ScopeKindEnum, name="PollScopeKind")
HouseholdRule = strawberry.enum(HouseholdRuleEnum, name="HouseholdRule")
Matter = strawberry.enum(MatterEnum, name="Matter")
Secrecy = strawberry.enum(SecrecyEnum, name="Secrecy")
ResultsMode = strawberry.enum(ResultsModeEnum, name="ResultsMode")
PollState = strawberry.enum(PollStateEnum, name="PollState")
BallotChannel = strawberry.enum(BallotChannelEnum, name="BallotChannel")


@strawberry.input
class PollItemInput:
    label: str
    type: str | None = strawberry.field(default=None, description="Questionnaires: TEXT or NUMBER.")


@strawberry.input(description="A share of the total: numerator/denominator, `strict` for more than (>) "
                  "instead of at least (≥). Over 100 % is refused.")
class ThresholdInput:
    numerator: int
    denominator: int
    strict: bool = False


@strawberry.input
class ThresholdsInput:
    participation_area: ThresholdInput
    participation_headcount: ThresholdInput
    pass_area: ThresholdInput
    pass_headcount: ThresholdInput


@strawberry.input
class PollScopeInput:
    kind: PollScopeKind
    ids: list[strawberry.ID] | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind.value, "ids": [str(i) for i in self.ids or []]}


@strawberry.input
class PollInput:
    title: str
    kind: PollKind
    items: list[PollItemInput]
    electorate: ElectorateKind
    scope: PollScopeInput
    closes_at: datetime
    description: str = ""
    min_choices: int = 1
    max_choices: int = 1
    household_rule: HouseholdRule = HouseholdRuleEnum.FIRST_STANDS
    matter: Matter = MatterEnum.ORDINARY
    thresholds: ThresholdsInput | None = strawberry.field(default=None, description="Left out: the matter's "
                                                          "defaults (民法典 第二百七十八条).")
    secrecy: Secrecy = SecrecyEnum.NAMED
    results: ResultsMode = ResultsModeEnum.AFTER_CLOSE
    allow_change: bool = False
    proxy_cap: int = 1
    opens_at: datetime | None = None
    remind_hours: int = 24

    def draft(self) -> service.PollDraft:
        thresholds = None if self.thresholds is None else {
            key: vars(getattr(self.thresholds, name)) for key, name in (
                ("participationArea", "participation_area"), ("participationHeadcount", "participation_headcount"),
                ("passArea", "pass_area"), ("passHeadcount", "pass_headcount"))}
        return service.PollDraft(
            title=self.title, kind=self.kind, items=[{"label": i.label, "type": i.type} for i in self.items],
            electorate=self.electorate, scope=self.scope.as_dict(), closes_at=self.closes_at,
            description=self.description, min_choices=self.min_choices, max_choices=self.max_choices,
            household_rule=self.household_rule, matter=self.matter, thresholds=thresholds, secrecy=self.secrecy,
            results=self.results, allow_change=self.allow_change, proxy_cap=self.proxy_cap, opens_at=self.opens_at,
            remind_hours=self.remind_hours)


@strawberry.input
class MotionVoteInput:
    key: str
    answer: str = strawberry.field(description="YES, NO or ABSTAIN.")


@strawberry.input
class AnswerInput:
    key: str
    text: str | None = None
    number: float | None = None


@strawberry.input
class BallotInput:
    choices: list[str] | None = None
    motions: list[MotionVoteInput] | None = None
    answers: list[AnswerInput] | None = None

    def ballot(self) -> ballots.BallotInput:
        def value(a: AnswerInput):
            return a.text if a.number is None else (int(a.number) if a.number.is_integer() else a.number)

        return ballots.BallotInput(
            choices=self.choices, motions=None if self.motions is None else {m.key: m.answer for m in self.motions},
            answers=None if self.answers is None else {a.key: value(a) for a in self.answers})


@strawberry.type
class PollItem:
    key: str
    label: str
    type: str | None


@strawberry.type
class Threshold:
    numerator: int
    denominator: int
    strict: bool


@strawberry.type
class Thresholds:
    participation_area: Threshold
    participation_headcount: Threshold
    pass_area: Threshold
    pass_headcount: Threshold


@strawberry.type
class ResultStep:
    text: str = strawberry.field(description="Chinese, with its numbers.")
    met: bool | None = strawberry.field(description="Whether the threshold is reached; null: a figure, not a test.")


@strawberry.type
class OptionResult:
    key: str
    label: str
    votes: int
    area_dm2: int | None = strawberry.field(description="Owners' assemblies: the area of the owners choosing it.")


@strawberry.type
class MotionResult:
    key: str
    label: str
    yes: int
    no: int
    abstain: int
    passed: bool | None
    steps: list[ResultStep] = strawberry.field(description="The double-majority check of this motion.")


@strawberry.type
class QuestionResult:
    key: str
    label: str
    answers: int
    average: float | None = strawberry.field(description="Number questions: the mean answer.")
    texts: list[str] = strawberry.field(description=f"Text questions: the answers, sorted (the first "
                                        f"{results.MAX_TEXTS}; the Excel export holds all).")


@strawberry.type(description="A poll's result: the tally of its ballots, each step of the decision explained.")
class PollResult:
    outcome: str = strawberry.field(description="The verdict in one Chinese line.")
    passed: bool | None = strawberry.field(description="Null: nothing to decide (questionnaires). Choice polls: "
                                           "an option passed; motions: every motion passed.")
    quorum_met: bool | None = strawberry.field(description="Participation reached its thresholds.")
    steps: list[ResultStep] = strawberry.field(description="Turnout, participation, and (choice polls) each "
                                               "option's passing check.")
    options: list[OptionResult]
    motions: list[MotionResult]
    questions: list[QuestionResult]

    @classmethod
    def of(cls, r: results.PollResult) -> "PollResult":
        def steps(items) -> list[ResultStep]:
            return [ResultStep(text=s.text, met=s.met) for s in items]

        return cls(
            outcome=r.outcome, passed=r.passed, quorum_met=r.quorum_met, steps=steps(r.steps),
            options=[OptionResult(key=o.key, label=o.label, votes=o.votes, area_dm2=o.area_dm2) for o in r.options],
            motions=[MotionResult(key=m.key, label=m.label, yes=m.yes, no=m.no, abstain=m.abstain, passed=m.passed,
                                  steps=steps(m.steps)) for m in r.motions],
            questions=[QuestionResult(key=q.key, label=q.label, answers=q.answers,
                                      average=None if q.average is None else float(q.average),
                                      texts=list(q.texts[:results.MAX_TEXTS])) for q in r.questions])


@strawberry.type(description="An entry I may cast a ballot for, with whether it has voted (never what).")
class MyBallotEntry:
    entry_id: strawberry.ID
    label: str
    proxied: bool = strawberry.field(description="Someone else's, which I cast as their proxy.")
    voted: bool
    channel: BallotChannel | None
    changes: int


@strawberry.type
class Poll:
    id: strawberry.ID
    title: str
    description: str
    kind: PollKind
    items: list[PollItem]
    min_choices: int
    max_choices: int
    electorate: ElectorateKind
    scope: JSON
    household_rule: HouseholdRule
    matter: Matter
    thresholds: Thresholds
    secrecy: Secrecy
    results: ResultsMode
    allow_change: bool
    proxy_cap: int
    opens_at: datetime | None
    closes_at: datetime
    remind_hours: int
    state: PollState
    electorate_size: int
    electorate_area_dm2: int
    model: strawberry.Private[PollModel]  # as loaded for this caller, through the service's checks

    @strawberry.field(description="The entries I may cast for (mine, or as a proxy), each with its ballot state.")
    async def my_entries(self, info: Info) -> list[MyBallotEntry]:
        return [MyBallotEntry(entry_id=strawberry.ID(str(m.entry.id)), label=m.entry.label, proxied=m.proxied,
                              voted=m.participation is not None,
                              channel=m.participation.channel if m.participation else None,
                              changes=m.participation.changes if m.participation else 0)
                for m in await info.context.loader(
                    "my_poll_entries", lambda polls: ballots.my_entries(info.context.actor, polls)).load(self.model)]

    @strawberry.field(description="The result, when I may see it: for LIVE polls that are not SECRET while open "
                      "(residents: NAMED ones), for staff once closed, for residents once published. Null before: "
                      "turnout only.")
    async def result(self, info: Info) -> PollResult | None:
        actor = info.context.actor
        loader = info.context.loader("poll_results", lambda polls: results.results_of(actor, polls))
        found = await loader.load(self.model)
        return PollResult.of(found) if found else None

    @classmethod
    def of(cls, p: PollModel) -> "Poll":
        t = {k: Threshold(**v) for k, v in p.thresholds.items()}
        return cls(
            id=strawberry.ID(str(p.id)), title=p.title, description=p.description, kind=p.kind,
            items=[PollItem(key=i["key"], label=i["label"], type=i.get("type")) for i in p.items],
            min_choices=p.min_choices, max_choices=p.max_choices, electorate=p.electorate, scope=p.scope,
            household_rule=p.household_rule, matter=p.matter,
            thresholds=Thresholds(participation_area=t["participationArea"],
                                  participation_headcount=t["participationHeadcount"], pass_area=t["passArea"],
                                  pass_headcount=t["passHeadcount"]),
            secrecy=p.secrecy, results=p.results, allow_change=p.allow_change, proxy_cap=p.proxy_cap,
            opens_at=p.opens_at, closes_at=p.closes_at, remind_hours=p.remind_hours, state=p.state,
            electorate_size=p.electorate_size, electorate_area_dm2=p.electorate_area_dm2, model=p)


@strawberry.type
class PollConnection:
    nodes: list[Poll]
    page_info: PageInfo


@strawberry.type
class ElectorateEntry:
    id: strawberry.ID
    label: str
    area_dm2: int
    headcount: int
    voted: bool
    channel: BallotChannel | None


@strawberry.type
class ElectorateEntryConnection:
    nodes: list[ElectorateEntry]
    page_info: PageInfo


@strawberry.type
class ElectoratePreview:
    entries: int = strawberry.field(description="Ballots: people, households or owner units.")
    voters: int = strawberry.field(description="People who may cast them.")
    area_dm2: int


@strawberry.type
class ChannelCount:
    channel: BallotChannel
    count: int


@strawberry.type(description="Who took part so far; never what was voted.")
class PollTurnout:
    entries: int
    area_dm2: int
    participated: int
    participated_area_dm2: int
    by_channel: list[ChannelCount]

    @classmethod
    def of(cls, t: ballots.Turnout) -> "PollTurnout":
        return cls(entries=t.entries, area_dm2=t.area_dm2, participated=t.participated,
                   participated_area_dm2=t.participated_area_dm2,
                   by_channel=[ChannelCount(channel=BallotChannelEnum(c), count=n)
                               for c, n in sorted(t.by_channel.items())])


@strawberry.type(description="A signed tree head of a poll's ballot log (RFC 9162): Ed25519 over "
                 "merkle.TreeHead.encode().")
class PollTreeHead:
    tree_size: int
    root_hash: str = strawberry.field(description="Hex.")
    timestamp: float = strawberry.field(description="The seal's time in ms since the epoch: a whole number "
                                        "(Float only because GraphQL's Int has 32 bits).")
    poll_digest: str = strawberry.field(description="Hex SHA-256 of the poll's description in the log.")
    signature: str = strawberry.field(description="Hex.")

    @classmethod
    def of(cls, head) -> "PollTreeHead":
        return cls(tree_size=head.tree_size, root_hash=head.root_hash, timestamp=head.timestamp,
                   poll_digest=head.poll_digest, signature=head.signature)


@strawberry.type(description="My ballot's place in the published log: check it with the RFC 9162 "
                 "inclusion proof against the signed head.")
class BallotInclusion:
    leaf: str = strawberry.field(description="The leaf text as sealed (its UTF-8 bytes are hashed).")
    leaf_index: int
    tree_size: int
    audit_path: list[str] = strawberry.field(description="Hex, in RFC 9162 order.")
    tree_head: PollTreeHead


@strawberry.type
class BallotReceipt:
    poll_id: strawberry.ID
    answer: JSON = strawberry.field(description="What my ballot says: {choices} | {motions} | {answers}.")
    batch: int | None = strawberry.field(description="The sealing batch of the log (null until sealed).")
    receipt: strawberry.Private[ballots.Receipt]

    @strawberry.field(description="The inclusion proof; null until the ballot is sealed.")
    async def inclusion(self) -> BallotInclusion | None:
        if self.receipt.batch is None:
            return None
        found = await ballot_log.inclusion(self.receipt.poll, self.receipt.tracker_hash)
        return None if found is None else BallotInclusion(
            leaf=found.leaf, leaf_index=found.leaf_index, tree_size=found.tree_size, audit_path=found.audit_path,
            tree_head=PollTreeHead.of(found.head))


@strawberry.type(description="The server's check of a poll's log: verify_log on its export, and the re-count.")
class PollLogCheck:
    ok: bool
    lines: list[str] = strawberry.field(description="The report, in Chinese.")
    tree_size: int
    root_hash: str | None


@strawberry.type
class PollPayload:
    poll: Poll | None
    errors: list[UserError]


@strawberry.type
class BallotCastPayload:
    receipt_code: str | None = strawberry.field(description="Shown once, to whoever cast it: keep it to check "
                                                "the ballot, and (secret polls) to change it.")
    entry_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class VoteAuthorisationPayload:
    authorisation_id: strawberry.ID | None
    errors: list[UserError]


async def _payload(call) -> PollPayload:
    poll, errors = await attempt(call)
    return PollPayload(poll=Poll.of(poll) if poll else None, errors=errors)


async def _cast_payload(call) -> BallotCastPayload:
    cast, errors = await attempt(call)
    return BallotCastPayload(receipt_code=cast.receipt_code if cast else None, errors=errors,
                             entry_id=strawberry.ID(str(cast.participation.entry_id)) if cast else None)


@strawberry.type
class VotingQueries:
    @strawberry.field(description="A poll: for its staff (VOTE_MANAGE), or once open for its electorate.")
    async def poll(self, info: Info, id: strawberry.ID) -> Poll | None:
        try:
            return Poll.of(await service.get_poll_for(info.context.actor, parse_uuid(id)))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None

    @strawberry.field(description="A community's polls, newest first. Needs VOTE_MANAGE.")
    async def polls(self, info: Info, community_id: strawberry.ID, state: PollState | None = None,
                    search: str | None = None, first: int = 20, after: str | None = None) -> PollConnection:
        page = await service.list_polls(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                        search=search, first=first, after=after)
        return PollConnection(nodes=[Poll.of(p) for p in page.items], page_info=PageInfo.of(page))

    @strawberry.field(description="Polls I may vote in (or cast for someone in), newest first.")
    async def polls_for_me(self, info: Info, first: int = 20, after: str | None = None) -> PollConnection:
        page = await service.polls_for_me(info.context.actor, first=first, after=after)
        return PollConnection(nodes=[Poll.of(p) for p in page.items], page_info=PageInfo.of(page))

    @strawberry.field(description="The electorate frozen at opening, with who took part. Needs VOTE_MANAGE.")
    async def poll_electorate(self, info: Info, id: strawberry.ID, search: str | None = None, first: int = 20,
                              after: str | None = None) -> ElectorateEntryConnection:
        page = await service.list_electorate(info.context.actor, poll_id=parse_uuid(id), search=search, first=first,
                                             after=after)
        cast = await ballots.channels_of([e.id for e in page.items])
        return ElectorateEntryConnection(nodes=[
            ElectorateEntry(id=strawberry.ID(str(e.id)), label=e.label, area_dm2=e.area_dm2, headcount=e.headcount,
                            voted=e.id in cast, channel=cast.get(e.id)) for e in page.items
        ], page_info=PageInfo.of(page))

    @strawberry.field(description="Who the electorate would be if the poll opened now. Needs VOTE_MANAGE.")
    async def poll_electorate_preview(self, info: Info, community_id: strawberry.ID, electorate: ElectorateKind,
                                      scope: PollScopeInput) -> ElectoratePreview:
        p = await service.preview(info.context.actor, community_id=parse_uuid(community_id), kind=electorate,
                                  scope=scope.as_dict())
        return ElectoratePreview(entries=p.entries, voters=p.voters, area_dm2=p.area_dm2)

    @strawberry.field(description="Turnout so far (never the votes), for the poll's staff and electorate.")
    async def poll_turnout(self, info: Info, id: strawberry.ID) -> PollTurnout:
        return PollTurnout.of(await ballots.turnout(info.context.actor, poll_id=parse_uuid(id)))

    @strawberry.field(description="My ballot, found by the receipt code the cast gave me.")
    async def ballot_receipt(self, info: Info, poll_id: strawberry.ID, receipt_code: str) -> BallotReceipt:
        r = await ballots.receipt(info.context.actor, poll_id=parse_uuid(poll_id), receipt_code=receipt_code)
        return BallotReceipt(poll_id=strawberry.ID(str(r.poll.id)), answer=r.answer, batch=r.batch, receipt=r)

    @strawberry.field(description="The poll's ballot log (the verify_log export: ballots, signed tree heads, "
                      "public key), once its results may be seen: after close, or any time in a LIVE poll that "
                      "is not secret.")
    async def poll_log(self, info: Info, id: strawberry.ID) -> JSON | None:
        return await ballot_log.poll_log(info.context.actor, poll_id=parse_uuid(id))

    @strawberry.field(description="Verify the poll's log on the server and re-count it. Needs VOTE_MANAGE; "
                      "as pollLog, once its results may be seen.")
    async def poll_log_check(self, info: Info, id: strawberry.ID) -> PollLogCheck:
        c = await ballot_log.poll_log_check(info.context.actor, poll_id=parse_uuid(id))
        return PollLogCheck(ok=c.ok, lines=c.lines, tree_size=c.tree_size, root_hash=c.root_hash)


@strawberry.type
class VotingMutations:
    @strawberry.mutation(description="Draft a poll. Needs VOTE_MANAGE.")
    async def poll_create(self, info: Info, community_id: strawberry.ID, input: PollInput) -> PollPayload:
        return await _payload(service.create_poll(info.context.actor, community_id=parse_uuid(community_id),
                                                  draft=input.draft()))

    @strawberry.mutation(description="Edit a draft or scheduled poll. Needs VOTE_MANAGE.")
    async def poll_update(self, info: Info, id: strawberry.ID, input: PollInput) -> PollPayload:
        return await _payload(service.update_poll(info.context.actor, poll_id=parse_uuid(id), draft=input.draft()))

    @strawberry.mutation(description="Make secrecy or results stricter (the only change once open). Needs "
                         "VOTE_MANAGE.")
    async def poll_tighten(self, info: Info, id: strawberry.ID, secrecy: Secrecy | None = None,
                           results: ResultsMode | None = None) -> PollPayload:
        return await _payload(service.tighten_poll(info.context.actor, poll_id=parse_uuid(id), secrecy=secrecy,
                                                   results=results))

    @strawberry.mutation(description="Open at its opensAt (the sweep opens it). Needs VOTE_MANAGE.")
    async def poll_schedule(self, info: Info, id: strawberry.ID) -> PollPayload:
        return await _payload(service.schedule_poll(info.context.actor, poll_id=parse_uuid(id)))

    @strawberry.mutation(description="Take a scheduled poll back to draft. Needs VOTE_MANAGE.")
    async def poll_unschedule(self, info: Info, id: strawberry.ID) -> PollPayload:
        return await _payload(service.unschedule_poll(info.context.actor, poll_id=parse_uuid(id)))

    @strawberry.mutation(description="Open now, freezing the electorate. Needs VOTE_MANAGE.")
    async def poll_open(self, info: Info, id: strawberry.ID) -> PollPayload:
        return await _payload(service.open_poll(info.context.actor, poll_id=parse_uuid(id)))

    @strawberry.mutation(description="Close before the deadline (the sweep closes at it). Needs VOTE_MANAGE.")
    async def poll_close(self, info: Info, id: strawberry.ID, reason: str | None = None) -> PollPayload:
        return await _payload(service.close_poll(info.context.actor, poll_id=parse_uuid(id), reason=reason))

    @strawberry.mutation(description="Publish the results of a closed poll (公示). Needs VOTE_MANAGE.")
    async def poll_publish(self, info: Info, id: strawberry.ID) -> PollPayload:
        return await _payload(service.publish_poll(info.context.actor, poll_id=parse_uuid(id)))

    @strawberry.mutation(description="Draft the result notice of a closed poll, to its scope, for editing and "
                         "publishing as a notice (nothing is published). Needs VOTE_MANAGE and NOTICE_PUBLISH.")
    async def poll_result_notice_draft(self, info: Info, id: strawberry.ID) -> NoticePayload:
        notice, errors = await attempt(result_notice.draft_result_notice(info.context.actor, poll_id=parse_uuid(id)))
        return NoticePayload(notice=Notice.of(notice) if notice else None, errors=errors)

    @strawberry.mutation(description="Cast (or, where allowed, change) a ballot: mine, or as a proxy (X-Acting-For "
                         "with VOTE, or a written authorisation). `entryId` when I may cast for several; "
                         "`receiptCode` to change a secret ballot.")
    async def ballot_cast(self, info: Info, poll_id: strawberry.ID, ballot: BallotInput,
                          entry_id: strawberry.ID | None = None, receipt_code: str | None = None) -> BallotCastPayload:
        return await _cast_payload(ballots.cast(
            info.context.actor, poll_id=parse_uuid(poll_id), entry_id=parse_uuid(entry_id) if entry_id else None,
            ballot=ballot.ballot(), receipt_code=receipt_code))

    @strawberry.mutation(description="Enter a paper or home-visit ballot, with its photo (upload kind "
                         "vote_evidence) and reason. Needs VOTE_MANAGE.")
    async def ballot_paper_enter(self, info: Info, poll_id: strawberry.ID, entry_id: strawberry.ID,
                                 channel: BallotChannel, ballot: BallotInput, evidence_upload_id: strawberry.ID,
                                 reason: str) -> BallotCastPayload:
        return await _cast_payload(ballots.enter_paper_ballot(
            info.context.actor, poll_id=parse_uuid(poll_id), entry_id=parse_uuid(entry_id), channel=channel,
            ballot=ballot.ballot(), evidence_upload_id=parse_uuid(evidence_upload_id), reason=reason))

    @strawberry.mutation(description="Record a written authorisation (委托书) for one poll, with its photo "
                         "(upload kind vote_evidence). Needs VOTE_MANAGE.")
    async def vote_authorisation_record(self, info: Info, poll_id: strawberry.ID, entry_id: strawberry.ID,
                                        principal_id: strawberry.ID, agent_id: strawberry.ID,
                                        evidence_upload_id: strawberry.ID) -> VoteAuthorisationPayload:
        authorisation, errors = await attempt(ballots.record_authorisation(
            info.context.actor, poll_id=parse_uuid(poll_id), entry_id=parse_uuid(entry_id),
            principal_id=parse_uuid(principal_id), agent_id=parse_uuid(agent_id),
            evidence_upload_id=parse_uuid(evidence_upload_id)))
        return VoteAuthorisationPayload(
            authorisation_id=strawberry.ID(str(authorisation.id)) if authorisation else None, errors=errors)


@strawberry.type
class VotingSubscriptions:
    @strawberry.subscription(description="A poll's turnout now, then after each ballot and at close.")
    async def live_poll_turnout(self, info: Info, id: strawberry.ID) -> AsyncGenerator[PollTurnout, None]:
        async for t in ballots.watch_turnout(info.context.actor, poll_id=parse_uuid(id)):
            yield PollTurnout.of(t)
