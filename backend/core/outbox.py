"""The transactional outbox: work that must happen after a commit, and work that failed for good.

A service writes an OutboxMessage in its own transaction, so the message exists if and only if the
change committed. The relay (core.relay) hands pending messages to the job queue and marks them;
a crash anywhere in between leaves the row pending and the next relay sends it again, which is why
every job is idempotent by the message's key. The commit wakes the relays (WAKE_CHANNEL); their
poll finds what a lost wake-up leaves behind.
"""

from tortoise import fields

from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import after_commit
from backend.core.models import Entity
from backend.core.runtime import runtime

# Published after each commit that wrote outbox rows: every relay listening (in any process, through
# the process's pub/sub) looks at once instead of at its next poll.
WAKE_CHANNEL = "outbox:wake"


class OutboxMessage(Entity):
    topic = fields.CharField(max_length=64)  # the taskiq task name that handles it
    key = fields.CharField(max_length=128, unique=True)  # idempotency / delivery key
    payload = fields.JSONField()
    available_at = fields.DatetimeField(db_index=True)
    relayed_at = fields.DatetimeField(null=True, db_index=True)
    attempts = fields.IntField(default=0)

    class Meta:
        table = "outbox_message"


class DeadLetter(Entity):
    """A job that kept failing after every retry, kept for an operator to read and replay."""

    # The community the job served (see jobs.community_of_keys): its staff see the row. None: the
    # platform's own jobs, seen by operators only.
    community = fields.ForeignKeyField("linli.Community", related_name="dead_letters", null=True,
                                       on_delete=fields.SET_NULL)
    task_name = fields.CharField(max_length=64)
    key = fields.CharField(max_length=128, null=True)
    kwargs = fields.JSONField()
    error = fields.TextField()
    attempts = fields.IntField()

    class Meta:
        table = "dead_letter"


async def add(tx, topic: str, *, key: str, **payload) -> None:
    """Queue `topic` to run after the surrounding transaction commits; a repeated key is ignored.
    One insert that skips a clash on the key, so concurrent callers with one key leave one row and
    no error (checking first, then inserting, lets two of them both insert)."""
    await insert_ignoring_conflicts(tx, OutboxMessage, [
        {"topic": topic, "key": key, "payload": payload, "available_at": clock.now(), "attempts": 0}
    ])
    after_commit(tx, wake_relay)


async def wake_relay() -> None:
    await runtime().pubsub.publish(WAKE_CHANNEL, "")
