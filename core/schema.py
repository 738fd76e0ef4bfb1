"""Controlled vocabularies and record types for the curated evidence.

Every vocabulary maps a stable ASCII key (what the record files and the database store)
to its English and Simplified-Chinese labels. Traditional-script labels are derived from
the Simplified ones by :mod:`core.presentation.i18n`, so they are never written by hand.

The record files in ``data/`` are described in ``data/README.md``; this module is the
machine-readable half of that description.

It is also the one registry the rest of the code reads instead of repeating names:
:data:`VOCABULARIES` (each vocabulary's database name, URL key and catalog key),
:data:`SUBSETS` (the named groups of keys — survival, safety and context endpoints, the
headline priorities, the counts that size a trial — which the SQL reads from the ``vocab``
table) and :data:`CSV_COLUMNS` (the long CSV's columns: export order, and which the import
requires).

Imports: nothing of the project. Everything else may import this module; it builds the
database, so an edit here recompiles it (core/db.py ``build_code_files``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- vocabularies: key -> (English, 简体中文) -------------------------------------------

CANCER_TYPES: dict[str, tuple[str, str]] = {
    "soft-tissue-sarcoma": ("Soft-tissue sarcoma", "软组织肉瘤"),
    "nsclc-alk": ("ALK-positive non-small-cell lung cancer", "ALK阳性非小细胞肺癌"),
    "sclc": ("Small-cell lung cancer", "小细胞肺癌"),
    "hcc": ("Hepatocellular carcinoma", "肝细胞癌"),
    "breast": ("Breast cancer", "乳腺癌"),
}

# Words clinicians search by that the labels above do not contain (肝癌 is not a substring
# of 肝细胞癌). Searched, never displayed.
CANCER_SEARCH_TERMS: dict[str, tuple[str, ...]] = {
    "soft-tissue-sarcoma": ("STS", "sarcoma", "肉瘤", "软组织肉瘤"),
    "nsclc-alk": ("NSCLC", "ALK", "lung cancer", "肺癌", "非小细胞肺癌"),
    "sclc": ("SCLC", "ES-SCLC", "lung cancer", "肺癌", "小细胞肺癌", "广泛期小细胞肺癌"),
    "hcc": ("HCC", "liver cancer", "肝癌", "肝细胞癌", "原发性肝癌"),
    "breast": ("breast cancer", "乳腺癌", "乳癌"),
}

# Disease stage / clinical situation the trial enrolled.
SETTINGS: dict[str, tuple[str, str]] = {
    "advanced": ("Advanced / metastatic", "晚期/转移性"),
    "locally-advanced": ("Locally advanced", "局部晚期"),
    "minimal-residual-disease": (
        "Minimal residual disease after curative treatment",
        "根治性治疗后微小残留病",
    ),
}

LINES: dict[str, tuple[str, str]] = {
    "first-line": ("First line", "一线"),
    "maintenance": ("Maintenance", "维持治疗"),
    "previously-treated": ("Previously treated", "经治"),
    "conversion": ("Conversion / perioperative", "转化/围手术期"),
    "secondary-prevention": ("Secondary prevention", "二级预防"),
    "mixed": ("Mixed lines", "多线混合"),
    "not-stated": ("Line not stated", "治疗线数未说明"),
}

PHASES: dict[str, tuple[str, str]] = {
    "2": ("Phase 2", "II期"),
    "3": ("Phase 3", "III期"),
    "observational": ("Observational", "观察性"),
    "not-stated": ("Not stated", "未说明"),
}

DESIGNS: dict[str, tuple[str, str]] = {
    "randomized": ("Randomized", "随机对照"),
    "single-arm": ("Single-arm", "单臂"),
    "retrospective": ("Retrospective", "回顾性"),
    "observational": ("Observational cohort", "观察性队列"),
    "evidence-summary": ("Review summary (no single trial)", "综述归纳(非单一试验)"),
    "not-stated": ("Not stated", "未说明"),
}

BLINDING: dict[str, tuple[str, str]] = {
    "double-blind": ("Double-blind", "双盲"),
    "open-label": ("Open-label", "开放标签"),
    "not-stated": ("Not stated", "未说明"),
    "not-applicable": ("Not applicable", "不适用"),
}

ANALYSIS_KINDS: dict[str, tuple[str, str]] = {
    "interim": ("Interim analysis", "期中分析"),
    "primary": ("Primary analysis", "主要分析"),
    "update": ("Updated analysis", "更新分析"),
    "final": ("Final analysis", "最终分析"),
    "not-stated": ("Data cut not stated", "数据截点未说明"),
}

# Endpoints. The second group are not efficacy endpoints but still quantitative results
# that the articles report (sample sizes, follow-up, safety, baseline characteristics).
ENDPOINTS: dict[str, tuple[str, str]] = {
    "PFS": ("Progression-free survival", "无进展生存期"),
    "OS": ("Overall survival", "总生存期"),
    "TTF": ("Time to treatment failure", "至治疗失败时间"),
    "RFS": ("Relapse-free survival", "无复发生存期"),
    "IC-PFS": ("Intracranial progression-free survival", "颅内无进展生存期"),
    "ORR": ("Objective response rate", "客观缓解率"),
    "DCR": ("Disease control rate", "疾病控制率"),
    "IC-ORR": ("Intracranial objective response rate", "颅内客观缓解率"),
    "IC-CR": ("Intracranial complete response rate", "颅内完全缓解率"),
    "BRAIN-METS": ("Cumulative incidence of brain metastases", "脑转移累积发生率"),
    "DTC": ("Disseminated tumour cells (reduction / clearance)", "播散性肿瘤细胞(减少/清除)"),
    "PROGRESSION-PATTERN": ("Pattern of progression and later treatment", "进展模式与后续治疗"),
    "AE-G3": ("Grade ≥3 adverse events", "≥3级不良事件"),
    "TRAE": ("Treatment-related adverse events", "治疗相关不良事件"),
    "SURG-COMP-G3": ("Grade ≥3 surgical complications", "≥3级手术并发症"),
    "DISCONTINUATION": ("Discontinuation for toxicity", "因毒性停止治疗"),
    "COST": ("Cost of care", "治疗费用"),
    "PATIENTS": ("Patients (sample size)", "患者例数"),
    "FOLLOW-UP": ("Follow-up", "随访时间"),
    "ON-TREATMENT": ("Still on study treatment", "仍在接受研究治疗"),
    "BASELINE": ("Baseline characteristic", "基线特征"),
}

# Endpoints whose key is the abbreviation clinicians read in both languages ("中位PFS"); the
# others (FOLLOW-UP, BASELINE, PROGRESSION-PATTERN…) are internal keys, shown only by their label.
ENDPOINT_ABBREVIATIONS: tuple[str, ...] = (
    "PFS",
    "OS",
    "TTF",
    "RFS",
    "IC-PFS",
    "ORR",
    "DCR",
    "IC-ORR",
    "IC-CR",
    "DTC",
    "TRAE",
)

MEASURES: dict[str, tuple[str, str]] = {
    "median": ("Median", "中位数"),
    "landmark": ("Landmark rate", "里程碑生存率"),
    "proportion": ("Proportion", "比例"),
    "hr": ("Hazard ratio", "风险比"),
    "count": ("Count", "例数"),
    "events": ("Events", "事件数"),
    "posterior-probability": ("Bayesian posterior probability", "贝叶斯后验概率"),
    "estimate": ("Model estimate", "模型估计值"),
    "difference": ("Difference", "差值"),
}

UNITS: dict[str, tuple[str, str]] = {
    "months": ("months", "个月"),
    "years": ("years", "岁"),
    "percent": ("%", "%"),
    "ratio": ("ratio", "比值"),
    "patients": ("patients", "例"),
    "EUR-per-year": ("EUR per year", "欧元/年"),
}

# Which units a measure may carry; a mismatch is a curation error.
MEASURE_UNITS: dict[str, tuple[str, ...]] = {
    "median": ("months", "years"),
    "landmark": ("percent",),
    "proportion": ("percent",),
    "hr": ("ratio",),
    "count": ("patients",),
    "events": ("patients", "percent"),
    "posterior-probability": ("percent",),
    "estimate": ("percent",),
    "difference": ("EUR-per-year", "months"),
}

# How a value relates to its number. "=" is the default and is omitted in the files.
QUALIFIERS: dict[str, tuple[str, str]] = {
    "=": ("", ""),
    ">": ("more than", "超过"),
    "<": ("less than", "小于"),
    "~": ("about", "约"),
    "not-reached": ("not reached", "未达到"),
    "range": ("range", "范围"),
}

ASSESSMENTS: dict[str, tuple[str, str]] = {
    "BICR": ("Blinded independent central review", "盲态独立中心审查"),
    "investigator": ("Investigator-assessed", "研究者评估"),
    "not-stated": ("Assessment not stated", "评估方式未说明"),
}

EVIDENCE_KINDS: dict[str, tuple[str, str]] = {
    "trial-report": ("Trial report", "试验报告"),
    "review-claim": ("Review / commentary claim", "综述或评论引述"),
}

SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "interview": ("Interview", "访谈"),
    "news": ("News report", "新闻报道"),
    "review": ("Review article", "综述"),
    "summary": ("Translated summary", "译文摘要"),
    "journal-abstract": ("Journal abstract", "期刊摘要"),
    "conference-abstract": ("Conference abstract", "会议摘要"),
    "registry": ("Trial registry", "试验注册"),
    "review-table": ("Table in a review", "综述表格"),
    "user-upload": ("User-supplied source (not checked against a text)", "用户提供的来源(未与原文核对)"),
}

# Whether a source's ``title`` is printed in it or was written by the curator to name it.
TITLE_KINDS: dict[str, tuple[str, str]] = {
    "printed": ("Title as printed", "原文标题"),
    "descriptive": (
        "Descriptive title written by the curator (not printed)",
        "整理者拟定的描述性标题(原文未印)",
    ),
}

ORIGINS: dict[str, tuple[str, str]] = {
    "curated": ("Curated", "已整理"),
    "user": ("User-supplied", "用户提供"),
}

# Caveats that belong to a whole trial and carry no number: the record's ``caveats`` list.
# Each is shown as a badge on the trial page, on the trial's forest rows and on its card.
CAVEATS: dict[str, tuple[str, str]] = {
    "non-proportional-hazards": (
        "Survival curves crossed: proportional hazards doubtful, a single hazard ratio may mislead",
        "生存曲线交叉:比例风险假设存疑,单一风险比可能误导",
    ),
    "responder-comparison": (
        "Compares patients by their response (responders vs non-responders), not randomized arms",
        "按疗效反应比较患者(应答者对比非应答者),而非随机分组比较",
    ),
    "garbled-design-statement": (
        "A design statement in the source is garbled; that part of the design is not confirmed",
        "来源中的研究设计表述有误,该部分设计未经证实",
    ),
    "mistranslation": (
        "The source mistranslates parts of the primary report",
        "来源对原始报告的部分内容存在误译",
    ),
}

# Flags a curator puts on a value; each is a caveat the pages show beside the number.
FLAGS: dict[str, tuple[str, str]] = {
    "doubtful-attribution": (
        "Doubtful attribution: the cited trial may not be the source",
        "出处存疑:所引试验可能并非该数据来源",
    ),
    "discrepancy": ("Differs from the primary report", "与原始报告不一致"),
    "cross-trial": ("Cross-trial comparison", "跨试验比较"),
    "range-across-studies": ("A range across several studies, not one result", "多项研究的范围,非单一结果"),
    "endpoint-inferred": (
        "Endpoint or time point not printed beside the figure; curator's reading",
        "原文未在数字旁注明终点或时间点,为整理者判读",
    ),
    "immature": ("Immature data", "数据尚未成熟"),
    "translation-defect": (
        "The article's wording is garbled or mistranslated here",
        "原文此处表述有误或翻译错误",
    ),
    "text-defect": (
        "The article's text lost characters here; fields carry the corrected meaning",
        "原文此处有缺字,字段为校正后含义",
    ),
    "ci-crosses-1": ("The interval includes no effect (HR 1)", "置信区间包含1(无差异)"),
    "not-a-p-value": ("Bayesian probability, not a p-value or a rate", "贝叶斯概率,不是P值或发生率"),
    "inferred-count": ("Number derived by the curator, not printed", "整理者推算,原文未直接给出"),
    "non-proportional-hazards": CAVEATS["non-proportional-hazards"],
    "responder-comparison": CAVEATS["responder-comparison"],
}

DISCREPANCY_KINDS: dict[str, tuple[str, str]] = {
    "conflict": ("Figures disagree", "数据不一致"),
    "doubtful-attribution": ("Doubtful attribution", "出处存疑"),
    "mistranslation": ("Mistranslation or misreading", "误译或误读"),
    "cross-trial": ("Cross-trial comparison", "跨试验比较"),
    "agreement": ("Figures agree across sources", "不同来源数据一致"),
}

# Which count a PATIENTS value is: its ``term`` must be one of these.
COUNT_TERMS: dict[str, tuple[str, str]] = {
    "screened": ("screened / recruited", "筛选/招募"),
    "enrolled": ("enrolled", "入组"),
    "randomized": ("randomized", "随机分组"),
    "started treatment": ("started treatment", "开始治疗"),
    "received induction": ("received induction", "接受诱导治疗"),
    "had surgery": ("had surgery", "接受手术"),
    "progressed": ("progressed", "出现进展"),
    "analysed": ("analysed", "纳入分析"),
}

CI_LEVELS = (80, 90, 95)
"""Allowed numeric CI levels; ``"unknown"`` is the explicit alternative."""

OPEN_CI_BOUNDS = ("NR", "NE")
"""A CI bound that the source prints as not reached / not estimable."""

SNIPPET_MAX_CHARS = 80

# Value fields whose numbers must appear in the snippet.
NUMERIC_FIELDS_IN_SNIPPET = ("value", "value_high", "ci_low", "ci_high", "n")


# --- the registry: every vocabulary, its named subsets, the CSV columns -------------------------


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """One controlled vocabulary and every name it goes by.

    ``name`` is its name in the database (``vocab.vocabulary``) and, for most, the record
    field it constrains; ``url_key`` the URL parameter that filters by it (``""``: none);
    ``catalog_key`` the interface catalog's label for it (``data/i18n``).
    """

    name: str
    labels: dict[str, tuple[str, str]]
    url_key: str = ""
    catalog_key: str = ""


VOCABULARIES: dict[str, Vocabulary] = {
    vocabulary.name: vocabulary
    for vocabulary in (
        Vocabulary("cancer_type", CANCER_TYPES, "cancer", "facet.cancer"),
        Vocabulary("setting", SETTINGS, "setting", "facet.setting"),
        Vocabulary("line", LINES, "line", "facet.line"),
        Vocabulary("phase", PHASES, "phase", "facet.phase"),
        Vocabulary("design", DESIGNS, "design", "facet.design"),
        Vocabulary("blinding", BLINDING),
        Vocabulary("analysis_kind", ANALYSIS_KINDS, catalog_key="trial.kind"),
        Vocabulary("endpoint", ENDPOINTS, "endpoint", "facet.endpoint"),
        Vocabulary("measure", MEASURES, catalog_key="sources.group.measure"),
        Vocabulary("unit", UNITS),
        Vocabulary("qualifier", QUALIFIERS),
        Vocabulary("assessment", ASSESSMENTS, catalog_key="sources.group.assessment"),
        Vocabulary("evidence_kind", EVIDENCE_KINDS, "evidence", "facet.evidence"),
        Vocabulary("source_kind", SOURCE_KINDS, catalog_key="sources.kind"),
        Vocabulary("flag", FLAGS, catalog_key="sources.group.flag"),
        Vocabulary("caveat", CAVEATS),
        Vocabulary("title_kind", TITLE_KINDS),
        Vocabulary("discrepancy_kind", DISCREPANCY_KINDS, catalog_key="sources.discrepancy_kind"),
        Vocabulary("origin", ORIGINS, "origin", "facet.origin"),
        Vocabulary("count_term", COUNT_TERMS),
    )
}
"""Every vocabulary by its database name; the ``vocab`` table holds them all (core/db.py)."""

VOCABULARIES_BY_URL_KEY: dict[str, Vocabulary] = {v.url_key: v for v in VOCABULARIES.values() if v.url_key}
"""The vocabularies a page filters by, keyed by their URL parameter (``cancer``, ``evidence``…)."""


@dataclass(frozen=True)
class Subset:
    """A named group of one vocabulary's keys that the code treats alike, in priority order.

    Stored in the ``vocab`` table as vocabulary ``name`` (``position`` is the order here), so
    the SQL reads the group instead of repeating its keys.
    """

    name: str
    vocabulary: str
    keys: tuple[str, ...]


SUBSETS: dict[str, Subset] = {
    subset.name: subset
    for subset in (
        # time-to-event endpoints: the survival page's choices
        Subset("survival_endpoint", "endpoint", ("PFS", "OS", "TTF", "RFS", "IC-PFS")),
        # response rates, shown with the survival endpoints on the evidence card
        Subset("response_endpoint", "endpoint", ("ORR", "DCR", "IC-ORR", "IC-CR")),
        # the trial page's safety section
        Subset("safety_endpoint", "endpoint", ("AE-G3", "TRAE", "SURG-COMP-G3", "DISCONTINUATION")),
        # patients, follow-up, baseline: context of a trial, never its headline result
        Subset("context_endpoint", "endpoint", ("PATIENTS", "FOLLOW-UP", "BASELINE", "ON-TREATMENT")),
        # which endpoint summarises a trial when its primary endpoint is not reported, best first
        Subset("headline_endpoint", "endpoint", ("PFS", "OS", "TTF", "RFS", "ORR", "IC-ORR")),
        # which measure summarises a trial, best first
        Subset("headline_measure", "measure", ("hr", "median", "landmark", "proportion")),
        # what the survival comparison draws
        Subset("survival_measure", "measure", ("median", "landmark", "hr", "events")),
        # the PATIENTS counts that size an arm or a trial (not screened, not progressed)
        Subset("size_count_term", "count_term", ("randomized", "enrolled", "started treatment", "analysed")),
        # a trial's own report: of one estimate printed alike by two sources of one data cut,
        # the forest plot shows this one (core/sql/views.sql forest_value_rows.superseded)
        Subset("primary_source_kind", "source_kind", ("journal-abstract", "conference-abstract", "registry")),
    )
}
"""Every named subset by its name; each key is a key of its vocabulary (tests/test_schema.py)."""

SURVIVAL_ENDPOINTS = SUBSETS["survival_endpoint"].keys
RESPONSE_ENDPOINTS = SUBSETS["response_endpoint"].keys
SAFETY_ENDPOINTS = SUBSETS["safety_endpoint"].keys
CONTEXT_ENDPOINTS = SUBSETS["context_endpoint"].keys
HEADLINE_ENDPOINTS = SUBSETS["headline_endpoint"].keys
HEADLINE_MEASURES = SUBSETS["headline_measure"].keys
SURVIVAL_MEASURES = SUBSETS["survival_measure"].keys
SIZE_COUNT_TERMS = SUBSETS["size_count_term"].keys


# The long CSV: what the export writes and the import reads, in the export's column order.
# Required columns are the ones an import cannot do without; the rest are optional there.
CSV_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("trial", True),
    ("trial_name", False),
    ("trial_title", False),
    ("cancer_type", False),
    ("setting", False),
    ("line", False),
    ("phase", False),
    ("design", False),
    ("blinding", False),
    # the rest of the trial's header, so an import gives back the trial as it was exported
    ("trial_name_zh", False),
    ("trial_title_zh", False),
    ("condition", False),
    ("condition_zh", False),
    ("control", False),
    ("primary_endpoint", False),
    ("registry_ids", False),
    ("trial_caveats", False),
    ("analysis", True),
    ("analysis_label", False),
    ("analysis_kind", False),
    ("cutoff", False),
    ("arm", False),
    ("arm_label", False),
    ("arm_role", False),
    ("comparator", False),
    ("comparator_label", False),
    ("comparator_role", False),
    ("population", False),
    ("population_zh", False),
    ("endpoint", True),
    ("measure", True),
    ("timepoint", False),
    ("value", True),
    ("value_high", False),
    ("qualifier", False),
    ("ci_low", False),
    ("ci_high", False),
    ("ci_level", False),
    # a bound or level the source prints as text ("NR", "NE", "unknown"): the numeric
    # column beside it is then empty, so ci_low / ci_high / ci_level hold plain numbers only
    ("ci_low_text", False),
    ("ci_high_text", False),
    ("ci_level_text", False),
    ("unit", True),
    ("p_value", False),
    ("assessment", False),
    ("term", False),
    ("term_zh", False),
    ("n", False),
    ("n_total", False),
    ("source", True),
    ("snippet", True),
    ("evidence_kind", True),
    ("flags", False),
    ("discrepancies", False),
    ("value_id", False),
    ("note", False),
    # filled on derived rows only (core.derived): recomputed from their inputs, never imported
    ("formula", False),
    ("inputs", False),
    ("method", False),
    ("reason", False),
)
EXPORT_COLUMNS = tuple(name for name, _ in CSV_COLUMNS)
"""The long export's columns, in order: a printed value's, then a derived value's extras."""
DERIVED_COLUMNS = ("formula", "inputs", "method", "reason")
"""The columns only derived rows fill (core.derived appends them after the value columns)."""
VALUE_COLUMNS = tuple(name for name in EXPORT_COLUMNS if name not in DERIVED_COLUMNS)
"""A printed value's columns, in order (core/sql/export.sql selects exactly these)."""
REQUIRED_COLUMNS = tuple(name for name, required in CSV_COLUMNS if required)
"""What an imported CSV must have."""
OPTIONAL_COLUMNS = tuple(name for name, required in CSV_COLUMNS if not required)
"""What an imported CSV may have besides."""
DISPLAY_COLUMNS = ("shown_value", "shown_caveats", "shown_trial", "patients", "trial_b")
"""Columns a page's CSV adds after the long format's for reading (the value as the page
writes it, its caveats, the trial's label, the patients behind a comparison, the second trial
of a derived comparison); the import ignores them, so a page's CSV imports like the long export."""
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A CSV text cell starting with one of these is a formula to a spreadsheet: the export
neutralises it with a leading apostrophe and the import takes that apostrophe off again."""


# --- record types ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    title: str
    language: str
    script: str
    file: str
    section: str = ""
    title_en: str = ""
    outlet: str = ""
    date: str = ""
    urls: tuple[str, ...] = ()
    citation: str = ""
    note: str = ""
    title_kind: str = "printed"  # TITLE_KINDS: printed | descriptive


@dataclass(frozen=True)
class Arm:
    trial: str
    id: str
    label: str
    label_zh: str = ""
    regimen: str = ""
    regimen_zh: str = ""
    role: str = "experimental"  # experimental | control | single | cohort
    source: str = ""
    snippet: str = ""
    position: int = 0  # order within the trial file


@dataclass(frozen=True)
class Analysis:
    trial: str
    id: str
    label: str
    kind: str
    sequence: int  # position in the file: analyses are listed oldest first
    cutoff: str = ""
    presented: str = ""
    label_zh: str = ""
    note: str = ""
    note_zh: str = ""


@dataclass(frozen=True)
class Value:
    trial: str
    id: str
    analysis: str
    endpoint: str
    measure: str
    unit: str
    source: str
    snippet: str
    evidence_kind: str
    value: float | None = None
    value_high: float | None = None
    qualifier: str = "="
    timepoint: float | None = None  # months, for landmark rates
    ci_low: float | str | None = None
    ci_high: float | str | None = None
    ci_level: int | str | None = None
    p_value: str = ""
    arm: str = ""
    comparator: str = ""
    population: str = "ITT"
    population_zh: str = ""
    term: str = ""  # e.g. the adverse event or characteristic
    term_zh: str = ""
    assessment: str = "not-stated"
    n: int | None = None
    n_total: int | None = None
    flags: tuple[str, ...] = ()
    note: str = ""
    position: int = 0  # order within the trial file
    note_zh: str = ""


@dataclass(frozen=True)
class Discrepancy:
    id: str
    trial: str
    kind: str
    summary: str
    values: tuple[str, ...]  # qualified value ids "trial:value-id"
    summary_zh: str = ""


@dataclass(frozen=True)
class Trial:
    id: str
    name: str
    title: str
    cancer_type: str
    setting: str
    line: str
    phase: str
    design: str
    blinding: str
    file: str
    title_zh: str = ""
    name_zh: str = ""
    condition: str = ""
    condition_zh: str = ""
    registry_ids: tuple[str, ...] = ()
    control: str = ""
    primary_endpoint: str = ""
    drugs: tuple[str, ...] = ()
    drugs_zh: tuple[str, ...] = ()
    drug_classes: tuple[str, ...] = ()
    presented: tuple[str, ...] = ()
    note: str = ""
    note_zh: str = ""
    origin: str = "curated"  # curated | user (imported in a session)
    caveats: tuple[str, ...] = ()  # CAVEATS keys
    control_zh: str = ""
    drug_classes_zh: tuple[str, ...] = ()  # in the order of drug_classes


@dataclass
class Evidence:
    """Everything loaded from a data folder: the valid records and every problem found."""

    sources: list[Source] = field(default_factory=list)
    trials: list[Trial] = field(default_factory=list)
    arms: list[Arm] = field(default_factory=list)
    analyses: list[Analysis] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    errors: list = field(default_factory=list)  # list[core.records.Problem]
