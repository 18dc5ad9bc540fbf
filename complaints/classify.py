"""Classification suggestions from text (pure apart from jieba's bundled dictionary).

The text is segmented with jieba; the terms a call classifies with are the tokenizer's user
words, so multi-character terms stay whole. The process's one tokenizer follows the terms of
each call (the dictionary as the caller just read it): a term removed, deactivated or renamed
in any process stops being kept whole at the next call, without a restart. A term matches a
token equal to it, or a token containing it when the term has two or more characters (食物中毒
contains 中毒).
Scores are the sum of the matched terms' weights (each term counted once); the domain with
the highest score is suggested, `other` when nothing matched. Urgency: any emergency term →
emergency; else any urgent term → urgent; else normal. Utility terms (停水, 停电, 燃气 …) mark
a matter of water, power, gas or heating, which a rule set may give a 12345 hour limit; they
leave the urgency alone. The matched terms are returned as evidence, so staff can see why
and confirm or correct.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import jieba

from complaints.vocab import Domain, Urgency

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_added: frozenset[str] = frozenset()
_own_freq: dict[str, int] = {}  # each added word's frequency in jieba's dictionary (0: none)
USER_FREQ = 200_000

SEVERITY_ORDER = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Term:
    term: str
    kind: str  # TermKind value: domain, urgent, emergency, report_hint, utility
    domain: Domain | None = None
    weight: int = 1
    incident_category: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class DomainScore:
    domain: Domain
    score: int
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    domain: Domain
    domains: tuple[DomainScore, ...]
    urgency: Urgency
    emergency_terms: tuple[str, ...] = ()
    urgent_terms: tuple[str, ...] = ()
    report_terms: tuple[str, ...] = ()
    utility_terms: tuple[str, ...] = ()
    incident_category: str | None = None
    severity: str | None = None
    tokens: tuple[str, ...] = field(default=(), repr=False)

    @property
    def is_emergency(self) -> bool:
        return self.urgency is Urgency.emergency

    @property
    def utility(self) -> bool:
        return bool(self.utility_terms)

    def as_dict(self) -> dict[str, object]:
        return {
            "domain": self.domain.value,
            "domains": [
                {"domain": d.domain.value, "score": d.score, "evidence": list(d.evidence)}
                for d in self.domains
            ],
            "urgency": self.urgency.value,
            "emergency_terms": list(self.emergency_terms),
            "urgent_terms": list(self.urgent_terms),
            "report_terms": list(self.report_terms),
            "utility_terms": list(self.utility_terms),
            "incident_category": self.incident_category,
            "severity": self.severity,
        }


def _get_tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        _tokenizer = tokenizer
    return _tokenizer


def _follow(tokenizer: jieba.Tokenizer, words: frozenset[str]) -> None:
    """Make `words` the tokenizer's user words, as if it had been built with just them."""
    global _added
    for word in _added - words:
        # not jieba's del_word: it sets the frequency to 0, which splits a word of jieba's own
        # dictionary too, and marks the word force-split in every tokenizer of the process
        tokenizer.FREQ[word] = _own_freq.pop(word)
        tokenizer.total -= USER_FREQ
    for word in words - _added:
        _own_freq[word] = tokenizer.FREQ.get(word, 0)
        tokenizer.add_word(word, freq=USER_FREQ)
    _added = words


def segment(text: str, words: Iterable[str] = ()) -> list[str]:
    """jieba tokens of `text`, with `words` (and no other user words) kept whole."""
    wanted = frozenset(words)
    with _lock:
        tokenizer = _get_tokenizer()
        if wanted != _added:
            _follow(tokenizer, wanted)
        return [t for t in tokenizer.lcut(text, HMM=True) if t.strip()]


def findable(term: str) -> bool:
    """Whether the classifier can find `term` in a text: jieba cuts texts at spaces and
    punctuation (anything outside its word characters), so a term holding one never matches."""
    return jieba.re_han_default.fullmatch(term) is not None


def _matches(term: str, tokens: set[str]) -> bool:
    if term in tokens:
        return True
    return len(term) >= 2 and any(term in token for token in tokens)


def _rank(severity: str | None) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _most_severe(values: Iterable[str | None]) -> str | None:
    ranked = [v for v in values if v in SEVERITY_ORDER]
    return min(ranked, key=SEVERITY_ORDER.index) if ranked else None


def classify(text: str, terms: Iterable[Term]) -> Classification:
    term_list = [t for t in terms if t.term.strip()]
    tokens = segment(text, (t.term for t in term_list))
    token_set = set(tokens)
    matched = [t for t in term_list if _matches(t.term, token_set)]

    scores: dict[Domain, int] = {}
    evidence: dict[Domain, list[str]] = {}
    for term in matched:
        if term.kind == "domain" and term.domain is not None:
            scores[term.domain] = scores.get(term.domain, 0) + term.weight
            evidence.setdefault(term.domain, []).append(term.term)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], list(Domain).index(kv[0])))
    domains = tuple(
        DomainScore(domain, score, tuple(sorted(set(evidence[domain])))) for domain, score in ranked
    )
    emergency = [t for t in matched if t.kind == "emergency"]
    urgent = [t for t in matched if t.kind == "urgent"]
    report = [t for t in matched if t.kind == "report_hint"]
    utility = [t for t in matched if t.kind == "utility"]
    urgency = Urgency.emergency if emergency else Urgency.urgent if urgent else Urgency.normal
    by_severity = sorted(
        (t for t in emergency if t.incident_category),
        key=lambda t: (_rank(t.severity), -t.weight),
    )
    category = by_severity[0].incident_category if by_severity else None
    return Classification(
        domain=domains[0].domain if domains else Domain.other,
        domains=domains,
        urgency=urgency,
        emergency_terms=tuple(sorted({t.term for t in emergency})),
        urgent_terms=tuple(sorted({t.term for t in urgent})),
        report_terms=tuple(sorted({t.term for t in report})),
        utility_terms=tuple(sorted({t.term for t in utility})),
        incident_category=category,
        severity=_most_severe(t.severity for t in emergency),
        tokens=tuple(tokens),
    )


# A starting dictionary (seeded by the migration-free demo and by `default_terms()` when the
# table is empty); administrators edit it through the API.
_DOMAIN_TERMS: dict[Domain, tuple[str, ...]] = {
    Domain.food: (
        "食品",
        "食物",
        "过期",
        "变质",
        "餐馆",
        "饭店",
        "外卖",
        "奶粉",
        "发霉",
        "异物",
        "餐饮",
        "蛋糕",
        "肉",
        "保质期",
    ),
    Domain.drugs: ("药品", "药店", "处方药", "假药", "劣药", "药房"),
    Domain.medical_devices: ("医疗器械", "血压计", "口罩", "助听器", "血糖仪"),
    Domain.cosmetics: ("化妆品", "面膜", "口红", "护肤品", "染发剂"),
    Domain.special_equipment: (
        "电梯",
        "锅炉",
        "压力容器",
        "起重机",
        "游乐设施",
        "扶梯",
        "气瓶",
        "特种设备",
    ),
    Domain.product_quality: ("质量问题", "产品质量", "三包", "质量", "假冒伪劣", "掉色"),
    Domain.metrology: ("缺斤短两", "计量", "电子秤", "加油机"),
    Domain.price: ("价格", "乱收费", "标价", "涨价", "收费", "价格欺诈", "多收"),
    Domain.advertising: ("广告", "虚假宣传", "代言"),
    Domain.ip: ("商标", "专利", "侵权", "山寨", "地理标志"),
    Domain.competition: ("垄断", "不正当竞争", "商业贿赂", "二选一"),
    Domain.online_trade: ("网购", "网店", "直播带货", "电商", "平台", "快递"),
    Domain.registration: ("无照经营", "营业执照", "注册登记"),
    Domain.consumer_protection: (
        "退款",
        "退货",
        "预付卡",
        "办卡",
        "会员卡",
        "售后",
        "霸王条款",
        "押金",
        "维修",
    ),
    Domain.private_economy: ("民营企业", "营商环境", "涉企"),
}
_EMERGENCY_TERMS: tuple[tuple[str, str, str], ...] = (
    ("中毒", "food_safety", "III"),
    ("食物中毒", "food_safety", "III"),
    ("呕吐", "food_safety", "IV"),
    ("腹泻", "food_safety", "IV"),
    ("送医", "other", "IV"),
    ("昏迷", "other", "III"),
    ("死亡", "other", "II"),
    ("身亡", "other", "II"),
    ("受伤", "other", "IV"),
    ("被困", "special_equipment", "IV"),
    ("困人", "special_equipment", "IV"),
    ("坠落", "special_equipment", "III"),
    ("爆炸", "special_equipment", "III"),
    ("泄漏", "special_equipment", "III"),
    ("起火", "other", "III"),
    ("群体", "mass_event", "IV"),
    ("聚集", "mass_event", "IV"),
    ("围堵", "mass_event", "IV"),
    ("不良反应", "drug_safety", "IV"),
)
_URGENT_TERMS = (
    "紧急",
    "马上",
    "尽快",
    "老人",
    "儿童",
    "孕妇",
    "婴儿",
    "安全隐患",
    "曝光",
    "媒体",
    "跑路",
    "卷款",
)
_REPORT_TERMS = (
    "假冒",
    "无照经营",
    "虚假宣传",
    "过期",
    "三无",
    "非法",
    "造假",
    "地沟油",
    "以次充好",
    "违法",
    "偷税",
)

# water, power, gas, heating (水电气热): Beijing's 24-hour 12345 class [U]
_UTILITY_TERMS = (
    "停水",
    "断水",
    "自来水",
    "水压",
    "停电",
    "断电",
    "供电",
    "停气",
    "断气",
    "燃气",
    "天然气",
    "煤气",
    "供暖",
    "暖气",
    "供热",
)

# Where something was sold says less about the matter than what was sold.
_CHANNEL_DOMAINS = frozenset({Domain.online_trade})


def default_terms() -> list[Term]:
    terms = [
        Term(term, "domain", domain, 2 if len(term) >= 3 and domain not in _CHANNEL_DOMAINS else 1)
        for domain, words in _DOMAIN_TERMS.items()
        for term in words
    ]
    terms += [Term(t, "emergency", None, 1, c, s) for t, c, s in _EMERGENCY_TERMS]
    terms += [Term(t, "urgent") for t in _URGENT_TERMS]
    terms += [Term(t, "report_hint") for t in _REPORT_TERMS]
    terms += [Term(t, "utility") for t in _UTILITY_TERMS]
    return terms
