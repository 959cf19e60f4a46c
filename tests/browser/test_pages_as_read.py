"""Every page as people read it: each page of the route table, in Chinese and in English, at 1366×768 and 1920×1080,
on the demo's catalogue, people and cases, screenshotted (into $SHENPI_SCREENSHOT_DIR or the test's temporary
directory) and checked:

- it is a styled page of ours, not an error page, with no script error (``Visitor.check_rendered``);
- no text is clipped: no navigation link, navigation bar or table cell whose content is wider than its box
  (``scrollWidth > clientWidth``);
- no raw trail event code (``material_added``), engine reason code (``case_not_found``) or untranslated message
  reaches the page: an English page shows no Chinese message id of the catalogue (beyond the names the data itself
  holds), a Chinese page no English engine message.

The pages come from the application's route table: every GET route outside /api/ and /static/, its arguments filled
from the demo's data (``SAMPLES``), opened by the person it is for (``VIEWER``); what answers with something other
than a whole HTML page (downloads, JSON, diagram XML, htmx fragments) is left out by its answer. A new page joins by
itself; a new route argument fails the run until it has a sample. One browser, one context per person and language,
the two sizes by resizing the same page.
"""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from demo import seed as demo
from demo.history import seed_past_cases
from engine.config import PROJECT_ROOT
from engine.error_messages import MESSAGES
from engine.models import Case, Complaint, Licence, MatterFormFile, Signal, SupervisionItem, TaskRecord
from web.trail_events import EVENTS

SIZES = ((1366, 768), (1920, 1080))
LANGUAGES = ("zh", "en")
TOBACCO = "410104-XK-YC-001"  # its department's official d06a is the clerk here (and its head)
# who opens a page, by endpoint or by blueprint (the part before the dot); None: nobody signed in
VIEWER = {
    "auth.login": None,
    "auth.register": None,
    "auth.home": "applicant",
    "auth.account": "applicant",
    "channels": "applicant",
    "portal.results": None,  # 结果公开: public
    "portal": "applicant",
    "verify": None,
    "hall": None,
    "results": None,
    "inbox": "d06a",
    "supervision.department": "d06a",
    "supervision": "supervisor",
    "cockpit": "supervisor",
    "complaints": "supervisor",
    "desk.pledges": "supervisor",  # pending checks in the units overseen
    "desk": "d06a",  # 首问负责: the window records
    "signals.correct": "admin",  # a department head corrects; the administrator may for every department
    "signals": "supervisor",
    "reports": "supervisor",
    "me": "d06a",  # an official's own score
    "integrations": "supervisor",
    "admin": "admin",
    "manage": "admin",
}
# routes that are downloads or data by their address: never opened as pages
NOT_PAGE_PREFIXES = ("/api/", "/static", "/health/", "/metrics")
NOT_PAGES = re.compile(
    r"(\.(json|bpmn|pdf|xlsx)|/(pdf|xml|diagram|export)|<any\(pdf, xlsx\):kind>|/(materials|conformance)/<[^>]+>)$"
)
CLIPPED = """() => {
  const found = [];
  for (const el of document.querySelectorAll('nav, nav a, .tabs a, td, th')) {
    if (!el.getClientRects().length || el.clientWidth === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} "${el.innerText.trim().slice(0, 40)}" ${el.scrollWidth}>${el.clientWidth}`);
    }
  }
  return found;
}"""


def _samples(engine) -> dict[str, str]:
    """A value for every route argument, from the demo's data, seen by the argument's viewer."""
    with engine.db.reading() as session:
        tobacco_case = session.scalar(
            sa.select(Case.id)
            .where(Case.matter_code == TOBACCO, Case.status == "running", Case.created_by == "applicant")
            .order_by(Case.id)
        )
        task = session.scalar(
            sa.select(TaskRecord.id).where(TaskRecord.case_id == tobacco_case, TaskRecord.state == "open")
        )
        licence = session.scalar(sa.select(Licence.code).order_by(Licence.case_id))
        complaint = session.scalar(sa.select(Complaint.id).order_by(Complaint.id.desc()))
        item = session.scalar(sa.select(SupervisionItem.id).order_by(SupervisionItem.id))
        form_file = session.scalar(sa.select(MatterFormFile.id).where(MatterFormFile.matter_code == TOBACCO))
        signal = session.scalar(
            sa.select(Signal.id).order_by(((Signal.status == "open") & (Signal.color == "yellow")).desc(), Signal.id)
        )
    return {
        "case_id": str(tobacco_case),
        "task_id": task,
        "code": TOBACCO,
        "key": "tobacco_retail_licence",
        "user_id": "d06b",
        "complaint_id": str(complaint),
        "item_id": str(item),
        "signal_id": str(signal),
        "month": "2026-11",
        "file_id": str(form_file),
        "verify.verify_page:code": licence,
    }


def _vocabulary(engine) -> str:
    """Everything the data itself names (matters, steps, units, people, complaints…): Chinese an English page may
    show because the data is Chinese."""
    parts = [str(engine.catalogue.list_matters()), str(engine.catalogue.steps_by_matter())]
    parts += [str(u) for u in engine.organisation.units()] + [str(u) for u in engine.accounts.list_users()]
    with engine.db.reading() as session:
        for table in (
            "matter",
            "process_definition",  # its BPMN: the names of steps, gateways and events the diagrams draw
            "complaint",
            "supervision_item",
            "violation_signal",
            "case_record",
            "task_record",
            "enquiry",
            "material_pledge",
            "matter_form_file",
        ):
            rows = session.execute(sa.text(f"SELECT * FROM {table}")).all()
            parts += [" ".join(str(value) for value in row) for row in rows]  # whole values (a Row shortens them)
    return "\n".join(parts)


def _chinese_message_ids(vocabulary: str) -> list[str]:
    """Catalogue message ids an English page must never show: Chinese ids of four or more characters, with their
    placeholders cut out, that the data does not also hold."""
    with (PROJECT_ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    found = set()
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or not re.search(r"[\u4e00-\u9fff]", message.id):
            continue
        for piece in re.split(r"%\(\w+\)s|%s|\{\w*\}", message.id):
            piece = piece.strip(" ：:，,。（）()《》“”·-")
            if len(piece) >= 4 and re.search(r"[\u4e00-\u9fff]", piece) and piece not in vocabulary:
                found.add(piece)
    return sorted(found, key=len, reverse=True)


RAW_CODES = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted({code for code in EVENTS if "_" in code} | {r for r in MESSAGES if "_" in r}, key=len)[::-1])
    + r")(?![\w-])"
)
ENGLISH_MESSAGES = [m for m in MESSAGES.values() if "%(" not in m and "{" not in m and len(m) >= 25]


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LONG_NAMES = ("烟草专卖零售许可证申请书.pdf", "经营场所平面示意图及方位图.png")


@pytest.fixture(scope="module")
def demo_data(live_server):
    engine = live_server.engine
    seed_past_cases(engine)
    demo.seed_cases(engine)
    # the applicant's materials on the tobacco case the clerk's pages show (the timeline's material_added, the badges)
    case_id = int(_samples(engine)["case_id"])
    applicant = engine.identity.actor("applicant")
    engine.materials.add(case_id, [(LONG_NAMES[0], PDF, "烟草专卖零售许可证申请表"), (LONG_NAMES[1], PNG)], applicant)
    return engine


def _pages(app, samples: dict[str, str]) -> list[tuple[str, str, str | None]]:
    """(endpoint, path, viewer) for every GET route that may be a page."""
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGE_PREFIXES) or NOT_PAGES.search(rule.rule):
            continue
        values = {}
        for argument in rule.arguments:
            value = samples.get(f"{rule.endpoint}:{argument}", samples.get(argument))
            assert value, f"no sample value for {argument} of {rule.endpoint} ({rule.rule}): add one to SAMPLES"
            values[argument] = value
        with app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **values)
        viewer = VIEWER.get(rule.endpoint, VIEWER.get(rule.endpoint.split(".")[0], "missing"))
        assert viewer != "missing", f"who reads {rule.endpoint} ({rule.rule})? add it to VIEWER"
        pages.append((rule.endpoint, path, viewer))
    return pages


def test_every_page_reads_well_in_both_languages_at_both_sizes(browser, live_server, demo_data, screenshots):
    from .conftest import Visitor

    started = time.monotonic()
    pages = _pages(live_server.app, _samples(demo_data))
    vocabulary = _vocabulary(demo_data)
    chinese_ids = _chinese_message_ids(vocabulary)
    problems: list[str] = []
    opened: set[str] = set()
    viewers = sorted({viewer or "" for _, _, viewer in pages})
    for language in LANGUAGES:
        for viewer in viewers:
            visitor = Visitor(browser, live_server, screenshots)
            try:
                if viewer:
                    visitor.login(viewer)
                visitor.open("/login" if not viewer else "/account")
                visitor.page.click(f".langswitch button[value={language}]")
                visitor.page.wait_for_load_state("networkidle")
                for endpoint, path, who in pages:
                    if (who or "") != viewer:
                        continue
                    answer = visitor.context.request.get(live_server.url + path, max_redirects=0)
                    html = answer.headers.get("content-type", "").startswith("text/html")
                    if answer.status != 200 or not html or "<html" not in answer.text()[:300]:
                        assert answer.status in (200, 302) or not html, f"{endpoint} {path}: {answer.status}"
                        continue  # a fragment, a download, data or a redirect: not a page
                    opened.add(endpoint)
                    for width, height in SIZES:
                        visitor.page.set_viewport_size({"width": width, "height": height})
                        if width == SIZES[0][0]:
                            visitor.open(path)
                        else:
                            visitor.page.wait_for_timeout(150)  # the resize's reflow (charts redraw)
                        name = f"read-{language}-{width}-{viewer or 'anonymous'}-{endpoint}"
                        problems += _check(visitor, name, language, chinese_ids)
            finally:
                visitor.close()
    seconds = time.monotonic() - started
    print(f"\n{len(opened)} pages × {len(LANGUAGES)} languages × {len(SIZES)} sizes in {seconds:.0f} s → {screenshots}")
    assert len(opened) >= 40, sorted(opened)
    assert not problems, "\n".join(problems)


def _check(visitor, name: str, language: str, chinese_ids: list[str]) -> list[str]:
    problems = []
    try:
        visitor.check_rendered(name)
    except AssertionError as failure:
        problems.append(f"{name}: {failure}")
    visitor.problems.clear()
    page = visitor.page
    problems += [f"{name}: clipped {found}" for found in page.evaluate(CLIPPED)]
    body = page.inner_text("body")
    problems += [f"{name}: raw code {match}" for match in sorted(set(RAW_CODES.findall(body)))]
    if language == "en":
        problems += [f"{name}: untranslated 「{piece}」" for piece in chinese_ids if piece in body]
    else:
        problems += [f"{name}: English engine message 「{m}」" for m in ENGLISH_MESSAGES if m in body]
    return problems


def test_the_supervisors_navigation_fits_at_1366_in_both_languages(browser, live_server, screenshots):
    """The issue's own case: ten links for a supervisor; none clipped or scrolled away at 1366 px."""
    from .conftest import Visitor

    for language in LANGUAGES:
        visitor = Visitor(browser, live_server, screenshots)
        try:
            visitor.login("supervisor")
            visitor.page.click(f".langswitch button[value={language}]")
            visitor.page.wait_for_load_state("networkidle")
            visitor.page.set_viewport_size({"width": 1366, "height": 768})
            visitor.open("/cockpit/")
            links = visitor.page.eval_on_selector_all(
                ".mainnav a",
                """links => links.map(a => { const r = a.getBoundingClientRect(), n = a.parentElement.getBoundingClientRect();
                    return {text: a.innerText, inside: r.left >= n.left - 1 && r.right <= n.right + 1 && r.width > 0,
                            whole: a.scrollWidth <= a.clientWidth + 1}; })""",
            )
            assert len(links) >= 10, links
            assert all(link["inside"] and link["whole"] for link in links), (language, links)
            nav = visitor.page.evaluate(
                "(() => { const n = document.querySelector('.mainnav'); return [n.scrollWidth, n.clientWidth]; })()"
            )
            assert nav[0] <= nav[1] + 1, (language, nav)
        finally:
            visitor.close()


def test_the_timeline_names_every_event_in_words(browser, live_server, demo_data, screenshots):
    """The clerk's case page: materials added, claims, completions… each in words, none as its code."""
    from .conftest import Visitor

    case_id = _samples(demo_data)["case_id"]
    for language in LANGUAGES:
        visitor = Visitor(browser, live_server, screenshots)
        try:
            visitor.login("d06a")
            visitor.page.click(f".langswitch button[value={language}]")
            visitor.page.wait_for_load_state("networkidle")
            visitor.open(f"/cases/{case_id}")
            labels = visitor.page.eval_on_selector_all(
                "#case-trail .timeline strong", "els => els.map(e => e.innerText)"
            )
            assert labels and not [label for label in labels if RAW_CODES.search(label) or "_" in label], labels
            assert any(label in ("提交材料", "Materials submitted") for label in labels), labels
        finally:
            visitor.close()


def test_the_task_pages_sidebar_keeps_file_names_on_their_line(browser, live_server, demo_data, screenshots):
    """At 1366 px the sidebar's material names are not broken every few characters ("申请书.p / df"): each file link
    takes one line, and carries the badge of its type."""
    from .conftest import Visitor

    task_id = _samples(demo_data)["task_id"]
    visitor = Visitor(browser, live_server, screenshots)
    try:
        visitor.login("d06a")
        visitor.page.click(".langswitch button[value=zh]")  # the account keeps the language an earlier test chose
        visitor.page.wait_for_load_state("networkidle")
        visitor.page.set_viewport_size({"width": 1366, "height": 768})
        visitor.open(f"/tasks/{task_id}")
        files = visitor.page.eval_on_selector_all(
            ".materials a",
            """links => links.map(a => ({name: a.lastChild.textContent.trim(),
                badge: (a.querySelector('.file-badge') || {}).innerText, lines: a.getClientRects().length,
                height: a.getBoundingClientRect().height, line: parseFloat(getComputedStyle(a).lineHeight) || 24}))""",
        )
        assert sorted(f["name"] for f in files) == sorted(LONG_NAMES), files
        assert all(f["lines"] == 1 and f["height"] < 1.5 * f["line"] for f in files), files
        assert sorted(f["badge"] for f in files) == ["PDF", "图片"], files
        visitor.check_rendered("read-task-sidebar-files")
    finally:
        visitor.close()
