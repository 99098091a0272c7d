"""Why hours and points move: every transfer code of the community wallets, with the Chinese label
statements and histories show. A module that moves hours or points uses these names."""

VOLUNTEER_HOURS = "volunteer_hours"  # TIME: issue -> volunteer, on approved activity hours
VOLUNTEER_POINTS = "volunteer_points"  # POINTS: issue -> volunteer, with the approved hours
OVERFLOW = "overflow"  # TIME: issue -> pool, the part of earned hours beyond the volunteer's cap
TIMEBANK_SERVICE = "timebank_service"  # TIME: requester -> helper, held on booking, posted on confirmation
DONATION_FAMILY = "donation_family"  # TIME: person -> a family member
DONATION_POOL = "donation_pool"  # TIME: person -> the community pool
POOL_GRANT = "pool_grant"  # TIME: pool -> a person, granted by staff
PARTICIPATION = "participation"  # POINTS: issue -> person, by a participation rule
REDEMPTION = "redemption"  # POINTS: person -> rewards, held on redemption, posted at pickup
EXPIRY = "expiry"  # TIME or POINTS: person -> expired
CORRECTION = "correction"  # either: the reverse of a wrong transfer (backend/ledger/corrections.py)

LABELS = {
    VOLUNTEER_HOURS: "志愿服务时长",
    VOLUNTEER_POINTS: "志愿服务积分",
    OVERFLOW: "超出存储上限转入互助池",
    TIMEBANK_SERVICE: "时间银行互助",
    DONATION_FAMILY: "赠与家人",
    DONATION_POOL: "捐入互助池",
    POOL_GRANT: "互助池划拨",
    PARTICIPATION: "参与社区活动积分",
    REDEMPTION: "积分兑换",
    EXPIRY: "到期清零",
    CORRECTION: "更正冲销",
}


def label(code: str) -> str:
    return LABELS.get(code, code)
