"""The words the public reads for statuses, rating aspects and complaint statuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS = {
    "awaiting_acceptance": (_l("待受理"), "badge-blue"),
    "in_progress": (_l("办理中"), "badge-blue"),
    "supplement": (_l("待补正材料"), "badge-yellow"),
    "special_procedure": (_l("特别程序中"), "badge-yellow"),
    "approved": (_l("已办结（准予）"), "badge-green"),
    "completed": (_l("已办结"), "badge-green"),
    "denied": (_l("不予许可"), "badge-red"),
    "refused": (_l("不予受理"), "badge-red"),
    "terminated": (_l("已终止"), ""),
}
PAUSES = {
    "supplement": _l("要求补正材料"),
    "hearing": _l("听证"),
    "expert_review": _l("专家评审"),
    "inspection": _l("检验检测"),
    "site_survey": _l("现场勘查"),
    "suspension": _l("中止办理"),
}
ASPECTS = {
    "overall": _l("总体满意度"),
    "efficiency": _l("办理效率"),
    "attitude": _l("服务态度"),
    "convenience": _l("办事便利程度"),
}
STARS = {1: _l("非常不满意"), 2: _l("不满意"), 3: _l("基本满意"), 4: _l("满意"), 5: _l("非常满意")}
MATERIAL_KINDS = {"application": _l("申请材料"), "supplement": _l("补正材料")}
COMPLAINT_STATUS = {
    "submitted": (_l("已提交，待受理"), "badge-blue"),
    "accepted": (_l("已受理"), "badge-blue"),
    "rejected": (_l("不予受理"), "badge-red"),
    "forwarded": (_l("已转部门办理"), "badge-yellow"),
    "answered": (_l("部门已答复，待审核"), "badge-yellow"),
    "closed": (_l("已办结"), "badge-green"),
}


def status(code: str):
    return STATUS.get(code, (code, ""))


def template_globals() -> dict:
    return {
        "status_label": status,
        "pause_labels": PAUSES,
        "aspect_labels": ASPECTS,
        "star_labels": STARS,
        "complaint_status": COMPLAINT_STATUS,
        "material_kinds": MATERIAL_KINDS,
    }
