"""Rating by text message: the invitation when a case ends, and the reply recorded under the online rules."""

from __future__ import annotations

import logging

import pytest

from engine.errors import InvalidInput, InvalidState, NotFound
from engine.identity.actors import ENGINE
from engine.notices import sms
from engine.public.sms_rating import invitation

from ..helpers import PHONE, citizen
from ..helpers import sms_case as run_case


def test_an_ended_case_invites_its_applicant_by_sms_after_commit(five_step_engine):
    gateway = five_step_engine.sms_rating.gateway
    running = run_case(five_step_engine, end=False)
    assert gateway.sent == []
    case = run_case(five_step_engine, phone="+86 138-0000-0000")
    assert gateway.sent == [(PHONE, invitation(case["number"]))]
    assert f"评价 {case['number']} <1-5>" in gateway.sent[0][1]
    run_case(five_step_engine, phone=None)  # no phone: no message
    assert len(gateway.sent) == 1 and running["number"] not in gateway.sent[0][1]


def test_a_reply_records_the_rating_once(five_step_engine):
    gateway = five_step_engine.sms_rating.gateway
    case = run_case(five_step_engine)
    result = five_step_engine.sms_rating.rate_by_sms("+8613800000000", f"评价 {case['number']} ５ 办得很快")
    assert result["rating"]["overall"] == 5 and result["rating"]["comment"] == "办得很快"
    assert gateway.sent[-1] == (PHONE, result["reply"])
    assert five_step_engine.feedback.rating_of(case["id"], citizen(five_step_engine))["scores"] == {"overall": 5}
    with pytest.raises(InvalidState):
        five_step_engine.sms_rating.rate_by_sms(PHONE, f"评价 {case['number']} 1")
    with pytest.raises(InvalidState):  # the same rule online: one rating per case
        five_step_engine.feedback.rate(case["id"], citizen(five_step_engine), {"overall": 2})
    rows = [r for r in five_step_engine.history.case_trail(case["id"], ENGINE) if r["event"] == "service_rated"]
    assert len(rows) == 1 and rows[0]["detail"]["channel"] == "sms" and rows[0]["actor"] == "citizen"
    assert five_step_engine.history.verify().ok


def test_replies_must_match_case_and_phone_and_the_case_must_have_ended(five_step_engine):
    case = run_case(five_step_engine)
    running = run_case(five_step_engine, end=False)
    with pytest.raises(NotFound):
        five_step_engine.sms_rating.rate_by_sms("13900000000", f"评价 {case['number']} 4")
    with pytest.raises(NotFound):
        five_step_engine.sms_rating.rate_by_sms(PHONE, "评价 2026112399999 4")
    with pytest.raises(InvalidState):
        five_step_engine.sms_rating.rate_by_sms(PHONE, f"评价 {running['number']} 4")
    for text in (
        "好评",
        f"评价 {case['number']} 6",
        f"评价 {case['number']}",
        f"{case['number']} 5",
        None,
        "评价 " * 500,
    ):
        with pytest.raises(InvalidInput):
            five_step_engine.sms_rating.rate_by_sms(PHONE, text)
    with pytest.raises(InvalidInput):
        five_step_engine.sms_rating.rate_by_sms("", f"评价 {case['number']} 4")
    assert five_step_engine.feedback.rating_of(case["id"], citizen(five_step_engine)) is None


def test_a_failing_gateway_does_not_undo_the_case(five_step_engine, caplog):
    class Broken:
        sent = []

        def send(self, phone, text):
            raise OSError("provider down")

    five_step_engine.sms_rating.gateway = Broken()
    with caplog.at_level(logging.ERROR):
        case = run_case(five_step_engine)
    assert five_step_engine.cases.get_case(case["id"], ENGINE)["status"] == "ended"
    assert "could not be sent" in caplog.text and PHONE not in caplog.text


def test_the_logging_gateway_logs_masked_and_keeps_messages(caplog):
    gateway = sms.make_gateway("logging")
    with caplog.at_level(logging.INFO, logger="shenpi.sms"):
        gateway.send(PHONE, "你好")
    assert gateway.sent == [(PHONE, "你好")] and "138****0000" in caplog.text and PHONE not in caplog.text
    for n in range(gateway.KEEP + 5):
        gateway.send(PHONE, str(n))
    assert len(gateway.sent) == gateway.KEEP and gateway.sent[-1] == (PHONE, str(gateway.KEEP + 4))
    with pytest.raises(InvalidInput):
        sms.make_gateway("carrier-pigeon")
    assert sms.normalise_phone("+86 138-0000-0000") == PHONE and sms.mask_phone("12") == "****"
