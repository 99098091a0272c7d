"""Personal fields as every response shows them by default: masked. Unmasking is privacy.unmask."""

from backend.core import crypto
from backend.people.models import Person


def masked_phone(person: Person) -> str | None:
    return crypto.mask_phone(crypto.decrypt(person.phone_encrypted)) if person.phone_encrypted else None


def masked_id_number(person: Person) -> str | None:
    if not person.id_number_encrypted:
        return None
    value = crypto.decrypt(person.id_number_encrypted)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if len(value) > 7 else "*" * len(value)
