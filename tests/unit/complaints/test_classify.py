"""Classification of Chinese text with jieba and the term dictionary."""

from __future__ import annotations

import jieba
import pytest

from complaints.classify import Term, classify, default_terms, segment
from complaints.vocab import Domain, Urgency

TERMS = default_terms()


@pytest.mark.parametrize(
    ("text", "domain", "urgency"),
    [
        ("在超市买的奶粉已经过期变质，要求退款", Domain.food, Urgency.normal),
        ("小区电梯困人，两位老人被困一个多小时", Domain.special_equipment, Urgency.emergency),
        ("全家吃了外卖后呕吐腹泻，疑似食物中毒，已送医", Domain.food, Urgency.emergency),
        ("药店把处方药当保健品卖，怀疑是假药", Domain.drugs, Urgency.normal),
        ("商场标价与结算价格不一致，多收了钱", Domain.price, Urgency.normal),
        ("直播带货卖的面膜用后过敏", Domain.cosmetics, Urgency.normal),
        ("健身房办卡后跑路，几百名会员预付卡无法退款", Domain.consumer_protection, Urgency.urgent),
        ("你好，我想咨询一下营业执照怎么办理", Domain.registration, Urgency.normal),
        ("今天天气很好", Domain.other, Urgency.normal),
    ],
)
def test_domain_and_urgency(text: str, domain: Domain, urgency: Urgency) -> None:
    result = classify(text, TERMS)
    assert (result.domain, result.urgency) == (domain, urgency), result.as_dict()


def test_emergency_evidence_category_and_severity() -> None:
    result = classify("锅炉房发生爆炸，有人受伤", TERMS)
    assert result.is_emergency
    assert set(result.emergency_terms) == {"爆炸", "受伤"}
    assert result.incident_category == "special_equipment" and result.severity == "III"


def test_segmentation_keeps_dictionary_terms_whole() -> None:
    assert "电梯困人" in segment("小区电梯困人两小时", ["电梯困人"])


def test_an_administrator_term_changes_the_outcome() -> None:
    text = "酒店拒绝退还押金"
    assert classify(text, TERMS).domain is Domain.consumer_protection
    custom = [*TERMS, Term("酒店", "domain", Domain.price, weight=5)]
    result = classify(text, custom)
    assert result.domain is Domain.price
    assert result.domains[0].evidence == ("酒店",)


def test_report_hints_are_surfaced() -> None:
    result = classify("这家店卖假冒名牌，还是无照经营", TERMS)
    assert set(result.report_terms) == {"假冒", "无照经营"}


MEAT = "菜市场买的肉不新鲜"


@pytest.mark.parametrize("word", ["买的肉", "新鲜"])  # a word of its own; one of jieba's
def test_a_word_no_longer_given_is_cut_as_a_fresh_tokenizer_cuts_it(word: str) -> None:
    """The tokenizer's user words follow each call's terms: a term removed from the dictionary
    stops being kept whole, and a word jieba knows keeps jieba's own frequency (its del_word
    would split it into characters)."""
    fresh = [t for t in jieba.Tokenizer().lcut(MEAT, HMM=True) if t.strip()]
    assert word in segment(MEAT, [word, "菜市场"])
    assert segment(MEAT, ["菜市场"]) == fresh
    assert segment(MEAT) == fresh
    assert word in segment(MEAT, [word])


def test_a_removed_term_no_longer_hides_a_shorter_one() -> None:
    meat = [Term("肉", "domain", Domain.food)]
    whole = classify(MEAT, [*meat, Term("买的肉", "urgent")])
    assert (whole.domain, whole.urgency) == (Domain.other, Urgency.urgent)
    assert "买的肉" in whole.tokens
    again = classify(MEAT, meat)
    assert (again.domain, again.urgency) == (Domain.food, Urgency.normal), again.tokens
