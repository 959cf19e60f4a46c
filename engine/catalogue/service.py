"""The matter catalogue (事项目录): TOML entries in processes/, each with its BPMN file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..definitions.outline import outline
from ..errors import InvalidInput, Message, NotFound, PermissionDenied
from ..identity.actors import Actor, split_lane
from ..kernel.db import where_given
from ..kernel.paging import PageArg, page_of_list
from ..models import Department, Matter, MatterVersion, ProcessDefinition
from ..trail import chain as trail
from .rules import check_entry

if TYPE_CHECKING:
    from ..definitions.repository import RepositoryService
    from ..kernel import Clock, Database

REQUIRED = {
    "code": str,
    "key": str,
    "name": str,
    "department": str,
    "type": str,
    "legal_basis": list,
    "statutory_limit_days": int,
    "promised_limit_days": int,
    "handling": str,
    "star_level": int,
    "process_file": str,
    "conditions": list,
    "materials": list,
}
# Optional: the intake limit in working days (《行政许可法》 Art. 32, default SHENPI_INTAKE_LIMIT_DAYS) and a licence's
# validity in years (absent: permanent); the online depth in the seed's three levels (003 附件 网上办事深度); the
# post-approval duties (DUTY_DAYS): the calendar days within which an approval's holder is inspected (Art. 17(4);
# absent: no inspection duty) and the working days for checking a signed pledge (absent: 20).
DUTY_DAYS = {"inspection_days": (1, 365), "pledge_check_days": (1, 365)}
OPTIONAL_DAYS_AND_YEARS = {
    "intake_limit_days": (1, 20),
    "licence_validity_years": (1, 100),
    "online_depth": (1, 3),
    **DUTY_DAYS,
}
HANDLING = ("即办件", "承诺件", "上报件", "联办件")
TYPES = ("行政许可", "非行政许可审批", "行政确认", "行政给付", "行政登记", "公共服务", "其他行政权力")
EDITABLE = (
    "code",
    "key",
    "name",
    "department",
    "type",
    "legal_basis",
    "conditions",
    "materials",
    "fees",
    "statutory_limit_days",
    "promised_limit_days",
    "handling",
    "star_level",
    *DUTY_DAYS,  # empty (None or ""): no inspection duty, the default pledge check period
)


def validate_entry(entry: dict[str, Any], source: str = "entry") -> dict[str, Any]:
    for field, kind in REQUIRED.items():
        if field not in entry:
            raise InvalidInput("entry_field_missing", field=field, source=source)
        if not isinstance(entry[field], kind):
            raise InvalidInput("entry_field_type", field=field, source=source, type=kind.__name__)
    if entry["handling"] not in HANDLING:
        raise InvalidInput("entry_not_one_of", field="handling", source=source, allowed=list(HANDLING))
    if not 1 <= entry["star_level"] <= 5:
        raise InvalidInput("entry_star_level", field="star_level", source=source)
    if entry["promised_limit_days"] < 0 or entry["statutory_limit_days"] < entry["promised_limit_days"]:
        raise InvalidInput("entry_promised_over_statutory", field="promised_limit_days", source=source)
    for field, (low, high) in OPTIONAL_DAYS_AND_YEARS.items():
        value = entry.get(field)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high):
            raise InvalidInput("entry_number_range", field=field, source=source, min=low, max=high)
    from ..runtime.escalation import validate_config

    validate_config(entry.get("escalation"), source)
    for fee in entry.get("fees", []):
        if not fee.get("basis"):
            raise InvalidInput("entry_fee_without_basis", field="fees", source=source, item=fee.get("item"))
    return entry


def load_entries(directory: Path) -> list[dict[str, Any]]:
    entries = []
    for path in sorted(Path(directory).glob("*.toml")):
        with path.open("rb") as handle:
            try:
                entry = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise InvalidInput("toml_invalid", source=path.name, detail=str(exc)) from None
        entries.append(validate_entry(entry, path.name))
    return entries


class CatalogueService:
    def __init__(self, db: Database, clock: Clock, repository: RepositoryService) -> None:
        self.db = db
        self.clock = clock
        self.repository = repository

    def import_directory(self, directory: Path, actor: str = "engine") -> list[dict[str, Any]]:
        """Deploy every matter's BPMN file and publish the entries (idempotent)."""
        results = []
        for entry in load_entries(directory):
            content = (Path(directory) / entry["process_file"]).read_bytes()
            definition = self.repository.deploy(content, entry["process_file"], actor=actor)
            if definition["key"] != entry["key"]:
                raise InvalidInput(
                    "process_id_differs", source=entry["process_file"], process=definition["key"], key=entry["key"]
                )
            self.publish(entry, actor)
            results.append({"code": entry["code"], "name": entry["name"], "definition": definition})
        return results

    def publish(self, entry: dict[str, Any], actor: str) -> None:
        with self.db.transaction() as session:
            self._publish(session, entry, actor, None)

    def _publish(self, session: Session, entry: dict[str, Any], actor: str, note: str | None) -> int | None:
        """Make ``entry`` the published version of its matter; the version number, or None if unchanged."""
        matter = session.get(Matter, entry["code"])
        values = dict(
            key=entry["key"],
            name=entry["name"],
            department=entry["department"],
            matter_type=entry["type"],
            statutory_limit_days=entry["statutory_limit_days"],
            promised_limit_days=entry["promised_limit_days"],
            star_level=entry["star_level"],
            handling=entry["handling"],
            process_key=entry["key"],
            published=True,
            entry=entry,
        )
        if matter is not None and matter.entry == entry and (matter.published or note is None):
            return None
        if matter is None:
            session.add(Matter(code=entry["code"], **values))
        else:
            for name, value in values.items():
                setattr(matter, name, value)
        version = (
            session.scalar(sa.select(sa.func.max(MatterVersion.version)).where(MatterVersion.code == entry["code"]))
            or 0
        ) + 1
        now = self.clock.now()
        session.add(
            MatterVersion(
                code=entry["code"], version=version, kind="published", entry=entry, note=note, actor=actor, at=now
            )
        )
        trail.append(
            session,
            [
                trail.event(
                    "matter_published",
                    now,
                    actor=actor,
                    element_id=entry["key"],
                    data_digest=trail.digest(entry),
                    detail={"code": entry["code"], "name": entry["name"], "version": version, "note": note},
                )
            ],
        )
        return version

    # --- administration: edit, publish a new version, withdraw -------------------------------------------
    def save(self, changes: dict[str, Any], actor: Actor, note: str | None = None, new: bool = False) -> int:
        """Publish a new version of a matter (or a new matter) from the edited fields; every broken rule is
        reported at once in ``errors`` (field → message). Returns the version number."""
        _require_admin(actor)
        changes = {name: changes[name] for name in EDITABLE if name in changes}
        with self.db.transaction() as session:
            existing = session.get(Matter, changes.get("code")) if isinstance(changes.get("code"), str) else None
            errors, definition = self.check(session, changes)
            if new and existing is not None:
                errors["code"] = Message("matter_code_taken")
            if not new and existing is None:
                raise NotFound("matter_not_found", matter=changes.get("code"))
            if note is not None and len(note) > 500:
                errors["note"] = Message("change_note_too_long")
            if errors:
                raise InvalidInput("matter_invalid", errors=errors)
            assert definition is not None  # check reports a key without a deployed process
            entry = merged_entry(existing, changes, definition)
            validate_entry(entry, changes["code"])
            version = self._publish(session, entry, actor.id, (note or "").strip() or "发布新版本")
            if version is None:
                raise InvalidInput("matter_unchanged")
            return version

    def check(self, session: Session, changes: dict[str, Any]) -> tuple[dict[str, str], ProcessDefinition | None]:
        """Field → message for every rule the edited entry breaks (its fields, its department, its process),
        and the process definition its key names."""
        errors = check_entry(changes, TYPES, HANDLING)
        department = changes.get("department")
        if (
            "department" not in errors
            and session.scalar(
                sa.select(Department.id).where(Department.name == department, Department.active.is_(True))
            )
            is None
        ):
            errors["department"] = Message("department_inactive", department=department)
        definition = None
        if "key" not in errors:
            definition = session.scalar(
                sa.select(ProcessDefinition)
                .where(ProcessDefinition.key == changes["key"])
                .order_by(ProcessDefinition.version.desc())
                .limit(1)
            )
            if definition is None:
                errors["key"] = Message("process_not_deployed", key=changes["key"])
            elif (
                session.scalar(
                    sa.select(Matter.code).where(Matter.key == changes["key"], Matter.code != str(changes.get("code")))
                )
                is not None
            ):
                errors["key"] = Message("process_used_by_other_matter")
        return errors, definition

    def withdraw(self, code: str, reason: str, actor: Actor) -> None:
        """停办: the matter leaves the published catalogue; running cases go on, new applications are refused."""
        _require_admin(actor)
        reason = reason.strip() if isinstance(reason, str) else ""
        if not 2 <= len(reason) <= 500:
            raise InvalidInput("withdraw_reason_required", field="reason")
        with self.db.transaction() as session:
            matter = session.get(Matter, code)
            if matter is None:
                raise NotFound("matter_not_found", matter=code)
            if not matter.published:
                raise InvalidInput("matter_already_withdrawn")
            matter.published = False
            version = session.scalar(sa.select(sa.func.max(MatterVersion.version)).where(MatterVersion.code == code))
            now = self.clock.now()
            session.add(
                MatterVersion(
                    code=code,
                    version=version or 0,
                    kind="withdrawn",
                    entry=matter.entry,
                    note=reason,
                    actor=actor.id,
                    at=now,
                )
            )
            trail.append(
                session,
                [
                    trail.event(
                        "matter_withdrawn",
                        now,
                        actor=actor.id,
                        element_id=matter.key,
                        detail={"code": code, "name": matter.name, "reason": reason},
                    )
                ],
            )

    def search(
        self,
        text: str | None = None,
        department: str | None = None,
        matter_type: str | None = None,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        """Every matter, published or withdrawn, with its current version, for administrators."""
        query = where_given(sa.select(Matter), (Matter.department, department), (Matter.matter_type, matter_type))
        if status in ("published", "withdrawn"):
            query = query.where(Matter.published.is_(status == "published"))
        if text and text.strip():
            pattern = f"%{text.strip()}%"
            query = query.where(sa.or_(Matter.name.ilike(pattern), Matter.code.ilike(pattern)))
        with self.db.reading() as session:
            versions = dict(
                session.execute(
                    sa.select(MatterVersion.code, sa.func.max(MatterVersion.version)).group_by(MatterVersion.code)
                ).all()
            )
            return [
                {**summary(m), "published": m.published, "version": versions.get(m.code, 0)}
                for m in session.scalars(query.order_by(Matter.department, Matter.code))
            ]

    def page_search(
        self,
        text: str | None = None,
        department: str | None = None,
        matter_type: str | None = None,
        status: str | None = None,
        page: PageArg = 1,
        per_page: PageArg = None,
    ) -> dict[str, Any]:
        """One page of ``search``, with the departments of the whole catalogue for its filter."""
        with self.db.reading() as session:
            departments = session.scalars(sa.select(Matter.department).distinct().order_by(Matter.department)).all()
        return page_of_list(
            self.search(text, department, matter_type, status), page, per_page, departments=list(departments)
        )

    def entry(self, code: str) -> dict[str, Any]:
        """The current entry of a matter, published or withdrawn, with its version history (newest first)."""
        history: list[dict[str, Any]]
        with self.db.reading() as session:
            matter = session.get(Matter, code)
            if matter is None:
                raise NotFound("matter_not_found", matter=code)
            history = [
                {"version": v.version, "kind": v.kind, "note": v.note, "actor": v.actor, "at": v.at}
                for v in session.scalars(
                    sa.select(MatterVersion).where(MatterVersion.code == code).order_by(MatterVersion.id.desc())
                )
            ]
            return {
                **matter.entry,
                **summary(matter),
                "published": matter.published,
                "history": history,
                "version": max((h["version"] for h in history), default=0),
            }

    def list_matters(self) -> list[dict[str, Any]]:
        with self.db.reading() as session:
            return [
                summary(m)
                for m in session.scalars(sa.select(Matter).where(Matter.published.is_(True)).order_by(Matter.code))
            ]

    def posts_by_unit(self) -> dict[str, list[str]]:
        """Every unit the catalogue names, by name, with the posts its matters' processes need there (sorted).

        A unit is named as a matter's department, or by a lane of the latest version of a matter's process
        ("部门/岗位" for another unit's step); a lane names a post of the matter's own department otherwise. Matters
        published or withdrawn (their running cases still need staff). What the units must be staffed for."""
        with self.db.reading() as session:
            matters = session.execute(
                sa.select(Matter.department, Matter.process_key).order_by(Matter.department, Matter.code)
            ).all()
            newest = (
                sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version).label("version"))
                .group_by(ProcessDefinition.key)
                .subquery()
            )
            latest = dict(
                session.execute(
                    sa.select(ProcessDefinition.key, ProcessDefinition.id).join(
                        newest,
                        sa.and_(ProcessDefinition.key == newest.c.key, ProcessDefinition.version == newest.c.version),
                    )
                ).all()
            )
        posts: dict[str, set[str]] = {}
        for department, key in matters:
            posts.setdefault(department, set())
            if key not in latest:
                continue
            for lane in self.repository.parsed(latest[key]).lanes:
                lane_department, post = split_lane(lane, department)
                posts.setdefault(lane_department, set())
                if post:
                    posts[lane_department].add(post)
        return {unit: sorted(posts[unit]) for unit in sorted(posts)}

    def steps_by_matter(self) -> list[dict[str, Any]]:
        """Who handles what: every published matter (by code) with the user steps of its newest process version in
        the flow's order, each with the department and post its lane names: [{code, name, department, steps:
        [{element, name, department, post}]}]. What a new user needs to find the account that works a step."""
        with self.db.reading() as session:
            matters = session.execute(
                sa.select(Matter.code, Matter.name, Matter.department, Matter.process_key)
                .where(Matter.published.is_(True))
                .order_by(Matter.code)
            ).all()
            latest = {key: self.repository.latest(session, key).id for key in {m.process_key for m in matters}}
        found = []
        for code, name, department, key in matters:
            parsed = self.repository.parsed(latest[key])
            steps = []
            for stage in outline(parsed.spec):
                for step in stage:
                    lane = parsed.spec.task_specs[step["element"]].lane
                    step_department, post = split_lane(lane, department)
                    steps.append({**step, "department": step_department, "post": post})
            found.append({"code": code, "name": name, "department": department, "steps": steps})
        return found

    def get_matter(self, code: str) -> dict[str, Any]:
        with self.db.reading() as session:
            matter = session.get(Matter, code)
            if matter is None or not matter.published:
                raise NotFound("matter_not_published", matter=code)
            return {**matter.entry, **summary(matter)}


def merged_entry(existing: Matter | None, changes: dict[str, Any], definition: ProcessDefinition) -> dict[str, Any]:
    """The entry to publish: the current one with the edited fields over it (an emptied post-approval duty left
    out), its process file from the deployed definition, and ``free`` when it lists no fees."""
    entry = {**(existing.entry if existing is not None else {}), **changes, "process_file": definition.filename}
    for name in DUTY_DAYS:  # an emptied duty is none (or the default), not a stored null
        if entry.get(name, 0) in (None, ""):
            entry.pop(name)
    if not entry.get("fees"):
        entry.pop("fees", None)
    entry["free"] = "fees" not in entry
    return entry


def summary(matter: Matter) -> dict[str, Any]:
    return {
        "code": matter.code,
        "key": matter.key,
        "name": matter.name,
        "department": matter.department,
        "type": matter.matter_type,
        "statutory_limit_days": matter.statutory_limit_days,
        "promised_limit_days": matter.promised_limit_days,
        "star_level": matter.star_level,
        "handling": matter.handling,
        "process_key": matter.process_key,
    }


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied("catalogue_admin_only")
