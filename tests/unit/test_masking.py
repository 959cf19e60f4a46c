"""Masked names: people keep their surname, organisations their ends; a full name never appears in the mask."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.casefiles.masking import MASK, mask_name


def test_people_keep_their_surname_and_organisations_their_ends():
    assert mask_name("张三") == "张*"
    assert mask_name("张三丰") == "张**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("欧阳") == "欧*"
    assert mask_name("郑州某某科技有限公司") == "郑州****公司"
    assert mask_name("  李  ") == "*"
    assert mask_name("") == "" and mask_name(None) == ""


names = st.text(
    alphabet=st.characters(blacklist_characters=MASK, blacklist_categories=("Cs",)), min_size=2, max_size=40
)
chinese = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=2, max_size=20)
organisations = st.builds(
    lambda head, tail: head + tail, chinese, st.sampled_from(["有限公司", "合作社", "超市", "店"])
)


@given(st.one_of(names, chinese, organisations))
def test_the_full_name_never_appears_in_the_mask(name):
    masked = mask_name(name)
    assert name.strip() not in masked or len(name.strip()) < 2
    assert MASK in masked or not name.strip()
