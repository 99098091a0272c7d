"""The prohibited-items table (backend/market/prohibited.py): each category is caught with its reason,
through full-width letters and spaces, and everyday goods that share a character with one are not."""

import pytest

from backend.core.errors import DomainError
from backend.market import prohibited

MEDICINE = "平台禁止发布药品（处方药、保健品等）：请删去后再发布"
WEAPON = "平台禁止发布管制刀具、枪支弩具等危险物品：请删去后再发布"
ANIMAL = "平台禁止发布活体动物（宠物猫狗、鸟、鱼等）：请删去后再发布"
FOOD = "平台禁止发布自制食品（家庭自制、私房烘焙等）：请删去后再发布"
FAKE = "平台禁止发布假冒商品（高仿、A货等）：请删去后再发布"
TOBACCO = "平台禁止发布烟草制品（香烟、电子烟等）：请删去后再发布"


@pytest.mark.parametrize(("title", "description", "reason"), [
    ("家里多的处方药", "", MEDICINE),
    ("闲置物品", "还有半盒布洛芬", MEDICINE),
    ("进口保健品 三瓶", "", MEDICINE),
    ("户外十字弩", "", WEAPON),
    ("仿真枪 玩具", "", WEAPON),
    ("管制 刀具", "", WEAPON),  # spaces do not hide it
    ("英短幼猫找主人", "", ANIMAL),
    ("出售活体 锦鲤", "", ANIMAL),
    ("自制辣酱 一瓶", "", FOOD),
    ("私房烘焙蛋糕", "", FOOD),
    ("Ａ货名牌包", "", FAKE),  # full-width, upper case
    ("LV 包", "高仿的，几乎看不出", FAKE),
    ("整条香烟", "", TOBACCO),
    ("电子烟 烟弹", "", TOBACCO),
])
def test_each_category_is_caught_with_its_reason(title, description, reason):
    assert prohibited.prohibited_reason(title, description) == reason
    with pytest.raises(DomainError) as refused:
        prohibited.check(title, description)
    assert (refused.value.message, refused.value.field) == (reason, "title")


@pytest.mark.parametrize("title", ["药箱收纳盒", "抽油烟机 九成新", "猫爬架", "狗窝 大号", "烟灰色羊毛衫",
                                   "儿童自行车 16寸", "玩具水枪", "厨房刀具套装", "面包机（可做自制面包）",
                                   "鱼缸 60 厘米"])
def test_everyday_goods_that_share_a_character_pass(title):
    assert prohibited.prohibited_reason(title, "") is None
