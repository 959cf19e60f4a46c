"""The matter catalogue (事项目录): TOML entries in processes/, each with its BPMN file."""
from __future__ import annotations

import tomllib
from pathlib import Path

import sqlalchemy as sa

from . import trail
from .errors import InvalidInput, NotFound
from .models import Matter

REQUIRED = {
    "code": str, "key": str, "name": str, "department": str, "type": str, "legal_basis": list,
    "statutory_limit_days": int, "promised_limit_days": int, "handling": str, "star_level": int,
    "process_file": str, "conditions": list, "materials": list,
}
HANDLING = ("即办件", "承诺件")


def validate_entry(entry: dict, source: str = "entry") -> dict:
    for field, kind in REQUIRED.items():
        if field not in entry:
            raise InvalidInput(f"{source}: missing field {field!r}", field=field)
        if not isinstance(entry[field], kind):
            raise InvalidInput(f"{source}: field {field!r} must be {kind.__name__}", field=field)
    if entry["handling"] not in HANDLING:
        raise InvalidInput(f"{source}: handling must be 即办件 or 承诺件", field="handling")
    if not 1 <= entry["star_level"] <= 5:
        raise InvalidInput(f"{source}: star_level must be between 1 and 5", field="star_level")
    if entry["promised_limit_days"] < 0 or entry["statutory_limit_days"] < entry["promised_limit_days"]:
        raise InvalidInput(f"{source}: the promised limit must not exceed the statutory limit", field="promised_limit_days")
    from .escalation import validate_config

    validate_config(entry.get("escalation"), source)
    for fee in entry.get("fees", []):
        if not fee.get("basis"):
            raise InvalidInput(f"{source}: fee {fee.get('item')!r} has no legal basis", field="fees")
    return entry


def load_entries(directory: Path) -> list[dict]:
    entries = []
    for path in sorted(Path(directory).glob("*.toml")):
        with path.open("rb") as handle:
            try:
                entry = tomllib.load(handle)
            except tomllib.TOMLDecodeError as exc:
                raise InvalidInput(f"{path.name}: {exc}") from None
        entries.append(validate_entry(entry, path.name))
    return entries


class CatalogueService:
    def __init__(self, db, clock, repository):
        self.db = db
        self.clock = clock
        self.repository = repository

    def import_directory(self, directory: Path, actor: str = "engine") -> list[dict]:
        """Deploy every matter's BPMN file and publish the entries (idempotent)."""
        results = []
        for entry in load_entries(directory):
            content = (Path(directory) / entry["process_file"]).read_bytes()
            definition = self.repository.deploy(content, entry["process_file"], actor=actor)
            if definition["key"] != entry["key"]:
                raise InvalidInput(f"{entry['process_file']}: process id {definition['key']!r} differs from key {entry['key']!r}")
            self.publish(entry, actor)
            results.append({"code": entry["code"], "name": entry["name"], "definition": definition})
        return results

    def publish(self, entry: dict, actor: str) -> None:
        with self.db.transaction() as session:
            matter = session.get(Matter, entry["code"])
            values = dict(
                key=entry["key"], name=entry["name"], department=entry["department"], matter_type=entry["type"],
                statutory_limit_days=entry["statutory_limit_days"], promised_limit_days=entry["promised_limit_days"],
                star_level=entry["star_level"], handling=entry["handling"], process_key=entry["key"],
                published=True, entry=entry,
            )
            if matter is not None and matter.entry == entry:
                return
            if matter is None:
                session.add(Matter(code=entry["code"], **values))
            else:
                for name, value in values.items():
                    setattr(matter, name, value)
            trail.append(session, [trail.event(
                "matter_published", self.clock.now(), actor=actor, element_id=entry["key"],
                data_digest=trail.digest(entry), detail={"code": entry["code"], "name": entry["name"]})])

    def list_matters(self) -> list[dict]:
        with self.db.reading() as session:
            return [summary(m) for m in session.scalars(
                sa.select(Matter).where(Matter.published.is_(True)).order_by(Matter.code))]

    def get_matter(self, code: str) -> dict:
        with self.db.reading() as session:
            matter = session.get(Matter, code)
            if matter is None or not matter.published:
                raise NotFound(f"matter {code!r} is not in the published catalogue")
            return {**matter.entry, **summary(matter)}


def summary(matter: Matter) -> dict:
    return {
        "code": matter.code, "key": matter.key, "name": matter.name, "department": matter.department,
        "type": matter.matter_type, "statutory_limit_days": matter.statutory_limit_days,
        "promised_limit_days": matter.promised_limit_days, "star_level": matter.star_level,
        "handling": matter.handling, "process_key": matter.process_key,
    }
