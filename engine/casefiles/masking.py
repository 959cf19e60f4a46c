"""Names on public pages (licence verification, the hall's screens) are masked, never shown in full.

张三 → 张*, 欧阳娜娜 → 欧阳**, 郑州某某科技有限公司 → 郑州****公司.
"""

from __future__ import annotations

MASK = "*"
COMPOUND_SURNAMES = frozenset(
    (
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "令狐",
        "夏侯",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "呼延",
        "轩辕",
        "申屠",
        "澹台",
        "百里",
        "万俟",
        "闻人",
    )
)
ORGANISATION_ENDINGS = (
    "公司",
    "合作社",
    "中心",
    "集团",
    "商行",
    "工作室",
    "事务所",
    "医院",
    "学校",
    "幼儿园",
    "协会",
    "商会",
    "基金会",
    "研究院",
    "研究所",
    "餐厅",
    "饭店",
    "超市",
    "门市部",
    "经营部",
    "服务部",
    "厂",
    "店",
    "馆",
    "场",
    "社",
)


def is_organisation(name: str) -> bool:
    return len(name) >= 5 and name.endswith(ORGANISATION_ENDINGS)


def mask_name(name: str | None) -> str:
    """A person keeps the surname (张**, 欧阳**); an organisation its first and last two characters with a
    fixed run of masks, so the length is not told either (郑州****公司)."""
    name = (name or "").strip()
    if not name:
        return ""
    if len(name) == 1:
        return MASK
    if is_organisation(name):
        return name[:2] + MASK * 4 + name[-2:]
    kept = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:kept] + MASK * (len(name) - kept)
