"""Paged lists in a real browser, on the demo's own backlog: the food licence officials and the supervisors have
several pages of work. Each list is opened on page 1, followed by its pager to a middle page (through htmx where
the list updates in place) and to the last page, with its filters kept; each page is a screenshot. The lists the
demo fills less (signals, complaints, the reports log, matters, the applicant's cases) get more rows here."""

from __future__ import annotations

import re

import pytest

from demo import seed as demo
from demo.history import FOOD, seed_past_cases
from engine.identity.actors import ENGINE
from engine.models import Matter

pytestmark = pytest.mark.usefixtures("backlog")


@pytest.fixture(scope="module")
def backlog(live_server):
    engine = live_server.engine
    backlog_cases = seed_past_cases(engine)
    demo.seed_cases(engine)
    for case_id in backlog_cases[-25:]:  # a fee on a free matter: a red signal each
        engine.violations.fees.record(case_id, "工本费", 10, ENGINE)
    supervisor, applicant = engine.identity.actor("supervisor"), engine.identity.actor("applicant")
    department = engine.catalogue.get_matter(FOOD)["department"]
    for n in range(25):
        engine.feedback.complain(None, f"窗口排队 {n}", "排队时间过长。", anonymous=True, department=department)
        engine.report_access.record(supervisor, "monthly_evaluation", "read", scope="2026-10")
        engine.cases.start_case(FOOD, {"name": "张三", "id_number": f"4101041980010{n:05d}"}, {}, applicant)
    with engine.db.transaction() as session:
        food = session.get(Matter, FOOD)
        for n in range(25):
            code = f"{FOOD}-{n:02d}"
            session.add(
                Matter(
                    code=code,
                    key=f"paging_{n}",
                    name=f"{food.name}（分点{n}）",
                    department=department,
                    matter_type=food.matter_type,
                    statutory_limit_days=food.statutory_limit_days,
                    promised_limit_days=food.promised_limit_days,
                    star_level=food.star_level,
                    handling=food.handling,
                    process_key=food.process_key,
                    published=True,
                    entry={**food.entry, "code": code},
                )
            )


def food_official(engine) -> str:
    department = engine.catalogue.get_matter(FOOD)["department"]
    return next(u["id"] for u in engine.accounts.list_users(role="official") if u["department"] == department)


def walk(visitor, path: str, name: str, kept: dict[str, str], rows: str = "main table tbody tr"):
    """Open ``path``, then follow the pager to page 2 and to the last page; every page has rows, says where it
    is, and its links keep ``kept``."""
    visitor.open(path)
    pages = _pages(visitor)
    assert pages >= 2, f"{name}: one page only"
    visitor.check_rendered(f"paging-{name}-1")
    for number in sorted({2, pages}):
        visitor.page.click(f"nav.pager a[data-page='{number}']")
        visitor.page.wait_for_load_state("networkidle")
        visitor.page.wait_for_selector(f"nav.pager [aria-current=page]:text-is('{number}')")
        assert visitor.page.locator(rows).count() >= 1, f"{name}: page {number} is empty"
        assert f"第 {number} / {pages} 页" in visitor.page.inner_text("nav.pager")
        for href in visitor.page.eval_on_selector_all("nav.pager a", "links => links.map(a => a.href)"):
            for key, value in kept.items():
                assert f"{key}={value}" in href, f"{name}: a pager link drops {key}: {href}"
        assert f"page={number}" in visitor.page.url
        visitor.check_rendered(f"paging-{name}-{number}")


def _pages(visitor) -> int:
    return int(re.search(r"第 \d+ / (\d+) 页", visitor.page.inner_text("nav.pager")).group(1))


def test_the_food_officials_inbox_pages(visitor_factory, live_server):
    visitor = visitor_factory()
    visitor.login(food_official(live_server.engine))
    walk(visitor, "/inbox?tab=todo&scope=all", "inbox", {"tab": "todo", "scope": "all"})
    walk(visitor, "/inbox/cases?status=running", "official-cases", {"status": "running"})


def test_the_supervisors_lists_page(visitor_factory):
    visitor = visitor_factory()
    visitor.login("supervisor")
    walk(visitor, "/inbox/cases?status=running", "supervisor-cases", {"status": "running"})
    walk(visitor, "/supervision/?status=open", "supervision", {"status": "open"})
    walk(visitor, "/cockpit/?light=yellow", "cockpit-cases", {"light": "yellow"}, rows="#cockpit-cases tbody tr")


def test_the_supervisors_other_lists_page(visitor_factory):
    visitor = visitor_factory()
    visitor.login("supervisor")
    walk(visitor, "/signals/?status=open", "signals", {"status": "open"})
    walk(visitor, "/complaints/?status=submitted", "complaints", {"status": "submitted"})
    walk(visitor, "/reports/log", "reports-log", {})


def test_the_administrators_lists_page(visitor_factory):
    visitor = visitor_factory()
    visitor.login("admin")
    walk(visitor, "/admin/users?active=yes", "users", {"active": "yes"})
    walk(visitor, "/admin/matters?status=published", "matters", {"status": "published"})


def test_the_applicants_lists_page(visitor_factory):
    visitor = visitor_factory()
    walk(
        visitor,
        "/portal?type=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF",
        "portal-catalogue",
        {"type": "%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF"},
        rows=".matter-card",
    )
    visitor.login("applicant")
    walk(visitor, "/portal/my", "my-cases", {})
