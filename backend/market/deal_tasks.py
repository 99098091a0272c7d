"""Market deal jobs: the every-minute draw of due lotteries, and the community of the messages'
push jobs (keyed `conversation:<id>:…`) for their dead letters."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.market import lottery
from backend.market.models import Conversation


@broker.task(task_name="market.draw_due", schedule=[{"cron": "* * * * *"}])
async def draw_lotteries() -> int:
    return await lottery.draw_due()


@community_of_keys("conversation")
async def community_of_conversation(conversation_id: UUID) -> UUID | None:
    return await Conversation.filter(id=conversation_id).first().values_list("listing__community_id", flat=True)
