"""What may not be offered in the market (禁售物品), checked when a listing is published or a published
one is edited: a keyword table per category with the reason the seller is shown.

Keywords are matched on the normalised title and description (full-width folded, lower case, letters
and digits only: "Ａ货" and "a 货" both read "a货"). They name the goods themselves, never a bare
character such as 药 or 烟, so that a 药箱收纳盒, a 抽油烟机 or a 猫爬架 may be sold."""

from backend.consult.grams import normalise
from backend.core.errors import DomainError, ErrorCode

RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("平台禁止发布药品（处方药、保健品等）：请删去后再发布",
     ("处方药", "药品", "药片", "西药", "中成药", "中药材", "抗生素", "胶囊药", "感冒药", "降压药", "降糖药", "止痛药",
      "安眠药", "头孢", "阿莫西林", "布洛芬", "胰岛素", "保健品", "口服液")),
    ("平台禁止发布管制刀具、枪支弩具等危险物品：请删去后再发布",
     ("管制刀具", "仿真枪", "气枪", "枪支", "弓弩", "弩箭", "十字弩", "匕首", "军刺", "甩棍", "电击器", "防身电棍",
      "催泪喷雾")),
    ("平台禁止发布活体动物（宠物猫狗、鸟、鱼等）：请删去后再发布",
     ("活体", "幼犬", "幼猫", "宠物猫", "宠物狗", "猫咪出售", "狗狗出售", "小奶猫", "小奶狗", "仓鼠", "鹦鹉", "乌龟",
      "观赏鱼", "锦鲤", "活鸡", "活鸭", "活鱼")),
    ("平台禁止发布自制食品（家庭自制、私房烘焙等）：请删去后再发布",
     ("自制食品", "家庭自制", "自制辣酱", "自制腊肉", "自制香肠", "自制酸奶", "自制蛋糕", "自制月饼", "自酿", "私房菜",
      "私房烘焙", "手工月饼", "手工粽子")),
    ("平台禁止发布假冒商品（高仿、A货等）：请删去后再发布",
     ("高仿", "a货", "精仿", "仿品", "超a", "复刻版", "原单尾货", "假货")),
    ("平台禁止发布烟草制品（香烟、电子烟等）：请删去后再发布",
     ("香烟", "卷烟", "电子烟", "烟弹", "雪茄", "烟草", "烟丝", "条烟")),
)

_TABLE = tuple((reason, tuple(normalise(word) for word in words)) for reason, words in RULES)


def prohibited_reason(title: str, description: str = "") -> str | None:
    """The reason the listing may not be published, or None when nothing in it is prohibited."""
    text = normalise(f"{title}\n{description}")
    return next((reason for reason, words in _TABLE if any(word in text for word in words)), None)


def check(title: str, description: str) -> None:
    reason = prohibited_reason(title, description)
    if reason is not None:
        raise DomainError(ErrorCode.INVALID_INPUT, reason, field="title")
