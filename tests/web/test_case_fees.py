"""The case page's fee register (收费登记) and result publication (结果公开) for the responsible department."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from engine.errors import PermissionDenied
from engine.identity.actors import ENGINE
from engine.models import CaseFee

from ..helpers import APPROVE, FIVE_STEP_ENTRY, complete
from ..helpers import applied_case as start
from .helpers import signed_in as page
from .helpers import text

PRICED = {
    **FIVE_STEP_ENTRY,
    "free": False,
    "fees": [{"item": "工本费", "standard": "10元/件", "basis": "《收费文件》第3条"}],
}


@pytest.fixture
def priced(engine):
    engine.catalogue.publish(PRICED, "admin")
    return engine


def ended(engine):
    case = start(engine)
    for step in APPROVE:
        complete(engine, case["id"], step)
    return case["id"]


def fees_of(engine, case_id):
    with engine.db.reading() as session:
        return session.scalars(sa.select(CaseFee.item).where(CaseFee.case_id == case_id)).all()


def red_signals(engine, case_id):
    return [s for s in engine.violations.signals.list_signals(ENGINE, case_id=case_id) if s["color"] == "red"]


def test_overview_lists_catalogue_items_fees_and_publication(priced):
    case_id = ended(priced)
    clerk = priced.identity.actor("clerk")
    fees = priced.violations.fees
    assert fees.overview(case_id, clerk) == {
        "free": False,
        "fees": [],
        "result_published_at": None,
        "catalogue": [{"item": "工本费", "standard": "10元/件", "basis": "《收费文件》第3条"}],
    }
    fees.record(case_id, "工本费", "10", clerk)
    fees.publish_result(case_id, clerk)
    seen = fees.overview(case_id, clerk)
    assert [(f["item"], f["amount"], f["recorded_by"]) for f in seen["fees"]] == [("工本费", "10.00", "clerk")]
    assert seen["result_published_at"] is not None
    with pytest.raises(PermissionDenied):
        fees.overview(case_id, priced.identity.actor("outsider"))


def test_the_fee_card_shows_for_the_departments_officials_only(app, priced):
    case = start(priced)
    body = text(page(app, "clerk").get(f"/cases/{case['id']}"))
    assert "收费登记" in body and "工本费" in body and "10元/件" in body and "《收费文件》第3条" in body
    assert "尚未登记收费" in body and "办件办结后可公开办理结果" in body and "公开办理结果</button>" not in body
    for other in ("supervisor", "admin"):
        response = page(app, other).get(f"/cases/{case['id']}")
        assert response.status_code == 200
        assert ("收费登记" in text(response)) is (other == "admin")
    assert "收费登记" not in text(page(app, "outsider").get(f"/cases/{case['id']}"))


def test_a_free_matter_shows_no_fee_form(app, engine):
    """A free matter: the card says so, and offers no 登记收费 form (a priced matter does)."""
    engine.catalogue.publish({**FIVE_STEP_ENTRY, "free": True}, "admin")
    case = start(engine)
    body = text(page(app, "clerk").get(f"/cases/{case['id']}"))
    assert "免费办理" in body and "本事项为免费事项" in body
    assert 'name="amount"' not in body and "登记收费</summary>" not in body


def test_a_priced_matter_offers_the_fee_form(app, priced):
    body = text(page(app, "clerk").get(f"/cases/{start(priced)['id']}"))
    assert 'name="amount"' in body and "登记收费</summary>" in body


def test_recording_a_fee_through_the_page(app, priced):
    case = start(priced)
    clerk = page(app, "clerk")
    response = clerk.post(f"/cases/{case['id']}/do/record_fee", {"item": "工本费", "amount": "10.00"}, htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == f"/cases/{case['id']}"
    body = text(clerk.get(f"/cases/{case['id']}"))
    assert "收费已登记" in body and '<td>工本费</td><td class="nowrap">10.00</td><td>窗口甲</td>' in body
    assert fees_of(priced, case["id"]) == ["工本费"] and red_signals(priced, case["id"]) == []
    assert "违规收费" not in body
    without_token = clerk.client.post(
        f"/cases/{case['id']}/do/record_fee", data={"item": "工本费", "amount": "10"}, headers={"HX-Request": "true"}
    )
    assert without_token.status_code == 400
    assert (
        page(app, "outsider")
        .post(f"/cases/{case['id']}/do/record_fee", {"item": "工本费", "amount": "10"}, htmx=True)
        .status_code
        == 403
    )
    assert fees_of(priced, case["id"]) == ["工本费"]


def test_a_wrong_fee_shows_its_red_signal_on_the_page(app, priced):
    case = start(priced)
    clerk = page(app, "clerk")
    clerk.post(f"/cases/{case['id']}/do/record_fee", {"item": "工本费", "amount": "25"}, htmx=True)
    clerk.post(
        f"/cases/{case['id']}/do/record_fee", {"item": "工本费", "item_other": "咨询费", "amount": "5"}, htmx=True
    )
    body = text(clerk.get(f"/cases/{case['id']}"))
    assert sorted(fees_of(priced, case["id"])) == ["咨询费", "工本费"]
    assert len(red_signals(priced, case["id"])) == 2
    assert 'id="case-signals"' in body and "红牌" in body and "违规收费" in body
    assert "与收费标准“10元/件”不符" in body and "收费项目“咨询费”不在事项收费清单内" in body
    assert "已产生红牌纠错信号" in body


@pytest.mark.parametrize("amount", ["abc", "-5", "0", "", "1.234"])
def test_a_bad_amount_is_refused_readably_and_records_nothing(app, priced, amount):
    case = start(priced)
    response = page(app, "clerk").post(
        f"/cases/{case['id']}/do/record_fee", {"item": "工本费", "amount": amount}, htmx=True
    )
    assert response.status_code == 400 and response.headers["HX-Retarget"] == "#messages"
    assert "请填写收费金额" in text(response)
    assert fees_of(priced, case["id"]) == [] and red_signals(priced, case["id"]) == []


def test_a_missing_item_is_refused_readably(app, priced):
    case = start(priced)
    response = page(app, "clerk").post(f"/cases/{case['id']}/do/record_fee", {"item": "", "amount": "10"}, htmx=True)
    assert response.status_code == 400 and "请选择收费项目" in text(response)
    assert fees_of(priced, case["id"]) == []


def test_publishing_the_result_once(app, priced):
    running = start(priced)
    clerk = page(app, "clerk")
    refused = clerk.post(f"/cases/{running['id']}/do/publish_result", htmx=True)
    assert refused.status_code == 409 and "尚未办结" in text(refused)
    case_id = ended(priced)
    body = text(clerk.get(f"/cases/{case_id}"))
    assert "公开办理结果</button>" in body
    assert page(app, "outsider").post(f"/cases/{case_id}/do/publish_result", htmx=True).status_code == 403
    response = clerk.post(f"/cases/{case_id}/do/publish_result", htmx=True)
    assert response.headers["HX-Redirect"] == f"/cases/{case_id}"
    body = text(clerk.get(f"/cases/{case_id}"))
    assert "办理结果已公开" in body and "办理结果已于" in body and "公开办理结果</button>" not in body
    again = clerk.post(f"/cases/{case_id}/do/publish_result", htmx=True)
    assert again.status_code == 409 and "已经公开，不能重复公开" in text(again)
    events = [r["event"] for r in priced.history.case_trail(case_id, ENGINE)]
    assert events.count("result_published") == 1
