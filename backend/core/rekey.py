"""`python -m backend rekey`: every encrypted column re-sealed, and its look-up hash recomputed, under
the current field key, so an old key can leave the ring.

The columns are found by the naming rule every model follows: a field named `<x>_encrypted` holds
core.crypto ciphertext, and a sibling `<x>_lookup`, when there is one, its look-up hash. A new domain
that follows the rule is rekeyed without touching this module.

Rows go in batches, each its own transaction with the rows locked, in id order. A row already under
the current key is not selected again, so the command is idempotent, and an interrupted run is
resumed by running it again. A value no key of the ring can read is left as it is and counted: it is
unreadable already, so it does not keep an old key in the ring (unless that key is missing from it).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
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


@dataclass
class Progress:
    rewritten: int = 0
    unreadable: set = field(default_factory=set)  # ids of rows with a value no key of the ring reads


async def _rekey_batch(table: EncryptedColumns, after, batch: int, progress: Progress) -> tuple[int, object]:
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
                try:
                    plaintext = crypto.decrypt(stored)
                except (ValueError, InvalidTag):
                    progress.unreadable.add(row.id)
                    continue
                setattr(row, name, crypto.encrypt(plaintext))
                changed.add(name)
                if lookup is not None and getattr(row, lookup) is not None:  # never adds a hash a row lacked
                    setattr(row, lookup, crypto.lookup_hash(plaintext))
                    changed.add(lookup)
        if changed:
            await table.model.bulk_update(rows, fields=sorted(changed), using_db=tx)
        progress.rewritten += sum(1 for row in rows if any(crypto.is_current(getattr(row, name) or "")
                                                             for name, _ in table.columns))
        return len(rows), rows[-1].id if rows else None


async def rekey(batch: int = 500, report: Callable[[str], None] = print) -> dict[str, Progress]:
    """Re-encrypt every row not under the current key; returns what was done per table."""
    done: dict[str, Progress] = {}
    for table in encrypted_columns():
        progress, after = done.setdefault(table.name, Progress()), None
        while True:
            count, after = await _rekey_batch(table, after, batch, progress)
            if not count:
                break
            report(f"{table.name}: {progress.rewritten} rows re-encrypted under {crypto.current_key_id()}")
        left = await table.model.filter(_stale(table)).count() - len(progress.unreadable)
        unreadable = f", {len(progress.unreadable)} rows no key can read (left as they are)"
        report(f"{table.name}: done, {progress.rewritten} rewritten, {left} left under other keys"
               + (unreadable if progress.unreadable else ""))
    return done
