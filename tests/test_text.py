"""Pinyin stripping, script folding and number matching, on real strings from the articles."""

from decimal import Decimal

import pytest

from core.text import (
    contains_number,
    normalise,
    numbers_in,
    printed_number,
    search_key,
    squeeze,
    strip_pinyin,
    to_simplified,
    to_traditional,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # 004_e230c91d0180c05b.txt, as printed
        ("進展迅速、復(fù)發(fā)率高,患者預(yù)后長期不佳", "進展迅速、復發率高,患者預后長期不佳"),
        ("一線標(biāo)準(zhǔn)治療方案", "一線標準治療方案"),
        ("1年和2年P(guān)FS率分別為40.0%和23.3%", "1年和2年PFS率分別為40.0%和23.3%"),
        ("由四川大學(xué)華西醫(yī)院盧鈾教授牽頭", "由四川大學華西醫院盧鈾教授牽頭"),
        # an annotation nested inside a legitimate parenthesis
        (
            "(如是否涵蓋選擇性轉(zhuǎn)移灶以實現(xiàn)更廣泛的抗原釋放)",
            "(如是否涵蓋選擇性轉移灶以實現更廣泛的抗原釋放)",
        ),
    ],
)
def test_strip_pinyin_removes_annotations(raw, clean):
    assert strip_pinyin(raw) == clean


@pytest.mark.parametrize(
    "kept",
    [
        "廣泛期小細胞肺癌(ES-SCLC)進展迅速",
        "中位PFS為8.3個月(80% CI 4.8–12.3)",
        "度伐利尤單抗(D)+EP方案",
        "LDRT(15 Gy/5次)",
        "絕大多數為男性(29/30)",
        "Cancer Commun (Lond). 2021;41(11):1086-1099.",
        "樹突狀細胞(尤其是cDC1亞群)",
        "(including the pictures and videos if any)",
        "参与者(n=51)被随机分配",
    ],
)
def test_strip_pinyin_keeps_legitimate_parentheses(kept):
    assert strip_pinyin(kept) == kept


def test_strip_pinyin_handles_the_whole_article(sources_dir):
    text = (sources_dir / "004_e230c91d0180c05b.txt").read_text(encoding="utf-8")
    stripped = strip_pinyin(text)
    removed = len(text) - len(stripped)
    assert "(fù)" not in stripped and "P(guān)FS" not in stripped and "1年和2年PFS率" in stripped
    # about 180 annotations of 3 to 8 characters each
    assert 150 * 3 < removed < 260 * 8
    assert "(ES-SCLC)" in stripped and "(80% CI 4.8–12.3)" in stripped


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("軟組織肉瘤", "软组织肉瘤"),  # 000
        ("安羅替尼聯合表柔比星", "安罗替尼联合表柔比星"),  # 000
        ("廣泛期小細胞肺癌", "广泛期小细胞肺癌"),  # 004
        ("中位隨訪7.16個月", "中位随访7.16个月"),  # 000
    ],
)
def test_script_folding_both_ways(traditional, simplified):
    assert to_simplified(traditional) == simplified
    assert to_simplified(to_traditional(simplified)) == simplified
    assert search_key(traditional) == search_key(simplified)


def test_traditional_uses_taiwan_phrasing():
    assert to_traditional("软组织肉瘤") == "軟組織肉瘤"
    assert to_traditional("数据") == "資料"  # s2twp: phrase conversion, not just characters


def test_normalise_folds_width_dashes_and_space():
    assert normalise("80%CI,  26.8–34.2") == "80%CI, 26.8-34.2"
    assert squeeze("80% CI 4.8–12.3") == squeeze("80%CI 4.8-12.3")
    assert normalise("（ＰＦＳ）") == "(PFS)"


@pytest.mark.parametrize(
    ("text", "number", "found"),
    [
        ("HR 0.30; 95% CI, 0.21-0.44", 0.3, True),
        ("HR 0.30; 95% CI, 0.21-0.44", 0.44, True),
        ("清除率 100%", 100, True),
        ("median 21.05 months", 1.05, False),
        ("median 21.05 months", 21.05, True),
        ("hazard ratio, 1.05 [95% CI, 0.84-1.30], P = .69", 0.69, True),
        ("hazard ratio, 1.05 [95% CI, 0.84-1.30], P = .69", 1.3, True),
        ("(HR, 0.06 [95% CI, 0.03 to 0.12])", 0.6, False),
        ("L1196M、G1202R", 1196, True),
        ("L1196M、G1202R", 119, False),
        ("中位PFS為8.3個月(80% CI 4.8–12.3)", 12.3, True),
        ("中位PFS為8.3個月(80% CI 4.8–12.3)", 2.3, False),
        ("1年和2年P(guān)FS率分別為40.0%和23.3%", 40, True),
        ("8.57 months (95% CI, 7.79-10.12)", 10.1, False),
        ("HR 0.60 (95% CI -0.2-0.80)", -0.2, True),
        ("change −8.3 months", -8.3, True),  # a typographic minus, folded by normalise()
        ("8.3 months", -8.3, False),
    ],
)
def test_contains_number(text, number, found):
    assert contains_number(text, number) is found


def test_numbers_in_reads_decimals_without_float_noise():
    assert numbers_in("ORR 17.8% vs 2.9%") == [Decimal("17.8"), Decimal("2.9")]


def test_printed_number_keeps_the_printed_precision():
    assert printed_number("1年和2年P(guān)FS率分別為40.0%和23.3%", 40.0) == "40.0"
    assert printed_number("HR, 0.30; 95% CI", 0.3) == "0.30"
    assert printed_number("no such number", 2.5) == "2.5"
