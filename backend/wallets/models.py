"""A community's rules for its residents' hours and points (时间银行与积分规则), kept as data that
staff change, and read by volunteering, the time bank and points alike."""

from tortoise import fields

from backend.core.models import Entity


class WalletPolicy(Entity):
    """One row per community, made with the defaults on first use."""

    community = fields.OneToOneField("linli.Community", related_name="wallet_policy", on_delete=fields.CASCADE)
    # Minutes a person may store. Hours earned beyond it go to the community pool (互助池).
    hours_cap = fields.IntField(default=200 * 60)
    # From this age (by the ID number in the registry) a person may spend stored hours on help for themselves.
    withdrawal_age = fields.IntField(default=65)
    hours_valid_days = fields.IntField(default=3 * 365)  # earned hours expire after this (0: never)
    expiry_notice_days = fields.IntField(default=30)  # how long before expiry the holder is told
    points_daily_cap = fields.IntField(default=50)  # points one person earns by participation rules per day
    points_valid_days = fields.IntField(default=2 * 365)  # earned points expire after this (0: never)

    class Meta:
        table = "wallet_policy"
