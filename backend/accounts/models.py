"""People, their staff credentials, and sign-in sessions with rotating refresh tokens."""

from tortoise import fields

from backend.core.models import Entity


class Person(Entity):
    display_name = fields.CharField(max_length=64)
    # Personal data: encrypted at rest (core.crypto), masked in responses.
    phone_encrypted = fields.CharField(max_length=255, null=True)
    phone_lookup = fields.CharField(max_length=64, null=True, unique=True)
    # Demo people are addressed by a handle in the dev-only demo login.
    handle = fields.CharField(max_length=32, null=True, unique=True)

    class Meta:
        table = "person"


class StaffCredential(Entity):
    person = fields.OneToOneField("linli.Person", related_name="staff_credential", on_delete=fields.CASCADE)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    failed_attempts = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_credential"


class AuthSession(Entity):
    """One sign-in: the family of refresh tokens that descend from it."""

    person = fields.ForeignKeyField("linli.Person", related_name="sessions", on_delete=fields.CASCADE)
    method = fields.CharField(max_length=16)  # password | demo
    user_agent = fields.CharField(max_length=255, default="")
    last_used_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "auth_session"


class RefreshToken(Entity):
    session = fields.ForeignKeyField("linli.AuthSession", related_name="refresh_tokens", on_delete=fields.CASCADE)
    # sha256 of the token: a database leak does not hand out sessions.
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"
