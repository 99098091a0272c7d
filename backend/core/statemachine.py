"""State machines: a declared transition table, one `move` that checks and applies a transition and
writes its event row, and the due sweep that applies timed transitions.

A domain declares its machine beside its models (backend/notices/states.py is the example):

    NOTICE_STATES = StateMachine("通知", [Transition(DRAFT, PUBLISHED, Permission.NOTICE_PUBLISH), ...],
                                 NoticeEvent, state_names={...}, verbs={...})

and its services call `await NOTICE_STATES.move(tx, notice, PUBLISHED, actor=actor)` inside their
transaction, with the object loaded (and locked) through its `get_<thing>_for`. The object needs
`state` and `community_id`; the event model a foreign key to the object's model and the columns
from_state, to_state, actor, acting_for and reason.
"""

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import structlog
from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.models import Model

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require

log = structlog.get_logger(__name__)

# A guard gets the transaction and the object (still in its old state) and refuses by raising a
# DomainError that says why; it may be async.
Guard = Callable[[Any, Any], Awaitable[None] | None]


@dataclass(frozen=True)
class Transition:
    source: Enum
    target: Enum
    permission: Permission | None  # held in the object's community; None: the service checks who
    guard: Guard | None = None
    by_system: bool = False  # a sweep or job (no actor) may make it too


class StateMachine:
    def __init__(self, name: str, transitions: Iterable[Transition], event_model: type[Model],
                 state_names: dict, verbs: dict) -> None:
        self.name, self.event_model = name, event_model  # name: what moves, in Chinese ("通知")
        self.state_names, self.verbs = state_names, verbs  # state -> "草稿"; target -> "发布"
        self.transitions: dict[tuple[Enum, Enum], Transition] = {}
        for t in transitions:
            if (t.source, t.target) in self.transitions:
                raise ValueError(f"{name}: {t.source} -> {t.target} declared twice")
            self.transitions[t.source, t.target] = t

    async def move(self, tx, obj: Model, target: Enum, *, actor: Actor | None, reason: str | None = None) -> Model:
        """Check the transition (declared, allowed to this actor, guard passes), set the state, save
        the object and write the event row. Returns the event. Nothing is written when refused."""
        transition = self.transitions.get((obj.state, target))
        if transition is None:
            raise DomainError(ErrorCode.INVALID_INPUT,
                              f"{self.state_names[obj.state]}的{self.name}不能{self.verbs[target]}")
        if actor is None:
            if not transition.by_system:
                raise DomainError(ErrorCode.FORBIDDEN, "您没有此项操作的权限")
        elif transition.permission is not None:
            require(actor, transition.permission, obj.community_id)
        if transition.guard is not None:
            refused = transition.guard(tx, obj)
            if inspect.isawaitable(refused):
                await refused
        source = obj.state
        obj.state = target
        await obj.save(using_db=tx)
        return await self.record(tx, obj, source, actor=actor, reason=reason)

    async def record(self, tx, obj: Model, source: Enum, *, actor: Actor | None, reason: str | None = None) -> Model:
        """The event row of `obj` reaching its state from `source`: every move's, and the one an object
        gets when it is created (from and to its first state: who made it, for whom)."""
        return await self.event_model.create(
            **{self._subject_field(type(obj)): obj}, from_state=source, to_state=obj.state,
            actor_id=actor.person_id if actor else None, acting_for_id=actor.principal_on_record if actor else None,
            reason=reason, created_at=clock.now(), using_db=tx,
        )

    def _subject_field(self, model: type[Model]) -> str:
        """The event model's foreign key to the object's model (notice for NoticeEvent)."""
        fields = self.event_model._meta.fields_map
        return next(name for name, field in fields.items()
                    if isinstance(field, ForeignKeyFieldInstance) and field.related_model is model)


async def sweep_due(select_due_ids: Callable[[], Awaitable[list]],
                    apply_one: Callable[[Any, Any], Awaitable[bool]]) -> int:
    """A timed transition for everything that is due (scheduled notices, vote closes, order
    timeouts): select the due ids without locks, then for each, in its own transaction, `apply_one`
    locks the row and checks again that it is still due (another sweeper, or a person, may have
    moved it meanwhile) and returns True when it applied. Idempotent, so a missed or doubled tick
    loses nothing. One that fails is logged and does not stop the others; the next sweep retries it.
    Returns how many were applied."""
    applied = 0
    for due_id in await select_due_ids():
        try:
            async with transaction() as tx:
                applied += bool(await apply_one(tx, due_id))
        except Exception:
            log.exception("sweep_item_failed", id=str(due_id), apply=getattr(apply_one, "__qualname__", None))
    return applied
