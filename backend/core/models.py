"""The base every table shares: a UUIDv7 primary key and a creation time.

A model's docstring becomes its table comment in migrations: keep semicolons out of it (tortoise
splits SQLite migration statements on them).
"""

from tortoise import fields
from tortoise.models import Model

from backend.core.ids import uuid7


class Entity(Model):
    id = fields.UUIDField(primary_key=True, default=uuid7)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True
