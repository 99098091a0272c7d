"""The Chinese names of the paid services' categories, units and subsidy tiers, for every page,
report and export."""

from backend.services.models import ServiceCategory, ServiceUnit, SubsidyTier

CATEGORY_LABELS = {ServiceCategory.HOUSEKEEPING: "家政保洁", ServiceCategory.LAUNDRY: "洗衣",
                   ServiceCategory.ERRANDS: "跑腿代办", ServiceCategory.MEALS: "助餐"}
UNIT_LABELS = {ServiceUnit.HOUR: "小时", ServiceUnit.ITEM: "件", ServiceUnit.MEAL: "份"}
TIER_LABELS = {SubsidyTier.AGE_60: "60 周岁以上", SubsidyTier.AGE_80: "80 周岁以上（高龄）",
               SubsidyTier.LOW_INCOME: "低保、特困", SubsidyTier.DISABLED: "失能、残疾"}
