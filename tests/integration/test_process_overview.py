"""The administrator's overview of processes, and the conformance file listing."""

from __future__ import annotations

import pytest

from engine.definitions import conformance
from engine.errors import NotFound
from engine.identity.actors import ENGINE

from ..helpers import FIVE


def test_versions_with_matters_and_running_cases(five_step_engine):
    five_step_engine.cases.start_case("TEST-0001", {"name": "甲"}, {}, ENGINE)
    five_step_engine.repository.deploy(
        FIVE.replace(b"\xe5\xae\xa1\xe6\xa0\xb8", "复核".encode()), "five_step.bpmn", actor="admin"
    )
    [process] = five_step_engine.processes.processes()
    assert process["key"] == "five_step" and process["latest"] == 2
    assert process["matters"] == [{"code": "TEST-0001", "name": "测试事项", "published": True}]
    assert [(v["version"], v["running"], v["deployed_by"]) for v in process["versions"]] == [
        (1, 1, "admin"),
        (2, 0, "admin"),
    ]
    assert five_step_engine.processes.version_xml("five_step")["version"] == 2
    assert "复核" not in five_step_engine.processes.version_xml("five_step", 1)["xml"]
    with pytest.raises(NotFound):
        five_step_engine.processes.processes("other")
    counts = five_step_engine.processes.dashboard_counts()
    assert (counts["definitions"], counts["processes"], counts["matters"], counts["running_cases"]) == (2, 1, 1, 1)


def test_conformance_listing_stays_inside_its_directory(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.bpmn").write_bytes(FIVE)
    (root / "notes.txt").write_text("x")
    (tmp_path / "outside.bpmn").write_bytes(b"<outside/>")
    (root / "link.bpmn").symlink_to(tmp_path / "outside.bpmn")
    assert conformance.list_files(root) == ["sub/a.bpmn"]
    assert conformance.read_file(root, "sub/a.bpmn") == FIVE
    for name in ("link.bpmn", "../outside.bpmn", "sub/../../outside.bpmn", "notes.txt"):
        with pytest.raises(NotFound):
            conformance.read_file(root, name)
    assert conformance.list_files(tmp_path / "missing") == [] and conformance.list_files(None) == []
