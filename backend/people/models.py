"""The shared kernel: a person, and their consent to the privacy notice. Every domain may import it;
it imports only core."""

from tortoise import fields

from backend.core import crypto
from backend.core.models import Entity


class Person(Entity):
    display_name = fields.CharField(max_length=64)
    # Personal data: encrypted at rest (core.crypto), masked in responses.
    phone_encrypted = fields.CharField(max_length=255, null=True)
    phone_lookup = fields.CharField(max_length=64, null=True, unique=True)
    # The last four digits in clear, for staff to search the registry by phone tail. Every staff
    # response already shows them in the masked phone (138****1234), so this reveals nothing more.
    phone_last4 = fields.CharField(max_length=4, null=True, db_index=True)
    id_number_encrypted = fields.CharField(max_length=255, null=True)
    id_number_lookup = fields.CharField(max_length=64, null=True, unique=True)
    # Demo people are addressed by a handle in the dev-only demo login.
    handle = fields.CharField(max_length=32, null=True, unique=True)
    # Set when the person asked to be forgotten: personal fields are wiped, ledger and votes stay.
    anonymized_at = fields.DatetimeField(null=True)

    class Meta:
        table = "person"

    def set_phone(self, phone: str | None) -> None:
        """Every stored form of the phone at once (encrypted, lookup hash, searchable tail); None wipes them."""
        self.phone_encrypted = crypto.encrypt(phone) if phone else None
        self.phone_lookup = crypto.lookup_hash(phone) if phone else None
        self.phone_last4 = phone[-4:] if phone else None


class Consent(Entity):
    person = fields.ForeignKeyField("linli.Person", related_name="consents", on_delete=fields.CASCADE)
    document = fields.CharField(max_length=32)  # privacy_notice
    version = fields.CharField(max_length=16)
    channel = fields.CharField(max_length=16)  # mini_program | console | app

    class Meta:
        table = "consent"
        unique_together = (("person", "document", "version"),)
