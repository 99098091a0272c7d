"""`python -m backend rekey`: every encrypted column re-sealed, and its look-up hash recomputed, under
the current field key, so an old key can leave the ring.

The columns are found by the naming rule every model follows: a field named `<x>_encrypted` holds
core.crypto ciphertext, and a sibling `<x>_lookup`, when there is one, its look-up hash. A new domain
that follows the rule is rekeyed without touching this module.

Rows go in batches, each its own transaction with the rows locked, in id order. A row already under
the current key is not selected again, so the command is idempotent, and an interrupted run is
resumed by running it again.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tortoise import Tortoise
from tortoise.expressions import Q

from backend.core import crypto
from backend.core.db import APP, transaction

SUFFIX = "_encrypted"


@dataclass(frozen=True)
class EncryptedColumns:
    model: type
    columns: list[tuple[str, str | None]]  # (encrypted field, its look-up hash field or None)

    @property
    def name(self) -> str:
        return self.model._meta.db_table


def encrypted_columns() -> list[EncryptedColumns]:
    found = []
    for model in Tortoise.apps[APP].values():
        fields = model._meta.fields_map
        columns = [(name, lookup if (lookup := name.removesuffix(SUFFIX) + "_lookup") in fields else None)
                   for name in sorted(fields) if name.endswith(SUFFIX)]
        if columns:
            found.append(EncryptedColumns(model, columns))
    return sorted(found, key=lambda t: t.name)


def _stale(table: EncryptedColumns) -> Q:
    """Rows with at least one value not sealed by the current key."""
    prefix = crypto.current_prefix()
    return Q(*[Q(**{f"{name}__isnull": False}) & ~Q(**{f"{name}__startswith": prefix})
               for name, _ in table.columns], join_type=Q.OR)


async def _rekey_batch(table: EncryptedColumns, after, batch: int) -> tuple[int, object]:
    async with transaction() as tx:
        query = table.model.filter(_stale(table))
        if after is not None:
            query = query.filter(id__gt=after)
        rows = await query.order_by("id").limit(batch).select_for_update().using_db(tx)
        changed: set[str] = set()
        for row in rows:
            for name, lookup in table.columns:
                stored = getattr(row, name)
                if stored is None or crypto.is_current(stored):
                    continue
                plaintext = crypto.decrypt(stored)
                setattr(row, name, crypto.encrypt(plaintext))
                changed.add(name)
                if lookup is not None:
                    setattr(row, lookup, crypto.lookup_hash(plaintext))
                    changed.add(lookup)
        if rows:
            await table.model.bulk_update(rows, fields=sorted(changed), using_db=tx)
        return len(rows), rows[-1].id if rows else None


async def rekey(batch: int = 500, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Re-encrypt every row not under the current key; returns the rows rewritten per table."""
    done: dict[str, int] = {}
    for table in encrypted_columns():
        done[table.name], after = 0, None
        while True:
            count, after = await _rekey_batch(table, after, batch)
            if not count:
                break
            done[table.name] += count
            progress(f"{table.name}: {done[table.name]} rows re-encrypted under {crypto.current_key_id()}")
        left = await table.model.filter(_stale(table)).count()
        progress(f"{table.name}: done, {done[table.name]} rewritten, {left} left under other keys")
    return done
