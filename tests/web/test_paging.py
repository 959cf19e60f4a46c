"""Every paged list of the pages, with more rows than one page holds: page 1, a middle page and the last page each
show their own rows, together every row once; the pager's links keep the list's filters. And no template assigns
to a name the templates use (``{% set _ = ... %}`` once replaced the translation function: every second page was
a 500)."""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, urlparse

import sqlalchemy as sa
from jinja2 import nodes

from engine.identity.actors import ENGINE
from engine.models import Case, CaseReader, Matter, Signal, User
from engine.supervision.items import open_item
from engine.violations.signals import raise_signal

from ..helpers import START, complete
from .helpers import WEB, PageClient, set_passwords
from .helpers import signed_in as client

PER_PAGE = 20
ROWS = 47  # three pages: 20, 20, 7
TEMPLATES = WEB / "templates"


def start_cases(engine, count, name="李四"):
    citizen = engine.identity.actor("citizen")
    return [engine.cases.start_case("TEST-0001", {"name": f"{name}{n:02d}"}, {}, citizen)["id"] for n in range(count)]


def check_paging(browser: PageClient, url: str, pattern: str, expected: set, kept: dict[str, str]):
    """Walk the list at ``url`` page by page: 20 rows a page, the rest on the last, each row once, every row of
    ``expected`` and nothing else; the pager's links on the first, a middle and the last page keep ``kept``."""
    pages = math.ceil(len(expected) / PER_PAGE)
    assert pages >= 3, "the list needs at least three pages for this check"
    seen: list = []
    for number in range(1, pages + 1):
        response = browser.get(_with_page(url, number))
        assert response.status_code == 200, (url, number, response.status_code)
        body = response.get_data(as_text=True)
        rows = _rows(body, pattern)
        assert len(rows) == (PER_PAGE if number < pages else len(expected) - PER_PAGE * (pages - 1)), (url, number)
        assert not set(rows) & set(seen), f"{url}: page {number} repeats rows of an earlier page"
        seen += rows
        links = _pager_links(body)
        if number in (1, pages // 2 + 1, pages):
            assert ("next" in links) == (number < pages) and ("prev" in links) == (number > 1), (url, number, links)
            for rel, query in links.items():
                assert query["page"] == [str(number + (1 if rel == "next" else -1))]
                for key, value in kept.items():
                    assert query.get(key) == [value], f"{url}: the {rel} link of page {number} drops {key}={value}"
        assert f"第 {number} / {pages} 页" in body
    assert set(seen) == {str(e) for e in expected}
    beyond = browser.get(_with_page(url, pages + 1))
    assert beyond.status_code == 200 and _rows(beyond.get_data(as_text=True), pattern) == []


def _with_page(url: str, number: int) -> str:
    return f"{url}{'&' if '?' in url else '?'}page={number}"


def _rows(body: str, pattern: str) -> list[str]:
    main = body.split('<nav class="pager"')[0] if '<nav class="pager"' in body else body
    return list(dict.fromkeys(re.findall(pattern, main)))


def _pager_links(body: str) -> dict[str, dict]:
    pager = body.split('<nav class="pager"', 1)[1].split("</nav>", 1)[0]
    links = {}
    for tag in re.findall(r"<a [^>]*>", pager):
        rel = re.search(r'rel="(\w+)"', tag)
        if rel:
            href = re.search(r'href="([^"]+)"', tag).group(1).replace("&amp;", "&")
            links[rel.group(1)] = parse_qs(urlparse(href).query)
    return links


# --- the clerk's lists ------------------------------------------------------------------------------------------
def test_inbox_tabs_page_with_filters_kept(app, engine):
    ids = start_cases(engine, ROWS)
    start_cases(engine, 3, name="王五")  # filtered out by the search text
    clerk = client(app, "clerk")
    tasks = {t["id"] for t in engine.tasks.list_tasks(ENGINE) if t["case"] in ids}
    check_paging(
        clerk,
        "/inbox?tab=todo&scope=all&q=%E6%9D%8E%E5%9B%9B",
        r'href="/tasks/([\w-]+)"',
        tasks,
        {"tab": "todo", "scope": "all", "q": "李四"},
    )
    with engine.db.transaction() as session:
        for case_id in ids:
            session.add(CaseReader(case_id=case_id, user_id="clerk2", added_by="clerk", added_at=START))
    check_paging(client(app, "clerk2"), "/inbox?tab=copies", r'href="/cases/(\d+)"', set(ids), {"tab": "copies"})
    for case_id in ids:
        complete(engine, case_id, {"decision": "accept"})
    check_paging(clerk, "/inbox?tab=done", r'href="/cases/(\d+)"', set(ids), {"tab": "done"})


def test_inbox_pages_through_htmx_requests(app, engine):
    start_cases(engine, ROWS)
    clerk = client(app, "clerk")
    response = clerk.get("/inbox?tab=todo&page=2", headers={"HX-Request": "true", "HX-Target": "inbox-results"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and "第 2 / 3 页" in body
    assert 'hx-target="#inbox-results"' in body and 'hx-push-url="true"' in body


def test_case_search_pages_with_filters_kept(app, engine):
    ids = start_cases(engine, ROWS)
    start_cases(engine, 2, name="王五")
    check_paging(
        client(app, "supervisor"),
        "/inbox/cases?q=%E6%9D%8E%E5%9B%9B&status=running",
        r'href="/cases/(\d+)"',
        set(ids),
        {"q": "李四", "status": "running"},
    )


def test_cockpit_cases_page_with_light_kept(app, engine):
    ids = start_cases(engine, ROWS)
    with engine.db.transaction() as session:
        for case_id in ids:
            session.get(Case, case_id).light = "red"
    check_paging(client(app, "supervisor"), "/cockpit/?light=red", r'href="/cases/(\d+)"', set(ids), {"light": "red"})


# --- supervision -------------------------------------------------------------------------------------------------
def test_signals_page_with_filters_kept(app, engine):
    with engine.db.transaction() as session:
        calendar = engine.calendars.calendar()
        for n in range(ROWS + 2):
            raise_signal(
                session,
                calendar,
                START,
                "fee_mismatch",
                "common",
                subject=f"S{n}",
                department="测试局",
                summary=f"收费与目录不符 {n}",
            )
    with engine.db.transaction() as session:
        signals = session.scalars(sa.select(Signal).order_by(Signal.id)).all()
        for closed in signals[ROWS:]:  # outside the filter
            closed.status = "closed"
        raised = {signal.id for signal in signals[:ROWS]}
    check_paging(
        client(app, "supervisor"),
        "/signals/?status=open&department=%E6%B5%8B%E8%AF%95%E5%B1%80",
        r'id="signal-(\d+)"',
        raised,
        {"status": "open", "department": "测试局"},
    )


def test_supervision_items_page_with_filters_kept(app, engine):
    with engine.db.transaction() as session:
        calendar = engine.calendars.calendar()
        opened = {
            open_item(
                session,
                calendar,
                START,
                kind="overdue_step",
                department="测试局",
                case_id=None,
                summary=f"环节超期 {n}",
            )
            for n in range(ROWS)
        }
        open_item(session, calendar, START, kind="overdue_step", department="其他局", case_id=None, summary="他局")
    check_paging(
        client(app, "supervisor"),
        "/supervision/?department=%E6%B5%8B%E8%AF%95%E5%B1%80&status=open",
        r'href="/supervision/items/(\d+)"',
        opened,
        {"department": "测试局", "status": "open"},
    )
    with engine.db.transaction() as session:  # the department's head sees the same items on their own page
        session.add(User(id="head", name="科长", department_id="T01", posts=["负责人"], roles=["official"]))
    set_passwords(engine, "head")
    check_paging(
        client(app, "head"),
        "/supervision/department?closed=1",
        r'href="/supervision/items/(\d+)"',
        opened,
        {"closed": "1"},
    )


def test_complaints_page_with_filters_kept(app, engine):
    for n in range(ROWS + 1):
        engine.feedback.complain(None, f"投诉 {n}", "窗口排队时间过长。", anonymous=True, department="测试局")
    supervisor = engine.identity.actor("supervisor")
    filed = sorted(c["id"] for c in engine.complaints.list(supervisor))
    engine.complaints.decide(filed[-1], supervisor, accept=True)  # accepted: outside the filter
    check_paging(
        client(app, "supervisor"),
        "/complaints/?status=submitted&department=%E6%B5%8B%E8%AF%95%E5%B1%80",
        r'href="/complaints/(\d+)"',
        set(filed[:-1]),
        {"status": "submitted", "department": "测试局"},
    )


def test_report_log_pages(app, engine):
    supervisor = engine.identity.actor("supervisor")
    for n in range(ROWS):
        engine.report_access.record(supervisor, "monthly_evaluation", "read", scope=f"M{n:03d}")
    engine.report_access.record(supervisor, "cockpit", "read", scope="M999")  # another report's log
    browser = client(app, "supervisor")
    expected = {f"M{n:03d}" for n in range(ROWS)}
    # the page itself logs nothing; the newest first, so page 1 starts at M046
    check_paging(browser, "/reports/log", r"<td>(M\d{3})</td>", expected, {})
    assert _rows(browser.get("/reports/log").get_data(as_text=True), r"<td>(M\d{3})</td>")[0] == "M046"


# --- administration ----------------------------------------------------------------------------------------------
def test_users_page_with_filters_kept(app, engine):
    with engine.db.transaction() as session:
        for n in range(ROWS):
            session.add(
                User(id=f"u{n:03d}", name=f"办事员{n}", department_id="T01", posts=["承办人"], roles=["official"])
            )
        session.add(User(id="u999", name="停用人员", department_id="T01", posts=[], roles=["official"], active=False))
    expected = {f"u{n:03d}" for n in range(ROWS)}
    check_paging(
        client(app, "admin"),
        "/admin/users?q=u0&role=official&active=yes",
        r'href="/admin/users/(u\d{3})"',
        expected,
        {"q": "u0", "role": "official", "active": "yes"},
    )


def add_matters(engine, count, department="测试局", prefix="PG"):
    codes = {f"{prefix}-{n:03d}" for n in range(count)}
    with engine.db.transaction() as session:
        for code in sorted(codes):
            session.add(
                Matter(
                    code=code,
                    key=code.lower(),
                    name=f"分页事项{code}",
                    department=department,
                    matter_type="行政许可",
                    statutory_limit_days=20,
                    promised_limit_days=10,
                    star_level=3,
                    handling="承诺件",
                    process_key="five_step",
                    published=True,
                    entry={"code": code, "name": f"分页事项{code}", "summary": "", "materials": []},
                )
            )
    return codes


def test_matters_page_with_filters_kept(app, engine):
    codes = add_matters(engine, ROWS)
    add_matters(engine, 2, department="其他局", prefix="OT")
    check_paging(
        client(app, "admin"),
        "/admin/matters?department=%E6%B5%8B%E8%AF%95%E5%B1%80&status=published",
        r'<td class="nowrap"><a href="/admin/matters/([\w-]+)">',
        codes | {"TEST-0001"},
        {"department": "测试局", "status": "published"},
    )


# --- the applicant's portal --------------------------------------------------------------------------------------
def test_portal_catalogue_pages_with_filters_kept(app, engine):
    codes = add_matters(engine, ROWS)
    add_matters(engine, 2, department="其他局", prefix="OT")
    check_paging(
        PageClient(app),
        "/portal?department=%E6%B5%8B%E8%AF%95%E5%B1%80&q=%E5%88%86%E9%A1%B5",
        r'href="/portal/matters/([\w-]+)"',
        codes,
        {"department": "测试局", "q": "分页"},
    )


def test_my_cases_page(app, engine):
    ids = start_cases(engine, ROWS)
    citizen = client(app, "citizen")
    check_paging(citizen, "/portal/my", r'href="/portal/my/cases/(\d+)"', set(ids), {})
    assert "共 47 件" in citizen.get("/portal/my").get_data(as_text=True)


# --- templates never hide a name the templates use -----------------------------------------------------------------
def test_no_template_assigns_to_a_name_the_templates_use(app):
    """Assignments, loop variables, macro arguments and ``with`` names must not shadow a global, a context
    processor's name or the translation functions: a shadowed ``_`` broke every page with a pager."""
    env = app.jinja_env
    with app.test_request_context("/"):
        context: dict = {}
        app.update_template_context(context)
    reserved = set(env.globals) | set(context) | {"_", "gettext", "ngettext", "pgettext", "npgettext"}
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        for node in tree.find_all(
            (nodes.Assign, nodes.AssignBlock, nodes.For, nodes.Macro, nodes.CallBlock, nodes.With)
        ):
            for name in _bound_names(node):
                if name in reserved:
                    problems.append(f"{path.relative_to(TEMPLATES)}:{node.lineno} binds {name!r}")
    assert not problems, "\n".join(problems)


def test_the_template_check_catches_the_old_pager(app):
    tree = app.jinja_env.parse("{% set args = {} %}{% set _ = args.update(page=2) %}{{ _('x') }}")
    assert any("_" in _bound_names(node) for node in tree.find_all(nodes.Assign))


def _bound_names(node) -> set[str]:
    if isinstance(node, (nodes.Assign, nodes.AssignBlock, nodes.For)):
        return {n.name for n in node.target.find_all(nodes.Name)} | (
            {node.target.name} if isinstance(node.target, nodes.Name) else set()
        )
    if isinstance(node, (nodes.Macro, nodes.CallBlock)):
        return {arg.name for arg in node.args}
    if isinstance(node, nodes.With):
        return {target.name for target in node.targets if isinstance(target, nodes.Name)}
    return set()
