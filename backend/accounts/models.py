"""Ways to sign in (staff credentials, WeChat, Firebase, SMS codes) and sessions with rotating refresh
tokens. The person they belong to is backend.people.models.Person."""

from tortoise import fields

from backend.core.models import Entity


class StaffCredential(Entity):
    person = fields.OneToOneField("linli.Person", related_name="staff_credential", on_delete=fields.CASCADE)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    failed_attempts = fields.IntField(default=0)  # in a row; never locks (see login_with_password)

    class Meta:
        table = "staff_credential"


class AuthSession(Entity):
    """One sign-in: the family of refresh tokens that descend from it."""

    person = fields.ForeignKeyField("linli.Person", related_name="sessions", on_delete=fields.CASCADE)
    method = fields.CharField(max_length=16)  # password | sms | wechat | firebase | demo
    user_agent = fields.CharField(max_length=255, default="")
    last_used_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=32, null=True)
    revoked_by = fields.ForeignKeyField("linli.Person", related_name="revoked_sessions", null=True,
                                        on_delete=fields.SET_NULL)

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


class WechatAccount(Entity):
    """A mini-program user (openid). The session_key is WeChat's secret for this user: it stays here,
    encrypted, and never reaches a client."""

    person = fields.OneToOneField("linli.Person", related_name="wechat", on_delete=fields.CASCADE)
    openid = fields.CharField(max_length=64, unique=True)
    unionid = fields.CharField(max_length=64, null=True)
    session_key_encrypted = fields.CharField(max_length=255)

    class Meta:
        table = "wechat_account"


class FirebaseAccount(Entity):
    person = fields.OneToOneField("linli.Person", related_name="firebase", on_delete=fields.CASCADE)
    uid = fields.CharField(max_length=128, unique=True)

    class Meta:
        table = "firebase_account"


class SmsChallenge(Entity):
    """A one-time sign-in code sent by SMS. Only its hash is stored, and it dies after a few tries."""

    phone_lookup = fields.CharField(max_length=64, db_index=True)
    code_hash = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "sms_challenge"
