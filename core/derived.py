"""Derived numbers: the arithmetic a reader does next, with every input's provenance.

Nothing here is stored as if printed. Each function computes from curated values at query
time and each derived row carries ``derived=True``, the formula, the ids of the values it
came from ("trial:value-id", each keeping its own source and snippet), the method behind
its uncertainty, and — when it is *not* computed — a reason code saying why.

The pure functions take numbers; the frame builders take the rows of
:mod:`core.queries` (``value_rows`` columns) and return tidy frames with stable column keys
and codes (no display strings), for the pages, the card and the CSV alike.

Methods
-------
* Rate difference between two arms (percentage points): the normal approximation from
  each arm's CI, SE_i = (U_i − L_i) / (2·z_level_i), SE = √(SE_1² + SE_2²), CI = d ± z_95·SE.
  With counts on both arms (x/n), Newcombe's hybrid score interval from Wilson intervals
  (Newcombe 1998, method 10) instead.
* Number needed to treat: NNT = 100 / d (d in percentage points); its CI is the inverted CI
  of d. When that CI crosses 0 it is NNTB(1/U) … ∞ … NNTH(1/|L|) (Altman 1998).
* Median difference: only when both medians are reached; a bound when exactly one is
  given as "> x" (then the difference is at least / at most …); nothing otherwise. No CI.
* CI level conversion to 95% for ratios: SE = (ln U − ln L) / (2·z_level), interval
  exp(ln HR ± z_95·SE); never for a level that is not stated.
* Anchored indirect comparison (Bucher 1997): ln HR_AB = ln HR_AC − ln HR_BC,
  SE = √(SE_AC² + SE_BC²), each SE from its CI and its *stated* level.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import pandas as pd

from core import schema

Z_95 = NormalDist().inv_cdf(0.975)
STATED_LEVELS = schema.CI_LEVELS

# --- kinds of derived value and reasons for not computing one -------------------------------

KINDS: dict[str, tuple[str, str]] = {
    "rate-difference": ("Absolute difference in landmark rate", "里程碑生存率绝对差值"),
    "nnt": ("Number needed to treat", "需治疗人数(NNT)"),
    "median-difference": ("Difference in medians", "中位数差值"),
    "timeline-change": ("Change from the previous data cut", "较上一数据截点的变化"),
    "ci-95": ("Interval converted to 95%", "换算为95%置信区间"),
    "indirect-hr": ("Anchored indirect hazard ratio (Bucher)", "共同对照间接比较风险比(Bucher法)"),
}

REASONS: dict[str, tuple[str, str]] = {
    "not-randomized": ("Not a randomized comparison between arms", "非随机分组间比较"),
    "review-claim": ("A review's claim, not a trial report", "综述引述,非试验报告"),
    "qualified-value": ("A rate given as a bound or range, not a value", "该比率为界值或范围,非确切数值"),
    "no-ci": (
        "No interval for one of the inputs: uncertainty left out",
        "某一输入值无置信区间:不给出不确定性",
    ),
    "ci-level-not-stated": (
        "The interval's confidence level is not stated: not converted",
        "置信区间水平未说明:不作换算",
    ),
    "both-not-reached": ("Neither median is reached", "两组中位数均未达到"),
    "not-reached-no-bound": (
        "A median not reached without a printed bound",
        "中位数未达到且无可用界值",
    ),
    "approximate-or-range": ("A median given as approximate or as a range", "中位数为约数或范围"),
    "single-arm": ("A single-arm trial has no comparison to anchor on", "单臂试验无可锚定的比较"),
    "subgroup-vs-whole": (
        "A subgroup against a whole population",
        "亚组与整体人群比较",
    ),
    "no-comparison-between-arms": ("Not a comparison between arms", "非组间比较"),
    "already-95": ("Already a 95% interval", "已是95%置信区间"),
    "different-assessment": (
        "The two cuts state different assessments: no change computed",
        "两个截点的评估方式不同:不计算变化",
    ),
}

METHODS: dict[str, tuple[str, str]] = {
    "normal-from-cis": (
        "Normal approximation from the arms' CIs: SE = (upper − lower) / (2·z) per arm",
        "由各组置信区间按正态近似:每组 SE = (上限 − 下限) / (2·z)",
    ),
    "newcombe-wilson": (
        "Newcombe hybrid score interval from Wilson intervals of the counts",
        "基于各组例数Wilson区间的Newcombe混合得分区间",
    ),
    "inverted-ci": (
        "1 / difference; CI inverted (Altman 1998)",
        "1 / 差值;置信区间取倒数(Altman 1998)",
    ),
    "difference-of-printed": ("Difference of the printed figures; no CI", "印出数字之差;无置信区间"),
    "log-scale-conversion": (
        "Log scale: SE = (ln U − ln L) / (2·z_level); exp(ln HR ± 1.96·SE)",
        "对数尺度:SE = (ln U − ln L) / (2·z_水平);exp(ln HR ± 1.96·SE)",
    ),
    "bucher": (
        "Bucher: ln HR_AB = ln HR_AC − ln HR_BC; SE = √(SE_AC² + SE_BC²)",
        "Bucher法:ln HR_AB = ln HR_AC − ln HR_BC;SE = √(SE_AC² + SE_BC²)",
    ),
}

ESTIMATE_COLUMNS = ("value", "qualifier", "ci_low", "ci_high", "ci_level", "unit")
"""An estimate's own columns, in order: every derived frame and export lists them together."""

COLUMNS = (
    "derived",
    "kind",
    "trial",
    "trial_name",
    "trial_b",
    "trial_b_name",
    "analysis",
    "analysis_label",
    "endpoint",
    "measure",
    "population",
    "assessment",
    "timepoint",
    "arm",
    "arm_label",
    "comparator",
    "comparator_label",
    *ESTIMATE_COLUMNS,
    "direction",
    "ci_crosses_zero",
    *schema.DERIVED_COLUMNS,
    # the labels' Chinese, so a derived row reads in the reader's language (never exported)
    "trial_name_zh",
    "analysis_label_zh",
    "arm_label_zh",
    "comparator_label_zh",
    "population_zh",
)
"""Every derived frame has these columns (a builder may add its own after them)."""


# --- pure functions ------------------------------------------------------------------------


def z_value(level: float) -> float:
    """The two-sided standard-normal quantile for a confidence level in percent (95 → 1.96)."""
    return NormalDist().inv_cdf(0.5 + float(level) / 200)


def stated_level(level) -> int | None:
    """The CI level as a number when it is stated (80, 90, 95), else ``None``."""
    try:
        number = int(float(level))
    except (TypeError, ValueError):
        return None
    return number if number in STATED_LEVELS else None


def se_from_ci(low: float, high: float, level: float) -> float:
    """Standard error of an estimate on its own scale from a CI at ``level`` percent."""
    return (float(high) - float(low)) / (2 * z_value(level))


def log_se_from_ci(low: float, high: float, level: float) -> float:
    """Standard error of ln(ratio) from a ratio's CI at ``level`` percent."""
    return (math.log(float(high)) - math.log(float(low))) / (2 * z_value(level))


@dataclass(frozen=True)
class Estimate:
    """A derived estimate: value and 95% interval (``None`` when not computable)."""

    value: float
    low: float | None = None
    high: float | None = None
    method: str = ""


def rate_difference_from_cis(
    rate_a: float,
    ci_a: tuple[float, float],
    level_a: float,
    rate_b: float,
    ci_b: tuple[float, float],
    level_b: float,
) -> Estimate:
    """Difference a − b in percentage points, 95% CI by normal approximation from the CIs."""
    se = math.hypot(se_from_ci(*ci_a, level_a), se_from_ci(*ci_b, level_b))
    diff = float(rate_a) - float(rate_b)
    return Estimate(diff, diff - Z_95 * se, diff + Z_95 * se, "normal-from-cis")


def wilson_interval(events: int, total: int, level: float = 95) -> tuple[float, float]:
    """Wilson score interval of a proportion (as fractions)."""
    z = z_value(level)
    p = events / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (centre - spread) / denominator, (centre + spread) / denominator


def newcombe_difference(x_a: int, n_a: int, x_b: int, n_b: int) -> Estimate:
    """Difference of proportions a − b in percentage points, Newcombe hybrid score 95% CI."""
    p_a, p_b = x_a / n_a, x_b / n_b
    l_a, u_a = wilson_interval(x_a, n_a)
    l_b, u_b = wilson_interval(x_b, n_b)
    diff = p_a - p_b
    low = diff - math.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)
    high = diff + math.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)
    return Estimate(100 * diff, 100 * low, 100 * high, "newcombe-wilson")


@dataclass(frozen=True)
class NNT:
    """A number needed to treat with its Altman interval.

    ``direction`` is ``"benefit"`` (NNTB) or ``"harm"`` (NNTH) for the point estimate.
    When the difference's CI excludes 0, ``low``/``high`` are the NNT bounds in the same
    direction. When it crosses 0, ``benefit_bound`` is NNTB at the favourable end,
    ``harm_bound`` NNTH at the other, and the interval runs through infinity.
    """

    value: float
    direction: str
    low: float | None = None
    high: float | None = None
    crosses_zero: bool = False
    benefit_bound: float | None = None
    harm_bound: float | None = None


def number_needed_to_treat(diff: float, low: float | None = None, high: float | None = None) -> NNT | None:
    """NNT from a difference in percentage points (positive = benefit); ``None`` when d = 0."""
    if diff == 0:
        return None
    value = 100 / abs(diff)
    direction = "benefit" if diff > 0 else "harm"
    if low is None or high is None:
        return NNT(value, direction)
    if low > 0 or high < 0:
        bounds = sorted((100 / abs(low), 100 / abs(high)))
        return NNT(value, direction, bounds[0], bounds[1])
    benefit = 100 / high if high > 0 else None
    harm = 100 / abs(low) if low < 0 else None
    return NNT(value, direction, crosses_zero=True, benefit_bound=benefit, harm_bound=harm)


def nnt_text(nnt: NNT, digits: int = 1, to: str = "to") -> str:
    """'NNTB 1.9 (95% CI NNTB 1.6 to 2.4)' or 'NNTB 12.5 (95% CI NNTH 33.3 … ∞ … NNTB 7.7)'."""
    label = {"benefit": "NNTB", "harm": "NNTH"}
    head = f"{label[nnt.direction]} {nnt.value:.{digits}f}"
    if nnt.crosses_zero:
        harm = f"NNTH {nnt.harm_bound:.{digits}f}" if nnt.harm_bound is not None else "∞"
        benefit = f"NNTB {nnt.benefit_bound:.{digits}f}" if nnt.benefit_bound is not None else "∞"
        return f"{head} (95% CI {harm} … ∞ … {benefit})"
    if nnt.low is None:
        return head
    return f"{head} (95% CI {nnt.low:.{digits}f} {to} {nnt.high:.{digits}f})"


def convert_ratio_ci_to_95(ratio: float, low: float, high: float, level) -> Estimate | None:
    """A ratio's CI at a stated level re-expressed at 95% on the log scale; ``None`` if unstated."""
    stated = stated_level(level)
    if stated is None:
        return None
    se = log_se_from_ci(low, high, stated)
    centre = math.log(float(ratio))
    return Estimate(
        float(ratio), math.exp(centre - Z_95 * se), math.exp(centre + Z_95 * se), "log-scale-conversion"
    )


def bucher(
    hr_ac: float, ci_ac: tuple[float, float], level_ac, hr_bc: float, ci_bc: tuple[float, float], level_bc
) -> Estimate | None:
    """Anchored indirect HR of A vs B through common comparator C; ``None`` if a level is unstated."""
    a, b = stated_level(level_ac), stated_level(level_bc)
    if a is None or b is None:
        return None
    se = math.hypot(log_se_from_ci(*ci_ac, a), log_se_from_ci(*ci_bc, b))
    log_hr = math.log(float(hr_ac)) - math.log(float(hr_bc))
    return Estimate(math.exp(log_hr), math.exp(log_hr - Z_95 * se), math.exp(log_hr + Z_95 * se), "bucher")


# --- frame builders ------------------------------------------------------------------------


def _ref(row) -> str:
    return f"{row['trial']}:{row['id']}"


def _num(value) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _text(row, key: str) -> str:
    value = row.get(key, "") if hasattr(row, "get") else row[key]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _base(kind: str, row, other=None) -> dict:
    out = dict.fromkeys(COLUMNS)
    out.update(
        derived=True,
        kind=kind,
        trial=row["trial"],
        trial_name=_text(row, "trial_name"),
        trial_b="",
        trial_b_name="",
        analysis=_text(row, "analysis"),
        analysis_label=_text(row, "analysis_label"),
        endpoint=row["endpoint"],
        measure=row["measure"],
        population=_text(row, "population"),
        assessment=_text(row, "assessment"),
        timepoint=_num(row.get("timepoint")),
        arm=_text(row, "arm"),
        arm_label=_text(row, "arm_label"),
        comparator=_text(other, "arm") if other is not None else _text(row, "comparator"),
        comparator_label=_text(other, "arm_label") if other is not None else _text(row, "comparator_label"),
        trial_name_zh=_text(row, "trial_name_zh"),
        analysis_label_zh=_text(row, "analysis_label_zh"),
        arm_label_zh=_text(row, "arm_label_zh"),
        comparator_label_zh=_text(other, "arm_label_zh")
        if other is not None
        else _text(row, "comparator_label_zh"),
        population_zh=_text(row, "population_zh"),
        qualifier="=",
        ci_level="",
        direction="",
        ci_crosses_zero=False,
        formula="",
        inputs="",
        method="",
        reason="",
    )
    return out


_PAIR_KEYS = ("trial", "analysis", "endpoint", "measure", "population", "assessment", "term", "evidence_kind")


NEEDED_COLUMNS = (
    "trial", "id", "trial_name", "trial_name_zh", "origin", "design", "phase",
    "analysis", "analysis_label", "analysis_label_zh", "analysis_kind", "analysis_sequence", "cutoff",
    "position", "endpoint", "measure", "unit", "arm", "arm_label", "arm_label_zh", "arm_role",
    "comparator", "comparator_label", "comparator_label_zh", "population", "population_zh",
    "assessment", "term", "term_zh", "timepoint", "value", "value_high", "qualifier",
    "ci_low", "ci_high", "ci_level", "value_text", "value_high_text", "ci_low_text", "ci_high_text",
    "p_value", "n", "n_total", "evidence_kind", "source", "snippet", "flags",
)  # fmt: skip
"""The value-row columns the builders read; the rest are dropped before going row-wise
(turning every wide row into a dict was most of the cost of a large export)."""


def _narrow(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[c for c in NEEDED_COLUMNS if c in frame.columns]]


def _tp(row) -> float:
    number = _num(row.get("timepoint"))
    return -1.0 if number is None else number


def _arm_pairs(rows: pd.DataFrame, measure: str) -> Iterable[tuple[dict, dict]]:
    """(experimental, control) rows of one measure in the same trial, cut, endpoint, population,
    assessment, term and time point.

    Grouped over plain records: a pandas groupby with a frame per group cost ~10 ms a trial.
    """
    mask = (
        (rows["measure"] == measure)
        & rows["endpoint"].isin(schema.SURVIVAL_ENDPOINTS)
        & (rows["comparator"].fillna("") == "")
        & (rows["arm"].fillna("") != "")
    )
    groups: dict[tuple, list[dict]] = {}
    for record in _narrow(rows[mask]).to_dict("records"):
        key = (*(record.get(k) for k in _PAIR_KEYS), _tp(record))
        groups.setdefault(key, []).append(record)
    for members in groups.values():
        experimental = [m for m in members if m.get("arm_role") == "experimental"]
        control = [m for m in members if m.get("arm_role") == "control"]
        for exp in experimental:
            for ctl in control:
                yield exp, ctl


def _refusal(exp, ctl) -> str:
    if exp.get("design") != "randomized":
        return "not-randomized"
    if exp.get("evidence_kind") == "review-claim" or ctl.get("evidence_kind") == "review-claim":
        return "review-claim"
    return ""


def absolute_effects(rows: pd.DataFrame) -> pd.DataFrame:
    """Rate differences, NNTs and median differences between the arms of randomized trials.

    ``rows`` are value rows (``queries.trial_values`` / ``value_rows``). One row per
    computed value, and one per pair *not* computed, with its ``reason``.
    """
    out: list[dict] = []
    if rows is None or rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    for exp, ctl in _arm_pairs(rows, "landmark"):
        out.extend(_rate_rows(exp, ctl))
    for exp, ctl in _arm_pairs(rows, "median"):
        out.append(_median_row(exp, ctl))
    return pd.DataFrame(out, columns=COLUMNS)


def _rate_rows(exp, ctl) -> list[dict]:
    base = _base("rate-difference", exp, ctl)
    base.update(
        unit="percentage-points", inputs=f"{_ref(exp)};{_ref(ctl)}", formula=f"{_ref(exp)} − {_ref(ctl)}"
    )
    a, b = _num(exp["value"]), _num(ctl["value"])
    reason = _rate_refusal(exp, ctl, a, b)
    if reason:
        base["reason"] = reason
        return [base]
    estimate, reason = _rate_estimate(exp, ctl, a, b)
    base.update(value=estimate.value, ci_low=estimate.low, ci_high=estimate.high, method=estimate.method)
    if reason:
        base["reason"] = reason
    if estimate.low is not None:
        base.update(ci_level="95", ci_crosses_zero=estimate.low < 0 < estimate.high)
    nnt = _nnt_row(base, exp, ctl, estimate)
    return [base] if nnt is None else [base, nnt]


def _rate_refusal(exp, ctl, a: float | None, b: float | None) -> str:
    """Why two landmark rates are not subtracted at all ("" when they are)."""
    reason = _refusal(exp, ctl)
    if reason:
        return reason
    if exp["qualifier"] != "=" or ctl["qualifier"] != "=" or a is None or b is None:
        return "qualified-value"
    return ""


def _rate_estimate(exp, ctl, a: float, b: float) -> tuple[Estimate, str]:
    """The rate difference with the best interval the rows allow, and why it has none.

    Counts give a Newcombe interval; otherwise each arm's stated-level CI; otherwise the
    difference of the printed rates alone, with the reason the interval is missing.
    """
    counts = [_num(exp.get("n")), _num(exp.get("n_total")), _num(ctl.get("n")), _num(ctl.get("n_total"))]
    if all(c is not None for c in counts) and counts[1] and counts[3]:
        interval = newcombe_difference(int(counts[0]), int(counts[1]), int(counts[2]), int(counts[3]))
        return Estimate(a - b, interval.low, interval.high, interval.method), ""
    cis = [_num(exp["ci_low"]), _num(exp["ci_high"]), _num(ctl["ci_low"]), _num(ctl["ci_high"])]
    have_cis = all(c is not None for c in cis)
    levels = stated_level(exp["ci_level"]), stated_level(ctl["ci_level"])
    if have_cis and None not in levels:
        return rate_difference_from_cis(a, (cis[0], cis[1]), levels[0], b, (cis[2], cis[3]), levels[1]), ""
    reason = "ci-level-not-stated" if have_cis else "no-ci"
    return Estimate(a - b, method="difference-of-printed"), reason


def _nnt_row(base: dict, exp, ctl, estimate: Estimate) -> dict | None:
    """The NNT row that goes with a rate difference, or None when there is no NNT."""
    nnt = number_needed_to_treat(estimate.value, estimate.low, estimate.high)
    if nnt is None:
        return None
    row = dict(base)
    row.update(
        kind="nnt",
        unit="patients",
        value=nnt.value,
        direction=nnt.direction,
        ci_crosses_zero=nnt.crosses_zero,
        ci_low=nnt.benefit_bound if nnt.crosses_zero else nnt.low,
        ci_high=nnt.harm_bound if nnt.crosses_zero else nnt.high,
        formula=f"100 / ({_ref(exp)} − {_ref(ctl)})",
        method="inverted-ci" if estimate.low is not None else "difference-of-printed",
    )
    return row


def _median_row(exp, ctl) -> dict:
    base = _base("median-difference", exp, ctl)
    base.update(
        unit=exp["unit"],
        inputs=f"{_ref(exp)};{_ref(ctl)}",
        formula=f"{_ref(exp)} − {_ref(ctl)}",
        method="difference-of-printed",
        timepoint=None,
    )
    reason = _refusal(exp, ctl)
    if reason:
        base["reason"] = reason
        return base
    qa, qb = exp["qualifier"], ctl["qualifier"]
    a, b = _num(exp["value"]), _num(ctl["value"])
    if qa == "=" and qb == "=" and a is not None and b is not None:
        base.update(value=a - b)
    elif qa == ">" and qb == "=" and a is not None and b is not None:
        base.update(value=a - b, qualifier=">")  # at least this much longer
    elif qa == "=" and qb == ">" and a is not None and b is not None:
        base.update(value=a - b, qualifier="<")
    elif qa in ("not-reached", ">") and qb in ("not-reached", ">"):
        base["reason"] = "both-not-reached"
    elif "not-reached" in (qa, qb):
        base["reason"] = "not-reached-no-bound"
    else:
        base["reason"] = "approximate-or-range"
    return base


_TIMELINE_COLUMNS = (
    "series",
    "trial",
    "id",
    "analysis",
    "analysis_label",
    "analysis_label_zh",
    "analysis_kind",
    "analysis_sequence",
    "cutoff",
    "endpoint",
    "measure",
    "arm",
    "arm_label",
    "comparator",
    "population",
    "assessment",
    "timepoint",
    "term",
    *ESTIMATE_COLUMNS,
    "previous",
    "change",
    "derived",
    "change_formula",
    "change_reason",
    "inputs",
    "follow_up",
    "follow_up_id",
)
"""The columns ``timeline`` names first, in this order."""

_SERIES_KEYS = ("trial", "endpoint", "measure", "arm", "comparator", "population", "term")
_TIMELINE_MEASURES = ("hr", "median", "landmark")


def timeline(rows: pd.DataFrame) -> pd.DataFrame:
    """Each estimate of a trial across its data cuts, ordered by cut, with the change from the
    previous cut and the follow-up printed for that cut.

    Only trial reports (a review is not a data cut) and only series seen at more than one cut.
    Columns: the value row's keys plus ``series``, ``previous``, ``change`` (a derived value,
    ``derived=True`` on that row only when a change is computed), ``change_formula``,
    ``inputs``, ``follow_up`` and ``follow_up_id``.
    """
    if rows is None or rows.empty:
        return pd.DataFrame(columns=_TIMELINE_COLUMNS)
    reports = rows[rows["evidence_kind"] == "trial-report"]
    follow_by_cut = _follow_up_by_cut(reports)
    out: list[dict] = []
    for key, members in _timeline_series(reports):
        if len({m["analysis"] for m in members}) >= 2:
            out.extend(_series_items(key, members, follow_by_cut))
    if not out:
        return pd.DataFrame(columns=_TIMELINE_COLUMNS)
    frame = pd.DataFrame(out)
    # the named columns first, then whatever else the value rows carried (printed texts, labels)
    columns = list(_TIMELINE_COLUMNS)
    return frame[[*columns, *(c for c in frame.columns if c not in columns)]]


def _follow_up_by_cut(reports: pd.DataFrame) -> dict[tuple, dict]:
    """The first median follow-up row of each (trial, analysis)."""
    follow = reports[(reports["endpoint"] == "FOLLOW-UP") & (reports["measure"] == "median")]
    by_cut: dict[tuple, dict] = {}
    for record in _narrow(follow).to_dict("records"):
        by_cut.setdefault((record["trial"], record["analysis"]), record)
    return by_cut


def _timeline_series(reports: pd.DataFrame) -> list[tuple[tuple, list[dict]]]:
    """The survival estimates of the reports grouped into series (key, rows), in first-seen order."""
    effects = reports[
        reports["endpoint"].isin(schema.SURVIVAL_ENDPOINTS) & reports["measure"].isin(_TIMELINE_MEASURES)
    ]
    by_key: dict[tuple, list[dict]] = {}
    for record in _narrow(effects).to_dict("records"):
        by_key.setdefault((*(record.get(k) for k in _SERIES_KEYS), _tp(record)), []).append(record)
    groups: list[tuple[tuple, list[dict]]] = []
    for key, members in by_key.items():
        groups += _split_by_assessment(key, members)
    return groups


def _split_by_assessment(key: tuple, members: list[dict]) -> list[tuple[tuple, list[dict]]]:
    """One series across cuts even when the assessment is printed at one cut and not at
    another (ALTA-1L); split by assessment only where one cut has several (BICR and
    investigator side by side)."""
    cuts = [m["analysis"] for m in members]
    if len(cuts) == len(set(cuts)):
        return [(key, members)]
    split: dict[str, list[dict]] = {}
    for member in members:
        split.setdefault(member["assessment"], []).append(member)
    return [((*key, assessment), part) for assessment, part in split.items()]


def _series_items(key: tuple, members: list[dict], follow_by_cut: dict[tuple, dict]) -> list[dict]:
    """The rows of one series ordered by cut, each with its change from the previous cut."""
    group = sorted(members, key=lambda m: (m["analysis_sequence"], m["position"]))
    series = "|".join(str(part) for part in key)
    items = []
    previous = None
    for row in group:
        items.append(
            _timeline_item(row, previous, series, follow_by_cut.get((row["trial"], row["analysis"])))
        )
        previous = row
    return items


_NO_CHANGE = dict(derived=False, change=None, previous="", change_formula="", change_reason="")
"""A timeline row before its change from the previous cut is worked out (the first cut keeps it)."""


def _timeline_item(row: dict, previous: dict | None, series: str, fu: dict | None) -> dict:
    """One value row of a series with its series key, follow-up and change (``fu``: the
    follow-up row of its cut, if any)."""
    item = dict(row)
    item.update(
        series=series,
        **_NO_CHANGE,
        inputs=_ref(row),
        follow_up=_num(fu["value"]) if fu is not None else None,
        follow_up_id=_ref(fu) if fu is not None else "",
    )
    if previous is not None:
        item["previous"] = _ref(previous)
        item.update(_change(row, previous))
    return item


def _change(row: dict, previous: dict) -> dict:
    """The fields the change from the previous cut sets: the change, or the reason there is
    none; nothing when either value is qualified or missing (no reason is stated for that)."""
    if row["assessment"] != previous["assessment"]:
        return {"change_reason": "different-assessment"}
    now, before = _num(row["value"]), _num(previous["value"])
    if row["qualifier"] != "=" or previous["qualifier"] != "=" or now is None or before is None:
        return {}
    return {
        "change": now - before,
        "derived": True,
        "change_formula": f"{_ref(row)} − {_ref(previous)}",
        "inputs": f"{_ref(row)};{_ref(previous)}",
    }


def ci_at_95(rows: pd.DataFrame) -> pd.DataFrame:
    """Hazard ratios whose interval is printed at a stated level other than 95%, converted.

    Intervals with no stated level are never converted: they get a row with ``reason``
    ``ci-level-not-stated`` so the page can say why.
    """
    out: list[dict] = []
    if rows is None or rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    for row in _narrow(rows[rows["measure"] == "hr"]).to_dict("records"):
        low, high, value = _num(row["ci_low"]), _num(row["ci_high"]), _num(row["value"])
        if low is None or high is None or value is None or low <= 0:
            continue
        level = stated_level(row["ci_level"])
        if level == 95:
            continue
        base = _base("ci-95", row)
        base.update(
            value=value,
            unit=row["unit"],
            inputs=_ref(row),
            formula=f"exp(ln {_ref(row)} ± 1.96 × (ln U − ln L) / (2 × z_{row['ci_level']}))",
            method="log-scale-conversion",
        )
        converted = convert_ratio_ci_to_95(value, low, high, row["ci_level"])
        if converted is None:
            base["reason"] = "ci-level-not-stated"
        else:
            base.update(ci_low=converted.low, ci_high=converted.high, ci_level="95")
        out.append(base)
    return pd.DataFrame(out, columns=COLUMNS)


def _comparator_key(row) -> str:
    return " ".join(_text(row, "comparator_label").lower().split())


def indirect_candidates(rows: pd.DataFrame, max_pairs: int = 1000) -> pd.DataFrame:
    """Pairs of hazard ratios from two different trials that share a control regimen on the
    same endpoint: the inputs of a Bucher comparison, each pair computed or refused.

    ``rows`` are hazard-ratio value rows (e.g. ``queries.forest_rows``). Returns
    :data:`COLUMNS` plus ``input_a`` and ``input_b`` (qualified value ids); at most
    ``max_pairs`` pairs.
    """
    out: list[dict] = []
    if rows is None or rows.empty:
        return pd.DataFrame(columns=[*COLUMNS, "input_a", "input_b"])
    hrs = rows[rows["measure"] == "hr"].reset_index(drop=True)
    hrs = hrs.assign(_control=[_comparator_key(r) for _, r in hrs.iterrows()])
    hrs = hrs[hrs["_control"] != ""]
    # only hazard ratios on the same endpoint against the same control can pair up
    for _, group in hrs.groupby(["endpoint", "_control"], sort=False):
        members = [row for _, row in group.iterrows()]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a["trial"] == b["trial"]:
                    continue
                out.append(indirect_row(a, b))
                if len(out) >= max_pairs:
                    return pd.DataFrame(out, columns=[*COLUMNS, "input_a", "input_b"])
    return pd.DataFrame(out, columns=[*COLUMNS, "input_a", "input_b"])


def indirect_refusal(a, b) -> str:
    """Why an anchored indirect comparison of ``a`` and ``b`` is not offered ('' if it is)."""
    for row in (a, b):
        if row.get("design") == "single-arm":
            return "single-arm"
        if row.get("design") != "randomized":
            return "not-randomized"
        if row.get("evidence_kind") == "review-claim":
            return "review-claim"
        if not _text(row, "arm") or not _text(row, "comparator"):
            return "no-comparison-between-arms"
    if (a["population"] == "ITT") != (b["population"] == "ITT"):
        return "subgroup-vs-whole"
    for row in (a, b):
        if _num(row["ci_low"]) is None or _num(row["ci_high"]) is None:
            return "no-ci"
        if stated_level(row["ci_level"]) is None:
            return "ci-level-not-stated"
    return ""


def indirect_row(a, b) -> dict:
    """The Bucher comparison of ``a`` (A vs C) with ``b`` (B vs C), or its refusal."""
    base = _base("indirect-hr", a)
    base.update(
        trial_b=b["trial"],
        trial_b_name=_text(b, "trial_name"),
        comparator=_text(b, "arm"),
        comparator_label=_text(b, "arm_label"),
        comparator_label_zh=_text(b, "arm_label_zh"),
        unit="ratio",
        inputs=f"{_ref(a)};{_ref(b)}",
        formula=f"exp(ln {_ref(a)} − ln {_ref(b)})",
        method="bucher",
        timepoint=None,
        analysis=f"{a['analysis']} | {b['analysis']}",
        analysis_label="",
        analysis_label_zh="",
        population_zh=_text(a, "population_zh") if a["population"] == b["population"] else "",
        population=a["population"]
        if a["population"] == b["population"]
        else f"{a['population']} | {b['population']}",
    )
    base["input_a"], base["input_b"] = _ref(a), _ref(b)
    reason = indirect_refusal(a, b)
    if reason:
        base["reason"] = reason
        return base
    estimate = bucher(
        _num(a["value"]),
        (_num(a["ci_low"]), _num(a["ci_high"])),
        a["ci_level"],
        _num(b["value"]),
        (_num(b["ci_low"]), _num(b["ci_high"])),
        b["ci_level"],
    )
    base.update(value=estimate.value, ci_low=estimate.low, ci_high=estimate.high, ci_level="95")
    return base


DIFFERENCES = ("assessment", "analysis", "cutoff", "follow_up", "line", "population", "design", "phase")


def what_differs(
    a, b, follow_up: dict[str, str] | None = None, lines: dict[str, str] | None = None
) -> pd.DataFrame:
    """Side by side, what differs between the two trials of an indirect comparison.

    ``follow_up`` and ``lines`` map a trial id to its printed follow-up text and line key.
    Columns: ``aspect`` (a stable key), ``a``, ``b``, ``differs``.
    """
    follow_up = follow_up or {}
    lines = lines or {}
    values = {
        "assessment": (_text(a, "assessment"), _text(b, "assessment")),
        "analysis": (
            _text(a, "analysis_label") or _text(a, "analysis"),
            _text(b, "analysis_label") or _text(b, "analysis"),
        ),
        "analysis_kind": (_text(a, "analysis_kind"), _text(b, "analysis_kind")),
        "cutoff": (_text(a, "cutoff"), _text(b, "cutoff")),
        "follow_up": (follow_up.get(a["trial"], ""), follow_up.get(b["trial"], "")),
        "line": (lines.get(a["trial"], ""), lines.get(b["trial"], "")),
        "population": (_text(a, "population"), _text(b, "population")),
        "phase": (_text(a, "phase"), _text(b, "phase")),
    }
    return pd.DataFrame(
        [{"aspect": key, "a": x, "b": y, "differs": x != y} for key, (x, y) in values.items()],
        columns=["aspect", "a", "b", "differs"],
    )


def derived_export_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Every derived value of ``rows`` that is computed, for the CSV export.

    Absolute effects, timeline changes and converted intervals; refusals are left out
    (a CSV row is a number). Columns follow :data:`COLUMNS`.
    """
    frames = [absolute_effects(rows), ci_at_95(rows)]
    tl = timeline(rows)
    if not tl.empty:
        changes = tl[tl["derived"].astype(bool)]
        if not changes.empty:
            frames.append(
                pd.DataFrame(
                    [
                        {
                            **dict.fromkeys(COLUMNS),
                            "derived": True,
                            "kind": "timeline-change",
                            "trial": r["trial"],
                            "analysis": r["analysis"],
                            "analysis_label": r["analysis_label"],
                            "endpoint": r["endpoint"],
                            "measure": r["measure"],
                            "population": r["population"],
                            "assessment": r["assessment"],
                            "timepoint": r["timepoint"],
                            "arm": r["arm"],
                            "comparator": r["comparator"],
                            "value": r["change"],
                            "qualifier": "=",
                            "unit": r["unit"],
                            "formula": r["change_formula"],
                            "inputs": r["inputs"],
                            "method": "difference-of-printed",
                            "reason": "",
                            "ci_crosses_zero": False,
                        }
                        for r in changes.to_dict("records")
                    ],
                    columns=COLUMNS,
                )
            )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    # a conversion that was refused has no interval of its own: nothing derived to export
    refused = (out["kind"] == "ci-95") & out["ci_low"].isna()
    return out[out["value"].notna() & ~refused].reset_index(drop=True)


def refs(inputs: str) -> Sequence[str]:
    """The qualified value ids of an ``inputs`` cell."""
    return [part for part in inputs.split(";") if part]


# --- the CSV export ------------------------------------------------------------------------

EXPORT_EXTRA_COLUMNS = schema.DERIVED_COLUMNS
"""Columns the long export adds for derived rows (empty on printed values)."""

DERIVED_EVIDENCE_KIND = "derived"


def _cell(value, digits: int) -> str:
    number = _num(value)
    if number is None:
        return ""
    return f"{round(number, digits):g}"


STANDALONE_EXPORT_COLUMNS = (
    "trial",
    "trial_name",
    "trial_b",
    "analysis",
    "arm",
    "comparator",
    "population",
    "endpoint",
    "measure",
    "timepoint",
    *ESTIMATE_COLUMNS,
    "evidence_kind",
    "flags",
    *schema.DERIVED_COLUMNS,
)
"""Columns of a CSV of derived values on their own (e.g. the comparison page's pairs)."""


def export_rows(frame: pd.DataFrame, columns: Sequence[str] = STANDALONE_EXPORT_COLUMNS) -> pd.DataFrame:
    """Derived rows in the long export's columns: evidence kind and flag ``derived``, formula,
    input value ids and method; no source or snippet (a derived value has none of its own)."""
    rows = []
    for number, r in enumerate(frame.to_dict("records"), start=1):
        digits = 3 if r["unit"] == "ratio" else 2
        rows.append(
            {
                **dict.fromkeys(columns, ""),
                "trial": r["trial"],
                "trial_name": r["trial_name"] or "",
                "trial_b": r.get("trial_b") or "",
                "analysis": r["analysis"],
                "analysis_label": r["analysis_label"] or "",
                "arm": r["arm"] or "",
                "arm_label": r["arm_label"] or "",
                "comparator": r["comparator"] or "",
                "comparator_label": r["comparator_label"] or "",
                "population": r["population"] or "",
                "endpoint": r["endpoint"],
                "measure": r["kind"],
                "timepoint": _cell(r["timepoint"], 1),
                "value": _cell(r["value"], digits),
                "qualifier": r["qualifier"] or "=",
                "ci_low": _cell(r["ci_low"], digits),
                "ci_high": _cell(r["ci_high"], digits),
                "ci_level": r["ci_level"] or "",
                "unit": r["unit"],
                "assessment": r["assessment"] or "",
                "evidence_kind": DERIVED_EVIDENCE_KIND,
                "flags": ";".join(["derived", *(["ci-crosses-0"] if r["ci_crosses_zero"] else [])]),
                "value_id": f"derived-{r['kind']}-{number}",
                "note": f"NNT{'B' if r['direction'] == 'benefit' else 'H'}" if r["kind"] == "nnt" else "",
                "formula": r["formula"],
                "inputs": r["inputs"],
                "method": r["method"],
                "reason": r["reason"] or "",
            }
        )
    return pd.DataFrame(rows, columns=list(columns))


def with_derived(values: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The long export ``values`` followed by the derived values computed from ``rows``."""
    columns = [*values.columns, *(c for c in EXPORT_EXTRA_COLUMNS if c not in values.columns)]
    out = values.copy()
    for column in EXPORT_EXTRA_COLUMNS:
        if column not in out.columns:
            out[column] = ""
    extra = export_rows(derived_export_rows(rows), columns)
    if extra.empty:
        return out
    return pd.concat([out, extra], ignore_index=True)


def export_frame(con, trial_ids: Sequence[str] = ()) -> pd.DataFrame:
    """The long export with the derived values of the same trials after the printed ones."""
    from core import queries

    return with_derived(queries.export_frame(con, trial_ids), queries.derivation_rows(con, trial_ids))
