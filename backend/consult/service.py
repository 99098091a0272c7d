"""Policy Q&A (政策咨询): a resident asks (or their relative with the CASE proxy scope), staff with
CONSULT_ANSWER answer and may publish the answer to the community's FAQ; while a resident types,
published questions like theirs are suggested.

Reach: a question is its asker's (and their proxy's with CASE) and its community staff's; the FAQ is
for the community's members and staff. Out of reach is not-found. Answering an answered question
again is an edit: the audit log keeps the answer it replaced."""

from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.consult import grams
from backend.consult.models import Question, QuestionState
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, permissions, require
from backend.notify import service as notify
from backend.registry.models import Membership

QUESTION_CHARS = (5, 200)
ANSWER_CHARS = (2, 2000)
SEARCH_MAX_CHARS = 32
SUGGEST_MIN_CHARS = 3  # normalised: fewer say too little to compare
SUGGESTIONS = 5
CANDIDATES = 50  # what the index proposes for scoring, per suggestion request
# A suggestion shares at least this many of the typed question's bigrams, and this share of them.
MIN_SHARED, MIN_SHARE = 2, 0.4


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该咨询")


def _length(value: str, bounds: tuple[int, int], field: str, what: str) -> str:
    value = (value or "").strip()
    low, high = bounds
    if not value:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请填写{what}", field=field)
    if not low <= len(value) <= high:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{what}须为 {low}–{high} 个字", field=field)
    return value


async def _require_member_or_staff(actor: Actor, community_id: UUID) -> None:
    if permissions(actor, community_id):
        return
    me = actor.subject(ProxyScope.CASE)
    if not await Membership.filter(person_id=me, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")


# --- Residents -----------------------------------------------------------------------------------

async def ask(actor: Actor, *, community_id: UUID, text: str) -> Question:
    """For myself, or with the CASE scope for my principal, in a community they belong to."""
    asker = actor.subject(ProxyScope.CASE)
    text = _length(text, QUESTION_CHARS, "text", "咨询内容")
    if not await Membership.filter(person_id=asker, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    async with transaction() as tx:
        question = await Question.create(community_id=community_id, asker_id=asker, asked_by_id=actor.person_id,
                                         text=text, using_db=tx)
        if actor.is_proxy:  # in the principal's history
            await audit.record(tx, actor, "question.ask", "question", question.id, community_id=community_id)
    return question


async def my_questions(actor: Actor, *, first: int, after: str | None) -> Page[Question]:
    """What I (or my principal) asked, newest first, with the answers given."""
    me = actor.subject(ProxyScope.CASE)
    return await paginate(Question.filter(asker_id=me), first=first, after=after, newest_first=True)


def _words(search: str | None) -> list[str]:
    return (search or "").strip()[:SEARCH_MAX_CHARS].split()


def _containing(words: list[str]) -> Q:
    """Every word in the question or its answer: substring matching, which is exact for Chinese on
    both databases (no word rules involved)."""
    found = Q()
    for word in words:
        found &= Q(text__icontains=word) | Q(answer__icontains=word)
    return found


async def faq(actor: Actor, *, community_id: UUID, search: str | None, first: int,
              after: str | None) -> Page[Question]:
    """The community's published questions, newest first, those holding every search word."""
    await _require_member_or_staff(actor, community_id)
    query = Question.filter(_containing(_words(search)), community_id=community_id, published_at__isnull=False)
    return await paginate(query, first=first, after=after, newest_first=True)


async def suggestions(actor: Actor, *, community_id: UUID, text: str) -> list[Question]:
    """Published questions most like `text`, best first (at most 5); none for a text too short."""
    await _require_member_or_staff(actor, community_id)
    text = (text or "")[:QUESTION_CHARS[1]]
    if len(grams.normalise(text)) < SUGGEST_MIN_CHARS:
        return []
    ids = await grams.candidates(community_id=community_id, text=text, limit=CANDIDATES)
    found = await Question.filter(id__in=ids, community_id=community_id, published_at__isnull=False)
    scored = []
    for question in found:
        shared, share = grams.overlap(text, question.text)
        if shared >= MIN_SHARED and share >= MIN_SHARE:
            # Best: most of the typed bigrams, then of its characters (停水 for 供水), then the question
            # that says least else, then the newest.
            _, characters = grams.overlap(text, question.text, 1)
            scored.append(((-share, -characters, len(question.text), -question.id.int), question))
    return [question for _, question in sorted(scored, key=lambda pair: pair[0])[:SUGGESTIONS]]


# --- Staff ---------------------------------------------------------------------------------------

async def get_question_for_staff(actor: Actor, question_id: UUID, *, tx=None, lock: bool = False) -> Question:
    query = Question.filter(id=question_id)
    if lock:
        query = query.select_for_update()
    question = await (query.using_db(tx) if tx else query).first()
    if question is None or question.community_id not in actor.roles:
        raise _not_found()
    require(actor, Permission.CONSULT_ANSWER, question.community_id)
    return question


async def list_questions(actor: Actor, *, community_id: UUID, state: QuestionState | None, search: str | None,
                         first: int, after: str | None) -> Page[Question]:
    """The community's questions for the desk, newest first, by state and by words."""
    require(actor, Permission.CONSULT_ANSWER, community_id)
    query = Question.filter(_containing(_words(search)), community_id=community_id).select_related("asker")
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after, newest_first=True)


async def answer_question(actor: Actor, *, question_id: UUID, answer: str, publish: bool) -> Question:
    """Answer, or edit the answer (the audit log keeps the one replaced); `publish` puts it in the
    FAQ or takes it out. The asker is told of the first answer and of every change to it."""
    answer = _length(answer, ANSWER_CHARS, "answer", "答复内容")
    async with transaction() as tx:
        question = await get_question_for_staff(actor, question_id, tx=tx, lock=True)
        was_published = question.published_at is not None
        if question.answer == answer and was_published == publish:
            raise DomainError(ErrorCode.INVALID_INPUT, "答复内容与公开状态都没有变化", field="answer")
        before = {"answer": question.answer, "published": was_published} if question.answer else None
        changed = question.answer is not None and question.answer != answer
        first = question.answer is None
        question.answer, question.state = answer, QuestionState.ANSWERED
        question.answered_by_id, question.answered_at = actor.person_id, clock.now()
        question.published_at = (question.published_at or clock.now()) if publish else None
        await question.save(using_db=tx)
        await _index(tx, question)
        await audit.record(tx, actor, "question.answer", "question", question.id,
                           community_id=question.community_id, before=before,
                           after={"answer": answer, "published": publish})
        if first or changed:
            title = "您的咨询已有答复" if first else "您的咨询答复已更新"
            key = f"question:{question.id}:answer:{clock.now().isoformat()}"
            await _notify_asker(tx, question, title=title, key=key)
    return question


async def unpublish(actor: Actor, *, question_id: UUID) -> Question:
    """Take an answered question out of the FAQ (its asker still reads the answer)."""
    async with transaction() as tx:
        question = await get_question_for_staff(actor, question_id, tx=tx, lock=True)
        if question.published_at is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该咨询未公开，无需撤回")
        question.published_at = None
        await question.save(using_db=tx, update_fields=["published_at"])
        await _index(tx, question)
        await audit.record(tx, actor, "question.unpublish", "question", question.id,
                           community_id=question.community_id)
    return question


async def _index(tx, question: Question) -> None:
    if question.published_at is not None:
        await grams.put(tx, question_id=question.id, community_id=question.community_id, text=question.text)
    else:
        await grams.drop(tx, question.id)


async def _notify_asker(tx, question: Question, *, title: str, key: str) -> None:
    body = f"您咨询的「{question.text[:40]}」：{question.answer[:200]}（在「我要咨询」查看全文）"
    await notify.deliver_many(tx, person_ids=[question.asker_id], kind="question", title=title, body=body,
                              key_prefix=key)
    await notify.queue_push(tx, person_ids=[question.asker_id], kind="question", title=title,
                            body=question.text[:40], key_prefix=key, page="cases/pages/ask/index")
