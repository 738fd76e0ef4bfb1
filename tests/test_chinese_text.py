"""Chinese text: the records' translations keep their numbers, the Simplified catalog uses
full-width punctuation, and the generated Traditional catalog uses Taiwan's terms."""

from __future__ import annotations

import re

import pytest

from core.presentation import i18n
from core.presentation.i18n import catalog, data_text_marked, english_only, t

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    return sorted(set(NUMBER.findall(text)))


def translated_pairs(evidence):
    """Every text a record carries in English and in the Chinese added for the reader."""
    for trial in evidence.trials:
        yield f"{trial.id}: control", trial.control, trial.control_zh
    for analysis in evidence.analyses:
        yield f"{analysis.trial}:{analysis.id}: note", analysis.note, analysis.note_zh
    for value in evidence.values:
        yield f"{value.trial}:{value.id}: note", value.note, value.note_zh


def test_a_translation_keeps_every_number_of_the_english_text(evidence):
    pairs = [(where, en, zh) for where, en, zh in translated_pairs(evidence) if zh]
    assert len(pairs) >= 40  # controls, analysis notes and the LEAD notes are translated
    wrong = [
        f"{where}: {numbers(en)} ≠ {numbers(zh)}" for where, en, zh in pairs if numbers(en) != numbers(zh)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_number_check_catches_a_changed_number():
    assert numbers("24 of the 30 enrolled would give 80%.") != numbers("按入组30例中的24例计为85%。")


def test_a_translation_is_chinese(evidence):
    for where, _, zh in translated_pairs(evidence):
        if zh:
            assert re.search(r"[\u4e00-\u9fff]", zh), where


def test_english_only_text_is_marked_for_chinese_readers():
    assert english_only("No CI printed.", "", "zh-Hans")
    assert not english_only("No CI printed.", "未给出置信区间。", "zh-Hans")
    assert not english_only("No CI printed.", "", "en")
    assert data_text_marked("No CI printed.", "", "zh-Hans") == "〔仅英文〕 No CI printed."
    assert data_text_marked("No CI printed.", "", "zh-Hant") == "〔僅英文〕 No CI printed."
    assert data_text_marked("No CI printed.", "未给出置信区间。", "zh-Hant") == "未給出信賴區間。"
    assert data_text_marked("No CI printed.", "未给出置信区间。", "en") == "No CI printed."
    assert data_text_marked("", "", "zh-Hans") == ""


# --- the catalogs ----------------------------------------------------------------------------------

_NEUTRAL = re.compile(r"\{[^{}]*\}|`[^`]*`|https?://\S+")


def _neighbour(text: str, i: int, step: int) -> str:
    """The character next to ``text[i]`` in direction ``step``, past spaces and ``**``."""
    j = i + step
    while 0 <= j < len(text) and text[j] in " *":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def half_width_in_chinese(text: str) -> list[str]:
    """ASCII , : ; ( where the text around them is Chinese (placeholders, code and URLs aside;
    a formula's ``(ln U − ln L)`` or ``95% CI`` stays as it is)."""
    text = _NEUTRAL.sub("X", text)
    found = []
    for match in re.finditer(r"[,:;(]", text):
        i = match.start()
        left, right = _neighbour(text, i, -1), _neighbour(text, i, 1)
        sides = (left,) if match.group() == "(" else (left, right)
        if any(side and CJK.match(side) for side in sides):
            found.append(text[max(0, i - 8) : i + 8])
    return found


def test_the_simplified_catalog_uses_full_width_punctuation():
    wrong = {key: half_width_in_chinese(value) for key, value in catalog("zh-Hans").items()}
    assert not {key: spans for key, spans in wrong.items() if spans}


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("试验:{trials}", True),
        ("该状态保存在链接中(present=1)。", True),
        ("未给出置信区间,已忽略", True),
        ("HR {value}（95% CI {low}–{high}）", False),
        ("SE = (ln U − ln L) / (2·z)，以紫色", False),
        ("文件为 {size:,} 字节", False),
    ],
)
def test_the_punctuation_check_finds_half_width_marks(text, bad):
    assert bool(half_width_in_chinese(text)) is bad


TAIWAN = {
    # mainland term as OpenCC leaves it → what a Taiwanese reader expects
    "會話": "工作階段",
    "模板": "範本",
    "數據": "資料",
    "單元格": "儲存格",
}


def test_traditional_catalog_uses_taiwan_terms():
    hant = catalog("zh-Hant")
    for mainland, taiwan in TAIWAN.items():
        assert not [k for k, v in hant.items() if mainland in v], mainland
        assert any(taiwan in v for v in hant.values()), taiwan


def test_traditional_rows_are_lie_and_columns_are_lan():
    """In Taiwan 列 is a row and 欄 a column: "20,000 行" would read as 20,000 columns."""
    intro = t("import.intro", "zh-Hant", max_mb=5, max_rows="20,000")
    assert "20,000 列" in intro and "20,000 行" not in intro
    assert "CSV（每列一個資料）" in intro
    assert t("problem.too_many_rows", "zh-Hant", max=20000) == "超過 20,000 列；其餘部分未讀取"
    assert t("problem.missing_columns", "zh-Hant") == "缺少必需的欄位"
    assert "至少包含以下欄位" in t("import.format_text", "zh-Hant", columns="trial")
    # a line of a text file stays 行; a row of a table never is
    assert t("problem.where_line", "zh-Hant", line=3) == "第 3 行"
    rows = re.compile(r"每一?行|該行|各行|行名|的行|資料行|\} 行|\d 行")
    allowed = {"problem.where_line"}
    assert not [k for k, v in catalog("zh-Hant").items() if k not in allowed and rows.search(v)]


def test_traditional_uses_taiwan_quotes_and_terms_in_record_text_too():
    assert i18n.to_hant("“期中”分析的数据") == "「期中」分析的資料"
    assert i18n.data_text("", "本次会话导入的模板", "zh-Hant") == "本次工作階段匯入的範本"
    assert i18n.data_text("", "局部晚期；局部治疗；观察性队列", "zh-Hant") == "局部晚期；局部治療；觀察性隊列"


def test_drugs_and_drug_classes_have_chinese_names_from_the_records(con):
    from core import queries

    names = queries.list_facet_labels_zh(con)
    assert names["drug"]["alectinib"] == "阿来替尼"
    assert names["class"]["ALK tyrosine kinase inhibitor"] == "ALK酪氨酸激酶抑制剂"
    facet_values = set(queries.facet_counts(con, queries.TrialFilter(), "class")["value"])
    assert facet_values and facet_values <= set(names["class"])  # every class shown has a name


def test_a_headline_names_its_measure_with_a_full_width_colon_in_chinese():
    from core.presentation.formatting import headline_text

    row = {"endpoint": "PFS", "measure": "median", "unit": "months", "value": 9.1, "qualifier": "="}
    assert headline_text([row], "en") == "Median PFS: 9.1 months"
    assert headline_text([row], "zh-Hans") == "中位PFS：9.1个月"
    follow_up = {**row, "endpoint": "FOLLOW-UP", "term": "PFS follow-up", "term_zh": "PFS随访"}
    assert headline_text([follow_up], "zh-Hant").startswith("中位追蹤時間 — PFS追蹤：")
