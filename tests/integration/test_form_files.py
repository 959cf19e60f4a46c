"""表格下载: administrators upload a matter's form templates and sample filled forms (PDF, Word, Excel, OFD, within the
size limit, the type judged from the content); anyone downloads those of a published matter from the guide."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from engine.catalogue import FORM_FILE_MAX_BYTES
from engine.errors import InvalidInput, NotFound, PermissionDenied, TooLarge

from ..helpers import events, refused

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml" PartName="/word/document.xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_uploaded_forms_are_listed_and_downloaded_as_uploaded(five_step_engine):
    """Seed 001: 1星:可提供完整准确的办事指南信息、相关表格下载、业务咨询等服务; seed 002 Art. 6: 方便申请人在网上下载行政审批
    申请材料 — the guide lists the templates first, then the samples, and serves each file byte for byte."""
    engine = five_step_engine
    admin = engine.identity.actor("admin")
    sample = engine.form_files.upload("TEST-0001", "sample", "申请书示范文本", "示范.docx", docx(), admin)
    template = engine.form_files.upload("TEST-0001", "template", "申请表", "C:\\表格\\申请表.pdf", PDF, admin)
    assert template["filename"] == "申请表.pdf" and template["media_type"] == "application/pdf"
    assert template["sha256"] == hashlib.sha256(PDF).hexdigest() and template["size"] == len(PDF)
    assert [f["id"] for f in engine.form_files.for_matter("TEST-0001")] == [template["id"], sample["id"]]
    meta, content = engine.form_files.open("TEST-0001", template["id"])
    assert content == PDF and meta["filename"] == "申请表.pdf"
    assert [e["element"] for e in events(engine, "form_file_uploaded")] == ["TEST-0001", "TEST-0001"]
    engine.form_files.remove(sample["id"], admin)
    assert [f["id"] for f in engine.form_files.for_matter("TEST-0001")] == [template["id"]]
    with refused(NotFound, "form_file_not_found"):
        engine.form_files.open("TEST-0001", sample["id"])
    with refused(NotFound, "form_file_not_found"):
        engine.form_files.open("OTHER-1", template["id"])


@pytest.mark.parametrize(
    "content, kind, title, error, reason",
    [
        (b"MZ\x90\x00 program", "template", "申请表", InvalidInput, "form_file_type"),
        (b"just some text\n", "template", "申请表", InvalidInput, "form_file_type"),
        (b"%PDF-" + b"0" * FORM_FILE_MAX_BYTES, "template", "申请表", TooLarge, "upload_too_large"),
        (b"", "template", "申请表", InvalidInput, "form_file_required"),
        (PDF, "other", "申请表", InvalidInput, "form_file_kind"),
        (PDF, "template", " ", InvalidInput, "form_file_title"),
    ],
)
def test_refused_uploads_write_nothing(five_step_engine, content, kind, title, error, reason):
    engine = five_step_engine
    with refused(error, reason):
        engine.form_files.upload("TEST-0001", kind, title, "申请表.pdf", content, engine.identity.actor("admin"))
    assert engine.form_files.for_matter("TEST-0001") == []


def test_only_administrators_upload_and_only_published_matters_are_offered(five_step_engine):
    engine = five_step_engine
    for who in ("clerk", "supervisor", "citizen"):
        with refused(PermissionDenied, "form_files_admin_only"):
            engine.form_files.upload("TEST-0001", "template", "申请表", "a.pdf", PDF, engine.identity.actor(who))
    with refused(NotFound, "matter_not_found"):
        engine.form_files.upload("NOPE-1", "template", "申请表", "a.pdf", PDF, engine.identity.actor("admin"))
    uploaded = engine.form_files.upload("TEST-0001", "template", "申请表", "a.pdf", PDF, engine.identity.actor("admin"))
    engine.catalogue.withdraw("TEST-0001", "依法取消", engine.identity.actor("admin"))
    with refused(NotFound, "matter_not_published"):
        engine.form_files.for_matter("TEST-0001")
    with refused(NotFound, "form_file_not_found"):
        engine.form_files.open("TEST-0001", uploaded["id"])
    assert engine.form_files.for_matter("TEST-0001", published_only=False)[0]["id"] == uploaded["id"]
