"""The catalogue entry form: plain fields through WTForms, the material and fee rows from repeated inputs."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from engine.catalogue import DUTY_DAYS, HANDLING, TYPES

from .common import choices, lines, number


def _named(name: str):
    """An engine name (matter type, handling) in the page's language (the catalogue has it: web/i18n_names.py)."""
    return lazy_gettext(name)


class MatterForm(FlaskForm):
    code = StringField("事项编码")
    name = StringField("事项名称")
    department = SelectField("实施单位", choices=[], validate_choice=False)
    type = SelectField("事项类型", choices=choices((t, _named(t)) for t in TYPES), validate_choice=False)
    key = StringField("流程标识")
    handling = SelectField("办件类型", choices=choices((h, _named(h)) for h in HANDLING), validate_choice=False)
    star_level = SelectField("网上办理星级", choices=choices((n, "★" * n) for n in range(1, 6)), validate_choice=False)
    statutory_limit_days = StringField("法定时限（工作日）")
    promised_limit_days = StringField("承诺时限（工作日）")
    # post-approval duties (Art. 17(四) 监督检查职责; 告知承诺制's check): empty is none, or the default of 20
    inspection_days = StringField("批后监督检查期限（自然日，空为无）")
    pledge_check_days = StringField("承诺核查期限（工作日，空为 20）")
    legal_basis = TextAreaField("设定依据（每行一条）")
    conditions = TextAreaField("受理条件（每行一条）")
    note = StringField("变更说明", validators=[Optional(), Length(max=500)])

    def load(self, entry: dict) -> None:
        for name in ("code", "name", "department", "type", "key", "handling"):
            getattr(self, name).data = entry.get(name)
        self.star_level.data = str(entry.get("star_level", ""))
        for name in ("statutory_limit_days", "promised_limit_days", *DUTY_DAYS):
            value = entry.get(name)
            getattr(self, name).data = "" if value is None else str(value)
        self.legal_basis.data = "\n".join(entry.get("legal_basis") or ())
        self.conditions.data = "\n".join(entry.get("conditions") or ())

    def entry(self, form_data) -> dict:
        """The edited fields as the engine takes them."""
        return {
            "code": (self.code.data or "").strip(),
            "name": (self.name.data or "").strip(),
            "department": self.department.data,
            "type": self.type.data,
            "key": (self.key.data or "").strip(),
            "handling": self.handling.data,
            "star_level": number(self.star_level.data),
            "statutory_limit_days": number(self.statutory_limit_days.data),
            "promised_limit_days": number(self.promised_limit_days.data),
            **{
                name: number(getattr(self, name).data) if (getattr(self, name).data or "").strip() else None
                for name in DUTY_DAYS
            },
            "legal_basis": lines(self.legal_basis.data),
            "conditions": lines(self.conditions.data),
            "materials": materials(form_data),
            "fees": fees(form_data),
        }


def _rows(form_data, prefix: str, names: tuple) -> list[dict]:
    columns = {name: form_data.getlist(f"{prefix}_{name}") for name in names}
    count = max((len(values) for values in columns.values()), default=0)
    rows = []
    for index in range(count):
        row = {name: (values[index].strip() if index < len(values) else "") for name, values in columns.items()}
        if any(row.values()):
            rows.append(row)
    return rows


def materials(form_data) -> list[dict]:
    result = []
    for row in _rows(form_data, "material", ("name", "form", "required", "copies", "pledge", "note")):
        material = {
            "name": row["name"],
            "form": row["form"] or "原件",
            "required": row["required"] != "no",
            "copies": number(row["copies"] or "1"),
        }
        if row["pledge"] == "yes":  # 告知承诺制: a signed pledge may stand in for it
            material["pledge"] = True
        if row["note"]:
            material["note"] = row["note"]
        result.append(material)
    return result


def fees(form_data) -> list[dict]:
    return [
        {"item": row["item"], "standard": row["standard"], "basis": row["basis"]}
        for row in _rows(form_data, "fee", ("item", "standard", "basis"))
    ]
