"""The GraphQL enums every paid-services module shares (one definition each in the schema)."""

import strawberry

from backend.payments.port import PaymentGatewayName
from backend.services.models import ServiceCategory as ServiceCategoryEnum
from backend.services.models import ServiceUnit as ServiceUnitEnum
from backend.services.models import SubsidyTier as SubsidyTierEnum

ServiceCategory = strawberry.enum(ServiceCategoryEnum, name="ServiceCategory",
                                  description="HOUSEKEEPING 家政保洁, LAUNDRY 洗衣, ERRANDS 跑腿代办, MEALS 助餐.")
ServiceUnit = strawberry.enum(ServiceUnitEnum, name="ServiceUnit", description="HOUR 小时, ITEM 件, MEAL 份.")
SubsidyTier = strawberry.enum(SubsidyTierEnum, name="SubsidyTier",
                              description="AGE_60, AGE_80 (by the birth date in the ID number), LOW_INCOME 低保特困, "
                              "DISABLED 失能残疾 (by a grant).")
PaymentGateway = strawberry.enum(PaymentGatewayName, name="PaymentGateway",
                                 description="NONE: a free order; SANDBOX: the embedded default; STRIPE; WECHAT.")
