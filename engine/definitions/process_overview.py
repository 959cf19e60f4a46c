"""The administrator's view of deployed processes: every key with its versions, the matters that run on it and
how many cases are running on each version; and the counts on the administration dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import NotFound
from ..models import Case, Department, Matter, ProcessDefinition, User

if TYPE_CHECKING:
    from ..kernel import Database


class ProcessOverview:
    def __init__(self, db: Database):
        self.db = db

    def processes(self, key: str | None = None) -> list[dict[str, Any]]:
        """[{key, name, matters: [{code, name, published}], versions: [{id, version, ..., running}]}], by key;
        the newest version last. New cases of a matter always start on the newest version of its key."""
        return _processes(self.db, key)

    def version_xml(self, key: str, version: int | None = None) -> dict[str, Any]:
        """One version's XML (the newest when ``version`` is None): {key, version, name, filename, xml}."""
        return _version_xml(self.db, key, version)

    def dashboard_counts(self) -> dict[str, int]:
        """What the administration dashboard counts: definitions, processes, matters, units, users, running cases."""
        return _dashboard_counts(self.db)


def _processes(db: Database, key: str | None) -> list[dict[str, Any]]:
    with db.reading() as session:
        query = sa.select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)
        if key is not None:
            query = query.where(ProcessDefinition.key == key)
        definitions = list(session.scalars(query))
        running = dict(
            session.execute(
                sa.select(Case.definition_id, sa.func.count())
                .where(Case.status == "running")
                .group_by(Case.definition_id)
            ).all()
        )
        matters: dict[str, list] = {}
        for matter in session.scalars(sa.select(Matter).order_by(Matter.code)):
            matters.setdefault(matter.process_key, []).append(
                {"code": matter.code, "name": matter.name, "published": matter.published}
            )
    by_key: dict[str, dict] = {}
    for definition in definitions:
        entry = by_key.setdefault(
            definition.key, {"key": definition.key, "matters": matters.get(definition.key, []), "versions": []}
        )
        entry["name"] = definition.name
        entry["versions"].append(
            {
                "id": definition.id,
                "version": definition.version,
                "name": definition.name,
                "filename": definition.filename,
                "deployed_at": definition.deployed_at,
                "deployed_by": definition.deployed_by,
                "checksum": definition.content_hash[:12],
                "running": running.get(definition.id, 0),
                "change_note": definition.change_note,
            }
        )
    for entry in by_key.values():
        entry["latest"] = entry["versions"][-1]["version"]
    if key is not None and key not in by_key:
        raise NotFound("process_not_found", key=key)
    return list(by_key.values())


def _version_xml(db: Database, key: str, version: int | None) -> dict[str, Any]:
    with db.reading() as session:
        query = sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
        if version is None:
            query = query.order_by(ProcessDefinition.version.desc()).limit(1)
        else:
            query = query.where(ProcessDefinition.version == version)
        definition = session.scalar(query)
        if definition is None:
            raise NotFound("process_version_not_found" if version else "process_not_found", key=key, version=version)
        return {
            "key": definition.key,
            "version": definition.version,
            "name": definition.name,
            "filename": definition.filename,
            "xml": definition.xml,
        }


def _dashboard_counts(db: Database) -> dict[str, int]:
    with db.reading() as session:

        def count(query: sa.Select) -> int:
            return session.scalar(query) or 0

        return {
            "definitions": count(sa.select(sa.func.count()).select_from(ProcessDefinition)),
            "processes": count(sa.select(sa.func.count(sa.distinct(ProcessDefinition.key)))),
            "matters": count(sa.select(sa.func.count()).select_from(Matter).where(Matter.published.is_(True))),
            "departments": count(sa.select(sa.func.count()).select_from(Department)),
            "users": count(sa.select(sa.func.count()).select_from(User)),
            "running_cases": count(sa.select(sa.func.count()).select_from(Case).where(Case.status == "running")),
        }
