"""A deterministic synthetic corpus in the record format of ``data/``.

:func:`write_corpus` writes ``sources.toml`` and ``trials/<id>.toml`` for N trials. Every
trial is drawn from its own random stream (seeded by the corpus seed and the trial's index),
so trial ``k`` is the same file in a corpus of 1,000 and of 100,000, and the files can be
written by several processes at once.

The mix imitates the curated data: the vocabularies of :mod:`core.schema`, 1–3 arms,
several data cuts with cut-off dates, medians (some not reached), landmark rates with time
points, hazard ratios with 95 %, 80 %, 90 % or unstated CI levels, response proportions with
their counts, patient counts with their term, follow-up, adverse events, subgroups, review
claims and flagged discrepancies; English, Simplified and Traditional text. Every value
satisfies the validator of :mod:`core.records` (snippets are not checked against source
texts, which synthetic sources do not have).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import multiprocessing
import os
import random
from dataclasses import dataclass
from pathlib import Path

from core import schema

DEFAULT_SEED = 20251122

# --- vocabularies of the synthetic world ------------------------------------------------------

CANCER_WEIGHTS = {
    "nsclc-alk": 25,
    "sclc": 20,
    "hcc": 20,
    "breast": 20,
    "soft-tissue-sarcoma": 15,
}

# every drug of the synthetic world once, by class: class -> {English name: 简体中文}
DRUG_CLASSES: dict[str, dict[str, str]] = {
    "multi-kinase inhibitor": {
        "anlotinib": "安罗替尼",
        "pazopanib": "帕唑帕尼",
        "lenvatinib": "仑伐替尼",
        "sorafenib": "索拉非尼",
    },
    "chemotherapy": {
        "epirubicin": "表柔比星",
        "doxorubicin": "多柔比星",
        "ifosfamide": "异环磷酰胺",
        "trabectedin": "曲贝替定",
        "eribulin": "艾立布林",
        "pemetrexed": "培美曲塞",
        "carboplatin": "卡铂",
        "etoposide": "依托泊苷",
        "cisplatin": "顺铂",
        "lurbinectedin": "芦比替定",
        "capecitabine": "卡培他滨",
    },
    "PD-1 inhibitor": {
        "camrelizumab": "卡瑞利珠单抗",
        "serplulimab": "斯鲁利单抗",
        "toripalimab": "特瑞普利单抗",
        "sintilimab": "信迪利单抗",
    },
    "ALK inhibitor": {
        "alectinib": "阿来替尼",
        "lorlatinib": "洛拉替尼",
        "crizotinib": "克唑替尼",
        "brigatinib": "布格替尼",
        "ensartinib": "恩沙替尼",
        "iruplinalkib": "伊鲁阿克",
    },
    "VEGF inhibitor": {"bevacizumab": "贝伐珠单抗"},
    "radiotherapy": {"stereotactic radiotherapy": "立体定向放疗", "low-dose radiotherapy": "低剂量放疗"},
    "PD-L1 inhibitor": {"durvalumab": "度伐利尤单抗", "atezolizumab": "阿替利珠单抗"},
    "bispecific T-cell engager": {"tarlatamab": "塔拉妥单抗"},
    "VEGFR-2 inhibitor": {"rivoceranib": "阿帕替尼"},
    "locoregional therapy": {"TACE": "经动脉化疗栓塞"},
    "CTLA-4 inhibitor": {"tremelimumab": "替西木单抗"},
    "CDK4/6 inhibitor": {"palbociclib": "哌柏西利", "ribociclib": "瑞波西利", "abemaciclib": "阿贝西利"},
    "aromatase inhibitor": {"letrozole": "来曲唑"},
    "SERD": {"fulvestrant": "氟维司群"},
    "antibody-drug conjugate": {"trastuzumab deruxtecan": "德曲妥珠单抗"},
    "autophagy inhibitor": {"hydroxychloroquine": "羟氯喹"},
    "mTOR inhibitor": {"everolimus": "依维莫司"},
}
DRUG_NAMES: dict[str, tuple[str, str]] = {
    name: (zh, drug_class) for drug_class, drugs in DRUG_CLASSES.items() for name, zh in drugs.items()
}
"""English name -> (简体中文, class)."""
# the drugs trialled per cancer type, in the order the trial writer samples them
DRUGS_BY_CANCER: dict[str, tuple[str, ...]] = {
    "soft-tissue-sarcoma": (
        "anlotinib", "epirubicin", "doxorubicin", "ifosfamide", "trabectedin", "eribulin", "pazopanib",
        "camrelizumab",
    ),
    "nsclc-alk": (
        "alectinib", "lorlatinib", "crizotinib", "brigatinib", "ensartinib", "iruplinalkib", "pemetrexed",
        "carboplatin", "bevacizumab", "stereotactic radiotherapy",
    ),
    "sclc": (
        "durvalumab", "atezolizumab", "serplulimab", "toripalimab", "etoposide", "carboplatin",
        "cisplatin", "tarlatamab", "lurbinectedin", "low-dose radiotherapy",
    ),
    "hcc": (
        "atezolizumab", "bevacizumab", "lenvatinib", "sorafenib", "camrelizumab", "rivoceranib",
        "sintilimab", "TACE", "durvalumab", "tremelimumab",
    ),
    "breast": (
        "palbociclib", "ribociclib", "abemaciclib", "letrozole", "fulvestrant", "trastuzumab deruxtecan",
        "hydroxychloroquine", "everolimus", "capecitabine",
    ),
}  # fmt: skip
# drug (English, 简体中文, class) per cancer type
DRUGS: dict[str, list[tuple[str, str, str]]] = {
    cancer: [(name, *DRUG_NAMES[name]) for name in names] for cancer, names in DRUGS_BY_CANCER.items()
}

SETTING_WEIGHTS = {"advanced": 70, "locally-advanced": 20, "minimal-residual-disease": 10}
LINE_WEIGHTS = {
    "first-line": 45,
    "previously-treated": 25,
    "maintenance": 10,
    "conversion": 8,
    "mixed": 7,
    "secondary-prevention": 5,
}
DESIGN_WEIGHTS = {
    "randomized": 45,
    "single-arm": 30,
    "retrospective": 10,
    "observational": 8,
    "evidence-summary": 4,
    "not-stated": 3,
}
SURVIVAL_BY_CANCER = {
    "soft-tissue-sarcoma": ("PFS", "OS"),
    "nsclc-alk": ("PFS", "OS", "IC-PFS", "TTF"),
    "sclc": ("PFS", "OS"),
    "hcc": ("PFS", "OS", "RFS", "TTF"),
    "breast": ("PFS", "OS", "RFS"),
}
# typical median months of the control arm, per endpoint
MEDIAN_MONTHS = {"PFS": 7.0, "OS": 16.0, "TTF": 9.0, "RFS": 20.0, "IC-PFS": 14.0}
SUBGROUPS = [
    ("Asian patients", "亚洲患者"),
    ("Baseline brain metastases", "基线脑转移"),
    ("Age ≥65 years", "年龄≥65岁"),
    ("ECOG PS 1", "ECOG评分1分"),
    ("Liver metastases", "肝转移"),
]
ADVERSE_EVENTS = [
    ("neutropenia", "中性粒细胞减少"),
    ("hypertension", "高血压"),
    ("fatigue", "乏力"),
    ("diarrhoea", "腹泻"),
    ("anaemia", "贫血"),
    ("pneumonitis", "肺炎"),
]
CONFERENCES = ["ASCO", "ESMO", "WCLC", "SABCS", "ESMO Asia", "CSCO", "ELCC", "ASCO GI"]
SYLLABLES = [
    "AL", "TA", "RO", "NE", "VI", "STAR", "LU", "MI", "KA", "DE", "ZEN", "ORI",
    "PAX", "TER", "SOL", "NOVA", "CAP", "LIB", "ARC", "FOR", "MON", "QUI", "HEX", "JADE",
]  # fmt: skip
NAME_ZH_SYLLABLES = ["星辰", "曙光", "远航", "启明", "长城", "磐石", "蓝海", "青松", "凌云", "破晓"]

# --- sources ------------------------------------------------------------------------------------

SOURCE_PLAN = (
    # (id prefix, kind, language, script, how many)
    ("syn-jnl", "journal-abstract", "en", "Latn", 24),
    ("syn-conf", "conference-abstract", "en", "Latn", 16),
    ("syn-news", "news", "zh", "Hans", 10),
    ("syn-intv", "interview", "zh", "Hant", 6),
    ("syn-rev", "review", "zh", "Hans", 6),
    ("syn-reg", "registry", "en", "Latn", 4),
)


@dataclass(frozen=True)
class SyntheticSource:
    id: str
    kind: str
    language: str
    script: str


def synthetic_sources() -> list[SyntheticSource]:
    """The fixed registry every synthetic trial cites from."""
    return [
        SyntheticSource(f"{prefix}-{number:02d}", kind, language, script)
        for prefix, kind, language, script, count in SOURCE_PLAN
        for number in range(1, count + 1)
    ]


def sources_toml(sources: list[SyntheticSource]) -> str:
    """``sources.toml`` for the synthetic registry."""
    parts = ["# Synthetic source registry (bench/corpus.py). No source texts exist.\n"]
    for source in sources:
        title = f"合成来源 {source.id}" if source.language == "zh" else f"Synthetic {source.kind} {source.id}"
        parts.append(
            _table(
                "sources",
                {
                    "id": source.id,
                    "file": f"{source.id}.txt",
                    "kind": source.kind,
                    "title": title,
                    "title_en": f"Synthetic {source.kind} {source.id}",
                    "outlet": "Synthetic outlet",
                    "date": "2025",
                    "language": source.language,
                    "script": source.script,
                },
            )
        )
    return "\n".join(parts)


# --- TOML writing ---------------------------------------------------------------------------------


def _toml_value(value) -> str:
    # JSON strings are TOML basic strings (same escapes), and much faster to produce.
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):  # pragma: no cover - the records hold no booleans
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {value!r} to TOML")


def _fields(fields: dict) -> str:
    return "".join(f"{key} = {_toml_value(value)}\n" for key, value in fields.items() if value is not None)


def _table(name: str, fields: dict) -> str:
    return f"[[{name}]]\n" + _fields(fields)


# --- one trial -------------------------------------------------------------------------------------


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _r1(x: float) -> float:
    return round(x, 1)


def _r2(x: float) -> float:
    return round(x, 2)


def _design_facts(rng: random.Random, design: str) -> tuple[str, str, int]:
    """Phase, blinding and the number of arms that fit a design."""
    if design == "randomized":
        phase = "3" if rng.random() < 0.7 else "2"
        blinding = "double-blind" if rng.random() < 0.4 else "open-label"
        return phase, blinding, 3 if rng.random() < 0.15 else 2
    if design == "single-arm":
        return ("2" if rng.random() < 0.9 else "not-stated"), "open-label", 1
    if design in ("retrospective", "observational"):
        return "observational", "not-applicable", 2 if rng.random() < 0.4 else 1
    return "not-stated", "not-stated", 1


class _TrialWriter:
    """Builds one trial's record text from its own random stream."""

    def __init__(self, index: int, seed: int, sources: list[SyntheticSource]):
        self.index = index
        self.rng = random.Random(f"{seed}:{index}")
        self.id = f"syn-{index:06d}"
        by_kind: dict[str, list[SyntheticSource]] = {}
        for source in sources:
            by_kind.setdefault(source.kind, []).append(source)
        rng = self.rng
        self.report = rng.choice(by_kind["journal-abstract"] + by_kind["conference-abstract"])
        self.media = rng.choice(by_kind["news"] + by_kind["interview"])
        self.review = rng.choice(by_kind["review"])
        self.values: list[dict] = []
        self.discrepancies: list[dict] = []

    # -- snippets: the number as printed, in the source's language and script ----------------

    def _lang(self, source: SyntheticSource) -> str:
        if source.language == "en":
            return "en"
        return "hant" if source.script == "Hant" else "hans"

    @staticmethod
    def _ci_text(level, low, high, decimals: int) -> str:
        if low is None:
            return ""
        low_text = f"{low:.{decimals}f}"
        high_text = high if isinstance(high, str) else f"{high:.{decimals}f}"
        if level == "unknown":
            return f" ({low_text}-{high_text})"
        return f" ({level}% CI {low_text}-{high_text})"

    def _snippet(self, kind: str, source: SyntheticSource, **f) -> str:
        """The source's sentence for a value, printed from the value's own record fields."""
        lang = self._lang(source)
        ep = f.get("endpoint", "")
        ci = self._ci_text(f.get("ci_level"), f.get("ci_low"), f.get("ci_high"), f.get("decimals", 1))
        month = {"en": " months", "hans": "个月", "hant": "個月"}[lang]
        be = {"en": " ", "hans": "为", "hant": "為"}[lang]
        if kind == "median":
            if f.get("value") is None:
                return {
                    "en": f"median {ep} not reached",
                    "hans": f"中位{ep}尚未达到",
                    "hant": f"中位{ep}尚未達到",
                }[lang] + ci
            prefix = ">" if f.get("qualifier") == ">" else ""
            return (
                f"median {ep} {prefix}{f['value']:.1f}{month}{ci}"
                if lang == "en"
                else (f"中位{ep}{be}{prefix}{f['value']:.1f}{month}{ci}")
            )
        if kind == "hr":
            p = f"; P{f['p']}" if f.get("p") else ""
            return f"{ep} HR {f['value']:.2f}{ci}{p}"
        if kind == "landmark":
            years = f["timepoint"] // 12
            if lang == "en":
                return f"{years}-year {ep} rate {f['value']:.1f}%{ci}"
            return f"{years}年{ep}率{be}{f['value']:.1f}%{ci}"
        if kind == "proportion":
            count = f" ({f['n']}/{f['n_total']})"
            label = f.get("label", ep)
            if lang == "en":
                return f"{label} {f['value']:.1f}%{count}"
            return f"{label}{be}{f['value']:.1f}%{count}"
        if kind == "count":
            verbs = {
                "en": f"{f['value']} patients {f['term']}",
                "hans": f"共{f['value']}例患者({schema.COUNT_TERMS[f['term']][1]})",
                "hant": f"共{f['value']}例患者({schema.COUNT_TERMS[f['term']][1]})",
            }
            return verbs[lang]
        if kind == "follow-up":
            if lang == "en":
                return f"median follow-up {f['value']:.1f} months"
            return {"hans": "中位随访", "hant": "中位隨訪"}[lang] + f"{f['value']:.1f}{month}"
        raise AssertionError(kind)  # pragma: no cover

    # -- values --------------------------------------------------------------------------------

    def _ci_level(self):
        roll = self.rng.random()
        if roll < 0.70:
            return 95
        if roll < 0.80:
            return 80
        if roll < 0.83:
            return 90
        if roll < 0.93:
            return "unknown"
        return None

    def _add(self, value_id: str, source: SyntheticSource, snippet: str, **fields) -> str:
        record = {"id": value_id, **fields, "source": source.id, "snippet": snippet}
        record.setdefault("evidence_kind", "trial-report")
        self.values.append(record)
        return value_id

    def _source_for_value(self) -> SyntheticSource:
        return self.media if self.rng.random() < 0.3 else self.report

    def add_median(self, vid, analysis, endpoint, arm, months, not_reached=False, population=None, **extra):
        rng = self.rng
        source = extra.pop("source", None) or self._source_for_value()
        level = self._ci_level()
        fields = {"analysis": analysis, "endpoint": endpoint, "measure": "median", "arm": arm}
        if population:
            fields["population"], fields["population_zh"] = population
        low = high = None
        if not_reached:
            fields["qualifier"] = "not-reached"
            value = None
            if level is not None:
                low, high = _r1(months * rng.uniform(0.7, 0.95)), "NR"
        else:
            value = _r1(months)
            if rng.random() < 0.04:
                fields["qualifier"] = ">"
                level = None
            if level is not None:
                low = _r1(value * rng.uniform(0.6, 0.9))
                high = _r1(value * rng.uniform(1.1, 1.6))
            fields["value"] = value
        fields["unit"] = "months"
        if low is not None:
            fields.update(ci_low=low, ci_high=high, ci_level=level)
        fields.update(extra)
        return self._add(vid, source, self._snippet("median", source, **fields), **fields)

    def add_hr(self, vid, analysis, endpoint, arm, comparator, population=None, **extra):
        rng = self.rng
        source = extra.pop("source", None) or self.report
        level = self._ci_level()
        value = _r2(math.exp(rng.gauss(-0.45, 0.3)))
        value = min(max(value, 0.12), 1.6)
        fields = {"analysis": analysis, "endpoint": endpoint, "measure": "hr", "arm": arm}
        fields["comparator"] = comparator
        if population:
            fields["population"], fields["population_zh"] = population
        fields.update(value=value, unit="ratio")
        low = high = None
        if level is not None:
            spread = rng.uniform(0.15, 0.45)
            low = max(_r2(value * math.exp(-spread)), 0.01)
            high = _r2(value * math.exp(spread))
            fields.update(ci_low=low, ci_high=high, ci_level=level)
        p = None
        if rng.random() < 0.6:
            p = "<0.001" if value < 0.6 else f"={rng.uniform(0.001, 0.2):.3f}"
            fields["p_value"] = p.lstrip("=")
        flags = []
        if high is not None and high > 1:
            flags.append("ci-crosses-1")
        if extra.pop("immature", False):
            flags.append("immature")
        if flags:
            fields["flags"] = flags
        fields["assessment"] = rng.choice(("BICR", "investigator", "not-stated"))
        fields.update(extra)
        snippet = self._snippet("hr", source, decimals=2, p=p, **fields)
        return self._add(vid, source, snippet, **fields)

    def add_landmark(self, vid, analysis, endpoint, arm, timepoint, rate, **extra):
        rng = self.rng
        source = extra.pop("source", None) or self._source_for_value()
        level = self._ci_level()
        value = _r1(min(max(rate, 1.0), 99.0))
        fields = {"analysis": analysis, "endpoint": endpoint, "measure": "landmark", "arm": arm}
        fields.update(value=value, timepoint=timepoint, unit="percent")
        low = high = None
        if level is not None:
            low = _r1(max(value - rng.uniform(3, 12), 0.0))
            high = _r1(min(value + rng.uniform(3, 12), 100.0))
            fields.update(ci_low=low, ci_high=high, ci_level=level)
        fields.update(extra)
        return self._add(vid, source, self._snippet("landmark", source, **fields), **fields)

    def add_proportion(self, vid, analysis, endpoint, arm, n, n_total, label, term=None):
        source = self._source_for_value()
        value = _r1(100 * n / n_total)
        fields = {"analysis": analysis, "endpoint": endpoint, "measure": "proportion", "arm": arm}
        fields.update(value=value, unit="percent", n=n, n_total=n_total)
        if term:
            fields["term"], fields["term_zh"] = term
        return self._add(vid, source, self._snippet("proportion", source, label=label, **fields), **fields)

    def add_count(self, vid, analysis, arm, n, term):
        source = self._source_for_value()
        fields = {"analysis": analysis, "endpoint": "PATIENTS", "measure": "count", "arm": arm}
        fields.update(term=term, term_zh=schema.COUNT_TERMS[term][1], value=n, unit="patients")
        return self._add(vid, source, self._snippet("count", source, **fields), **fields)

    def add_age(self, analysis, years, n_total):
        source = self._source_for_value()
        fields = {"analysis": analysis, "endpoint": "BASELINE", "measure": "median", "arm": ""}
        fields.update(term="age", term_zh="年龄", value=years, unit="years", n_total=n_total)
        lang = self._lang(source)
        snippet = f"median age {years} years" if lang == "en" else f"中位年龄{years}岁"
        return self._add("baseline-age", source, snippet, **fields)

    def add_follow_up(self, vid, analysis, months, endpoint_term):
        source = self._source_for_value()
        value = _r1(months)
        fields = {"analysis": analysis, "endpoint": "FOLLOW-UP", "measure": "median", "arm": ""}
        fields.update(term=endpoint_term, value=value, unit="months")
        return self._add(vid, source, self._snippet("follow-up", source, **fields), **fields)

    # -- the whole file ---------------------------------------------------------------------------

    def text(self) -> str:
        rng = self.rng
        cancer = _pick(rng, CANCER_WEIGHTS)
        design = _pick(rng, DESIGN_WEIGHTS)
        phase, blinding, n_arms = _design_facts(rng, design)
        setting = _pick(rng, SETTING_WEIGHTS)
        line = _pick(rng, LINE_WEIGHTS)
        drugs = rng.sample(DRUGS[cancer], k=rng.randint(1, 3))
        primary = rng.choice(SURVIVAL_BY_CANCER[cancer])
        name = f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}-{self.index}"
        cancer_en, cancer_zh = schema.CANCER_TYPES[cancer]
        setting_en, setting_zh = schema.SETTINGS[setting]
        line_en, line_zh = schema.LINES[line]
        drug_en = " plus ".join(d[0] for d in drugs)
        drug_zh = "联合".join(d[1] for d in drugs)
        header = {
            "id": self.id,
            "name": name,
            "name_zh": f"{rng.choice(NAME_ZH_SYLLABLES)}-{self.index}研究" if rng.random() < 0.3 else "",
            "title": f"{drug_en.capitalize()} in {line_en.lower()} {setting_en.lower()} {cancer_en.lower()}",
            "title_zh": f"{drug_zh}{line_zh}治疗{setting_zh}{cancer_zh}",
            "registry_ids": [f"NCT0{rng.randrange(10**7):07d}"] if rng.random() < 0.7 else [],
            "cancer_type": cancer,
            "condition": f"{setting_en} {cancer_en.lower()}",
            "condition_zh": f"{setting_zh}{cancer_zh}",
            "setting": setting,
            "line": line,
            "phase": phase,
            "design": design,
            "blinding": blinding,
            "control": "",
            "primary_endpoint": primary if rng.random() < 0.92 else "",
            "drugs": [d[0] for d in drugs],
            "drugs_zh": [d[1] for d in drugs],
            "drug_classes": sorted({d[2] for d in drugs}),
            "presented": [f"{rng.choice(CONFERENCES)} {rng.randint(2019, 2025)}"],
            "note": "Synthetic trial for benchmarks." if rng.random() < 0.1 else "",
        }
        arms = self._arms(n_arms, design, drugs, rng)
        if design == "randomized":
            header["control"] = arms[-1]["label"]
        analyses = self._analyses(rng)
        self._values(cancer, primary, design, arms, analyses)
        parts = [f"# Synthetic trial {self.id} (bench/corpus.py, deterministic)\n", _fields(header)]
        parts += ["\n" + _table("arms", arm) for arm in arms]
        parts += ["\n" + _table("analyses", analysis) for analysis in analyses]
        parts += ["\n" + _table("values", value) for value in self.values]
        parts += ["\n" + _table("discrepancies", item) for item in self.discrepancies]
        return "".join(parts)

    def _arms(self, n_arms, design, drugs, rng) -> list[dict]:
        if n_arms == 1:
            role = "single" if design == "single-arm" else "cohort"
            return [
                {
                    "id": "a1",
                    "label": " + ".join(d[0].capitalize() for d in drugs),
                    "label_zh": "+".join(d[1] for d in drugs),
                    "role": role,
                    "regimen": f"{drugs[0][0]} {rng.choice((10, 12, 15, 200, 600))} mg",
                }
            ]
        arms = []
        for number in range(1, n_arms + 1):
            if number == n_arms:  # the comparator: a control arm, or the reference cohort
                if design == "randomized":
                    label, label_zh, role = "Placebo + standard care", "安慰剂+标准治疗", "control"
                else:
                    label, label_zh, role = "Standard care cohort", "标准治疗队列", "cohort"
            else:
                dose = rng.choice((10, 12, 15, 200, 600))
                label = " + ".join(d[0].capitalize() for d in drugs) + (f" {dose} mg" if number > 1 else "")
                label_zh = "+".join(d[1] for d in drugs) + (f" {dose} mg" if number > 1 else "")
                role = "experimental" if design == "randomized" else "cohort"
            arms.append({"id": f"a{number}", "label": label, "label_zh": label_zh, "role": role})
        return arms

    def _analyses(self, rng) -> list[dict]:
        plans = [("interim", "final"), ("primary", "update"), ("primary",), ("interim", "update", "final")]
        kinds = rng.choices(plans, weights=(35, 30, 20, 15))[0]
        date = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(6 * 365))
        out = []
        for number, kind in enumerate(kinds, start=1):
            conference = f"{rng.choice(CONFERENCES)} {date.year}"
            known = rng.random() < 0.85
            analysis = {
                "id": f"cut{number}",
                "label": f"{conference} ({'data cut-off ' + date.isoformat() if known else 'cut-off not printed'})",
                "label_zh": f"{conference}(数据截止{date.isoformat() if known else '未给出'})",
                "kind": kind,
                "cutoff": date.isoformat() if known else None,
                "presented": conference,
            }
            out.append(analysis)
            date += dt.timedelta(days=rng.randint(200, 900))
        return out

    def _values(self, cancer, primary, design, arms, analyses) -> None:
        rng = self.rng
        survival = primary or "PFS"
        base = MEDIAN_MONTHS[survival] * rng.uniform(0.6, 1.8)
        effect = rng.uniform(1.0, 2.2)
        n_per_arm = rng.randint(15, 400) if design == "randomized" else rng.randint(20, 120)
        whole_term = "randomized" if design == "randomized" else rng.choice(("enrolled", "analysed"))
        first = analyses[0]["id"]
        self.add_count("patients", first, "", n_per_arm * len(arms), whole_term)
        if len(arms) > 1:
            for arm in arms:
                self.add_count(
                    f"patients-{arm['id']}",
                    first,
                    arm["id"],
                    n_per_arm,
                    "randomized" if design == "randomized" else "enrolled",
                )
        experimental = [arm for arm in arms if arm["role"] in ("experimental", "single", "cohort")]
        control = [arm for arm in arms if arm["role"] == "control"]
        for number, analysis in enumerate(analyses):
            cut = analysis["id"]
            for arm in arms:
                months = base * (1 if arm in control else effect) * rng.uniform(0.9, 1.1)
                reached = not (arm not in control and number == 0 and rng.random() < 0.15)
                self.add_median(
                    f"{cut}-{survival.lower()}-median-{arm['id']}",
                    cut,
                    survival,
                    arm["id"],
                    months,
                    not_reached=not reached,
                )
                timepoint = rng.choice((12, 24, 36)) if number == 0 else 12 * (2 + number)
                rate = 100 * math.exp(-timepoint / (months * 1.44)) * rng.uniform(0.9, 1.1)
                self.add_landmark(
                    f"{cut}-{survival.lower()}-{timepoint}m-{arm['id']}",
                    cut,
                    survival,
                    arm["id"],
                    timepoint,
                    rate,
                )
            for arm in experimental if control else []:
                self.add_hr(
                    f"{cut}-{survival.lower()}-hr-{arm['id']}",
                    cut,
                    survival,
                    arm["id"],
                    control[0]["id"],
                    immature=analysis["kind"] == "interim",
                )
            self.add_follow_up(
                f"{cut}-follow-up", cut, 8 + 10 * number + rng.uniform(0, 8), f"{survival} follow-up"
            )
        self._secondary(survival, arms, analyses, control, experimental, n_per_arm, base)

    def _secondary(self, survival, arms, analyses, control, experimental, n_per_arm, base) -> None:
        rng = self.rng
        first, last = analyses[0]["id"], analyses[-1]["id"]
        for arm in arms:
            responders = rng.randint(1, n_per_arm)
            self.add_proportion(f"orr-{arm['id']}", first, "ORR", arm["id"], responders, n_per_arm, "ORR")
            if last != first:  # the response rate is updated at the latest cut
                updated = min(n_per_arm, responders + rng.randint(0, 5))
                self.add_proportion(
                    f"orr-{last}-{arm['id']}", last, "ORR", arm["id"], updated, n_per_arm, "ORR"
                )
            event = ADVERSE_EVENTS[rng.randrange(len(ADVERSE_EVENTS))]
            self.add_proportion(
                f"ae-{arm['id']}",
                last,
                "AE-G3",
                arm["id"],
                rng.randint(0, n_per_arm // 2),
                n_per_arm,
                "G≥3 AE",
                term=event,
            )
            controlled = min(n_per_arm, responders + rng.randint(0, n_per_arm))
            self.add_proportion(f"dcr-{arm['id']}", first, "DCR", arm["id"], controlled, n_per_arm, "DCR")
        self.add_age(last if rng.random() < 0.5 else first, rng.randint(45, 68), n_per_arm * len(arms))
        if survival != "OS" and len(analyses) > 1:
            for arm in arms:
                self.add_median(
                    f"{last}-os-median-{arm['id']}",
                    last,
                    "OS",
                    arm["id"],
                    base * 2.2 * rng.uniform(0.8, 1.3),
                    not_reached=rng.random() < 0.2,
                )
            for arm in experimental if control else []:
                self.add_hr(f"{last}-os-hr-{arm['id']}", last, "OS", arm["id"], control[0]["id"])
        self._subgroup(survival, last, arms, control, experimental, base)
        if rng.random() < 0.12:
            self._review_claim(survival, arms, last)

    def _subgroup(self, survival, last, arms, control, experimental, base) -> None:
        """Sometimes one subgroup's figure: a hazard ratio against the control, else a median."""
        rng = self.rng
        if control and rng.random() < 0.25:
            measure, arm = "hr", experimental[0]["id"]
        elif rng.random() < 0.15:
            measure, arm = "median", arms[0]["id"]
        else:
            return
        group = SUBGROUPS[rng.randrange(len(SUBGROUPS))]
        vid = f"{last}-{survival.lower()}-{measure}-subgroup"
        if measure == "hr":
            self.add_hr(vid, last, survival, arm, control[0]["id"], population=group)
        else:
            self.add_median(vid, last, survival, arm, base * rng.uniform(0.8, 1.4), population=group)

    def _review_claim(self, survival, arms, last) -> None:
        """A review's figure for the latest median; sometimes it disagrees with the report."""
        rng = self.rng
        arm = arms[0]["id"]
        reported = next(
            (v for v in self.values if v["id"] == f"{last}-{survival.lower()}-median-{arm}" and "value" in v),
            None,
        )
        if reported is None:
            return
        conflict = rng.random() < 0.5
        months = reported["value"] + (rng.choice((-2.0, 1.5, 3.0)) if conflict else 0.0)
        months = max(months, 1.0)
        review_id = self.add_median(
            f"review-{survival.lower()}-median",
            last,
            survival,
            arm,
            months,
            source=self.review,
            evidence_kind="review-claim",
            flags=["discrepancy"] if conflict else None,
        )
        self.discrepancies.append(
            {
                "id": f"{self.id}-review-{survival.lower()}",
                "kind": "conflict" if conflict else "agreement",
                "summary": "The review's median differs from the trial report."
                if conflict
                else "The review's median matches the trial report.",
                "summary_zh": "综述中的中位数与试验报告不一致。"
                if conflict
                else "综述中的中位数与试验报告一致。",
                "values": [f"{self.id}:{review_id}", f"{self.id}:{reported['id']}"],
            }
        )


def _write_range(args: tuple[str, int, int, int]) -> int:
    folder, start, stop, seed = args
    sources = synthetic_sources()
    trials = Path(folder)
    for index in range(start, stop):
        text = _TrialWriter(index, seed, sources).text()
        (trials / f"syn-{index:06d}.toml").write_text(text, encoding="utf-8")
    return stop - start


def write_corpus(
    target: Path | str, n_trials: int, seed: int = DEFAULT_SEED, workers: int | None = None
) -> Path:
    """Write a synthetic corpus of ``n_trials`` trials into ``target``.

    Parameters
    ----------
    target : path
        A folder that will hold ``sources.toml`` and ``trials/``; created if missing. Trial
        files already there are overwritten, others left alone (use an empty folder).
    n_trials : int
        How many trials.
    seed : int
        The corpus seed; the same seed gives byte-identical files.
    workers : int, optional
        Processes writing files (default: the number of CPUs).

    Returns
    -------
    Path
        ``target``.
    """
    target = Path(target)
    trials = target / "trials"
    trials.mkdir(parents=True, exist_ok=True)
    (target / "sources.toml").write_text(sources_toml(synthetic_sources()), encoding="utf-8")
    workers = workers or os.cpu_count() or 1
    chunk = max(200, min(5000, n_trials // (workers * 4) or 1))
    jobs = [(str(trials), start, min(start + chunk, n_trials), seed) for start in range(0, n_trials, chunk)]
    if workers == 1 or n_trials <= chunk:
        for job in jobs:
            _write_range(job)
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for _ in pool.imap_unordered(_write_range, jobs):
                pass
    return target
