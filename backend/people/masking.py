"""Personal fields as every response shows them by default: masked. Unmasking is privacy.unmask."""

from backend.core import crypto
from backend.people.models import Person


def masked_phone(person: Person) -> str | None:
    return crypto.mask_phone(crypto.decrypt(person.phone_encrypted)) if person.phone_encrypted else None


def mask_name(name: str) -> str:
    """A name as others see it on a certificate or a report: the first character, then stars."""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else "*"


def masked_id_number(person: Person) -> str | None:
    if not person.id_number_encrypted:
        return None
    value = crypto.decrypt(person.id_number_encrypted)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if len(value) > 7 else "*" * len(value)
