-- The long export, over the materialised value rows (core/db.py runs this last).

-- The long export: one row per value.
CREATE VIEW v_export AS
SELECT
    -- the columns and their order are core/schema.py's CSV_COLUMNS (the import reads the same list)
    -- the trial
    v.trial, v.trial_name, t.title AS trial_title, v.cancer_type, t.setting, t.line, v.phase, v.design,
    t.blinding,
    t.name_zh AS trial_name_zh, t.title_zh AS trial_title_zh, t.condition, t.condition_zh, t.control,
    t.primary_endpoint, array_to_string(t.registry_ids, ';') AS registry_ids,
    array_to_string(t.caveats, ';') AS trial_caveats,
    -- the data cut and the arms compared
    v.analysis, v.analysis_label, v.analysis_kind, v.cutoff,
    v.arm, v.arm_label, v.arm_role, v.comparator, v.comparator_label, coalesce(cmp.role, '') AS comparator_role,
    -- the value as printed
    v.population, v.population_zh, v.endpoint, v.measure, v.timepoint,
    v.value_text AS value, v.value_high_text AS value_high, v.qualifier,
    -- numbers only in ci_low / ci_high / ci_level; "NR", "NE" and "unknown" in their own text columns
    CASE WHEN v.ci_low_text IN ('NR', 'NE') THEN '' ELSE v.ci_low_text END AS ci_low,
    CASE WHEN v.ci_high_text IN ('NR', 'NE') THEN '' ELSE v.ci_high_text END AS ci_high,
    CASE WHEN v.ci_level = 'unknown' THEN '' ELSE v.ci_level END AS ci_level,
    CASE WHEN v.ci_low_text IN ('NR', 'NE') THEN v.ci_low_text ELSE '' END AS ci_low_text,
    CASE WHEN v.ci_high_text IN ('NR', 'NE') THEN v.ci_high_text ELSE '' END AS ci_high_text,
    CASE WHEN v.ci_level = 'unknown' THEN v.ci_level ELSE '' END AS ci_level_text,
    v.unit, v.p_value, v.assessment,
    v.term, v.term_zh, v.n, v.n_total,
    -- where it comes from, and its caveats
    v.source, v.snippet, v.evidence_kind, array_to_string(v.flags, ';') AS flags,
    coalesce(links.discrepancies, '') AS discrepancies, v.id AS value_id, v.note
FROM value_rows v
JOIN trials t ON t.id = v.trial
LEFT JOIN arms cmp ON cmp.trial = v.trial AND cmp.id = v.comparator
LEFT JOIN (
    -- "id:kind;id:kind": enough to relink the values after an import
    SELECT dv.trial, dv.value_id, string_agg(dv.discrepancy || ':' || d.kind, ';' ORDER BY dv.discrepancy) AS discrepancies
    FROM discrepancy_values dv JOIN discrepancies d ON d.id = dv.discrepancy
    GROUP BY ALL
) links ON links.trial = v.trial AND links.value_id = v.id
ORDER BY v.trial, v.analysis_sequence, v.position;
