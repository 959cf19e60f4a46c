"""An engine seeded like the demo (the catalogue, its departments and officials, cases in different states, 督办
items, complaints, a fee signal, the Art. 9 verification queue) and a test application over it, for the tests that walk the whole API."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from demo import seed as demo
from engine.bootstrap import Shenpi
from engine.config import Settings
from engine.models import (
    Case,
    Complaint,
    IssuedDocument,
    Licence,
    Material,
    Signal,
    SupervisionItem,
    TaskRecord,
    User,
    Verification,
)
from web import create_app

from ..helpers import empty_database

SMS_SECRET = "sms-secret"
LICENSED_MATTER = "410104-XK-LS-001"  # 粮食收购资格核准: a licence when approved


@dataclass
class SeededApi:
    engine: Shenpi
    app: object
    token: str  # an administrator's bearer token
    sms_secret: str
    ids: dict[str, list] = field(default_factory=dict)  # path parameter → values that exist


def seeded_api(directory: Path, clock, backend: str = "sqlite") -> SeededApi:
    """The seeded engine and its application, on ``backend`` ("sqlite" or "postgresql", see helpers.BACKENDS)."""
    database = empty_database(backend, directory)
    settings = Settings(
        database_url=str(database.bind.url),
        broker_url="memory://",
        files_dir=directory / "files",
        sms_inbound_secret=SMS_SECRET,
    )
    engine = Shenpi(settings, database=database, clock=clock)
    engine.init_db()
    engine.catalogue.import_directory(settings.processes_dir)
    demo.seed_people(engine)
    cases = demo.seed_cases(engine)
    _add_papers(engine, cases)
    app = create_app(shenpi=engine, testing=True)
    return SeededApi(engine, app, engine.identity.create_token("admin"), SMS_SECRET, _existing(engine))


def _add_papers(engine: Shenpi, cases: list[int]) -> None:
    """A material on a case awaiting acceptance and an approved licence (the demo's accepted cases already hold
    their 受理通知书, issued on the main path)."""
    applicant, admin = engine.identity.actor("applicant"), engine.identity.actor("admin")
    waiting = next(case for case in cases if engine.cases.get_case(case, admin)["clock"]["accepted_at"] is None)
    engine.materials.add(waiting, [("申请书.txt", "申请书".encode(), None)], applicant)
    licensed = engine.cases.start_case(LICENSED_MATTER, {"name": "李四", "phone": "13800000000"}, {}, applicant)
    demo.drive(engine, licensed["id"])


def _existing(engine: Shenpi) -> dict[str, list]:
    columns = {
        "case_id": Case.id,
        "task_id": TaskRecord.id,
        "complaint_id": Complaint.id,
        "signal_id": Signal.id,
        "item_id": SupervisionItem.id,
        "material_id": Material.id,
        "document_id": IssuedDocument.id,
        "user_id": User.id,
        "code": Licence.code,
        "verification_id": Verification.id,  # the Art. 9 queue the demo fills
    }
    with engine.db.reading() as session:
        ids = {name: sorted(session.scalars(sa.select(column)).all()) for name, column in columns.items()}
    ids["code"] += [matter["code"] for matter in engine.catalogue.list_matters()]  # licences and matters
    ids.update(month=["2026-10", "2026-11"], day=["2026-12-24"], year=[2026])
    return {name: values for name, values in ids.items() if values}
