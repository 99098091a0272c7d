"""Policy Q&A (政策咨询): residents ask, read their answers, browse the FAQ and get suggestions while
typing; staff with CONSULT_ANSWER answer, publish and unpublish. Who may do what is the service's
(backend/consult)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.consult import service
from backend.consult.models import Question as QuestionModel
from backend.consult.models import QuestionState as QuestionStateEnum

QuestionState = strawberry.enum(QuestionStateEnum, name="QuestionState")


@strawberry.type(description="A question as its asker and the staff see it.")
class Question:
    id: strawberry.ID
    text: str
    state: QuestionState
    answer: str | None
    answered_at: datetime | None
    published: bool = strawberry.field(description="In the community's FAQ.")
    asker_name: str | None = strawberry.field(description="Who it is for; in the desk's list only.")
    created_at: datetime

    @classmethod
    def of(cls, q: QuestionModel, *, with_asker: bool = False) -> "Question":
        return cls(id=strawberry.ID(str(q.id)), text=q.text, state=q.state, answer=q.answer,
                   answered_at=q.answered_at, published=q.published_at is not None,
                   asker_name=q.asker.display_name if with_asker else None, created_at=q.created_at)


@strawberry.type(description="A published question of the FAQ: never who asked it.")
class FaqEntry:
    id: strawberry.ID
    text: str
    answer: str
    published_at: datetime

    @classmethod
    def of(cls, q: QuestionModel) -> "FaqEntry":
        return cls(id=strawberry.ID(str(q.id)), text=q.text, answer=q.answer, published_at=q.published_at)


@strawberry.type
class QuestionConnection(Counted):
    nodes: list[Question]
    page_info: PageInfo


@strawberry.type
class FaqConnection(Counted):
    nodes: list[FaqEntry]
    page_info: PageInfo


@strawberry.type
class QuestionPayload:
    question: Question | None
    errors: list[UserError]


async def _payload(call) -> QuestionPayload:
    question, errors = await attempt(call)
    return QuestionPayload(question=Question.of(question) if question else None, errors=errors)


@strawberry.type
class ConsultQueries:
    @strawberry.field(description="What I (or, acting with the CASE scope, my principal) asked, newest first, "
                      "with the answers; first ≤ 50.")
    async def my_questions(self, info: Info, first: int = 20, after: str | None = None) -> QuestionConnection:
        page = await service.my_questions(info.context.actor, first=first, after=after)
        return QuestionConnection(nodes=[Question.of(q) for q in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="The community's FAQ, newest first, those holding every word of `search` in the "
                      "question or the answer; for its members and staff; first ≤ 50.")
    async def faq(self, info: Info, community_id: strawberry.ID, search: str | None = None, first: int = 20,
                  after: str | None = None) -> FaqConnection:
        page = await service.faq(info.context.actor, community_id=parse_uuid(community_id), search=search,
                                 first=first, after=after)
        return FaqConnection(nodes=[FaqEntry.of(q) for q in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="Published questions like `text`, best first, at most 5 (none for fewer than 3 "
                      "letters or characters); for the community's members and staff.")
    async def question_suggestions(self, info: Info, community_id: strawberry.ID, text: str) -> list[FaqEntry]:
        return [FaqEntry.of(q) for q in await service.suggestions(
            info.context.actor, community_id=parse_uuid(community_id), text=text)]

    @strawberry.field(description="The community's questions for the desk (咨询台), newest first, by state and "
                      "words; first ≤ 50. Needs CONSULT_ANSWER.")
    async def questions(self, info: Info, community_id: strawberry.ID, state: QuestionState | None = None,
                        search: str | None = None, first: int = 20, after: str | None = None) -> QuestionConnection:
        page = await service.list_questions(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                            search=search, first=first, after=after)
        return QuestionConnection(nodes=[Question.of(q, with_asker=True) for q in page.items],
                                  page_info=PageInfo.of(page), page=page)


@strawberry.type
class ConsultMutations:
    @strawberry.mutation(description="Ask a policy question (5–200 characters): for myself, or for my principal "
                         "with the CASE proxy scope.")
    async def question_ask(self, info: Info, community_id: strawberry.ID, text: str) -> QuestionPayload:
        return await _payload(service.ask(info.context.actor, community_id=parse_uuid(community_id), text=text))

    @strawberry.mutation(description="Answer a question, or edit its answer (the audit log keeps the replaced one); "
                         "`publish` puts it in the FAQ or takes it out. The asker is notified. Needs "
                         "CONSULT_ANSWER.")
    async def question_answer(self, info: Info, id: strawberry.ID, answer: str, publish: bool) -> QuestionPayload:
        return await _payload(service.answer_question(info.context.actor, question_id=parse_uuid(id), answer=answer,
                                             publish=publish))

    @strawberry.mutation(description="Take a question out of the FAQ. Needs CONSULT_ANSWER.")
    async def question_unpublish(self, info: Info, id: strawberry.ID) -> QuestionPayload:
        return await _payload(service.unpublish(info.context.actor, question_id=parse_uuid(id)))
