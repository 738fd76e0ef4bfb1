-- Views over the evidence tables. Built once per compiled database (core/db.py).

-- Every value with its analysis, trial, arms and source, and whether it is the latest
-- figure of its kind: for one trial, endpoint, measure, population, assessment, arm pair,
-- term, time point and evidence kind, the value from the most recent analysis.
CREATE VIEW v_values AS
WITH ranked AS (
    SELECT
        v.*,
        a.label AS analysis_label,
        a.label_zh AS analysis_label_zh,
        a.kind AS analysis_kind,
        a.cutoff,
        a.sequence AS analysis_sequence,
        a.presented AS analysis_presented,
        row_number() OVER (
            PARTITION BY v.trial, v.endpoint, v.measure, v.population, v.assessment,
                         v.arm, v.comparator, v.term, coalesce(v.timepoint, -1), v.evidence_kind
            ORDER BY a.sequence DESC, v.position
        ) AS recency
    FROM vals v
    JOIN analyses a ON a.trial = v.trial AND a.id = v.analysis
)
SELECT
    r.* EXCLUDE (recency),
    r.recency = 1 AS is_latest,
    t.name AS trial_name,
    t.name_zh AS trial_name_zh,
    t.origin,
    CAST(t.caveats AS VARCHAR[]) AS trial_caveats,
    t.cancer_type,
    t.design,
    t.phase,
    coalesce(arm.label, '') AS arm_label,
    coalesce(arm.label_zh, '') AS arm_label_zh,
    coalesce(arm.role, '') AS arm_role,
    coalesce(cmp.label, '') AS comparator_label,
    coalesce(cmp.label_zh, '') AS comparator_label_zh,
    s.kind AS source_kind,
    s.script AS source_script,
    s.title AS source_title,
    s.urls AS source_urls,
    -- what a figure's citation names: outlet, date, citation as printed (core.presentation.citations)
    s.outlet AS source_outlet,
    s.date AS source_date,
    s.citation AS source_citation,
    CAST(t.registry_ids AS VARCHAR[]) AS trial_registry_ids,
    coalesce(d.disputed, false) AS disputed,
    coalesce(d.discrepancy_ids, []) AS discrepancy_ids
FROM ranked r
JOIN trials t ON t.id = r.trial
LEFT JOIN arms arm ON arm.trial = r.trial AND arm.id = r.arm
LEFT JOIN arms cmp ON cmp.trial = r.trial AND cmp.id = r.comparator
LEFT JOIN sources s ON s.id = r.source
LEFT JOIN (
    SELECT dv.trial, dv.value_id,
           bool_or(dk.kind <> 'agreement') AS disputed,
           list(DISTINCT dv.discrepancy ORDER BY dv.discrepancy) AS discrepancy_ids
    FROM discrepancy_values dv
    JOIN discrepancies dk ON dk.id = dv.discrepancy
    GROUP BY ALL
) d ON d.trial = r.trial AND d.value_id = r.id;

-- Materialised once at build time, and read by everything below: value_rows is stored in
-- trial order, so a trial's rows sit together and a lookup by trial reads one row group, not
-- the whole table. (Reading the view instead re-ran its window over every wide row: at
-- 100,000 trials that was 15 s for the headlines alone.)
CREATE TABLE value_rows AS SELECT * FROM v_values ORDER BY trial, analysis_sequence, position;

-- One row per trial with what the trials table shows and filters on.
CREATE VIEW v_trials AS
SELECT
    t.*,
    coalesce(sz.n, NULL) AS n_patients,
    coalesce(arms.arm_labels, []) AS arm_labels,
    coalesce(arms.arm_labels_zh, []) AS arm_labels_zh,
    coalesce(vv.endpoints, []) AS endpoints,
    coalesce(vv.evidence_kinds, []) AS evidence_kinds,
    coalesce(vv.source_ids, []) AS source_ids,
    coalesce(vv.n_values, 0) AS n_values,
    coalesce(vv.n_disputed, 0) AS n_disputed,
    an.latest_cutoff,
    an.latest_analysis_kind
FROM trials t
LEFT JOIN v_trial_sizes sz ON sz.trial = t.id
LEFT JOIN (
    SELECT trial,
           list(label ORDER BY position) AS arm_labels,
           list(coalesce(nullif(label_zh, ''), label) ORDER BY position) AS arm_labels_zh
    FROM arms GROUP BY trial
) arms ON arms.trial = t.id
LEFT JOIN (
    SELECT trial,
           list(DISTINCT endpoint ORDER BY endpoint) AS endpoints,
           list(DISTINCT evidence_kind ORDER BY evidence_kind) AS evidence_kinds,
           list(DISTINCT source ORDER BY source) AS source_ids,
           count(*) AS n_values,
           count(*) FILTER (WHERE disputed) AS n_disputed
    FROM v_values GROUP BY trial
) vv ON vv.trial = t.id
LEFT JOIN (
    SELECT trial,
           arg_max(cutoff, sequence) AS latest_cutoff,
           arg_max(kind, sequence) AS latest_analysis_kind
    FROM analyses GROUP BY trial
) an ON an.trial = t.id;

-- The figure a trial is summarised by in the table: its primary endpoint if reported,
-- preferring a trial report, the whole population, the latest cut, an effect estimate
-- (the headline_measure order), then the headline_endpoint order; never a context figure
-- (context_endpoint). The groups are core/schema.py's SUBSETS, read from the vocab table.
CREATE VIEW v_headline AS
WITH picked AS (
    -- the order is decided over a few narrow columns; the wide rows are read once, after
    SELECT trial, id
    FROM (
        SELECT v.trial, v.id,
               row_number() OVER (
                   PARTITION BY v.trial
                   ORDER BY (v.endpoint = t.primary_endpoint) DESC,
                            (v.evidence_kind = 'trial-report') DESC,
                            (v.population = 'ITT') DESC,
                            v.is_latest DESC,
                            coalesce(hm.position, 9),
                            coalesce(he.position, 99),
                            v.analysis_sequence DESC,
                            v.position
               ) AS pick
        FROM value_rows v
        JOIN trials t ON t.id = v.trial
        LEFT JOIN vocab hm ON hm.vocabulary = 'headline_measure' AND hm.key = v.measure
        LEFT JOIN vocab he ON he.vocabulary = 'headline_endpoint' AND he.key = v.endpoint
        WHERE v.endpoint NOT IN (SELECT key FROM vocab WHERE vocabulary = 'context_endpoint')
    )
    WHERE pick = 1
)
-- (trial, id) names one value: value ids are unique within a trial (core.records)
SELECT v.* FROM value_rows v SEMI JOIN picked p ON p.trial = v.trial AND p.id = v.id;

-- Materialised once at build time: the pages query these, not the views, so a page never
-- re-runs the window functions and aggregates (see docs/benchmarks.md). trial_rows is stored
-- in trial order, so its row ids (read by the trials page and the search index) are the same
-- in every build of the same records.
CREATE TABLE trial_rows AS SELECT * FROM v_trials ORDER BY id;
CREATE TABLE headline_rows AS SELECT * FROM v_headline ORDER BY trial;

-- What the cross-trial pages read, precomputed per trial (so a union with a session's
-- uploaded trials stays correct: core/db.py UNION_TABLES). At 100,000 trials, sorting every
-- wide row of value_rows per request and joining the size views cost 0.2-0.8 s a query.

-- Each trial's headline with its sibling rows (the other arms' figures): core.queries.headlines.
CREATE TABLE headline_value_rows AS
SELECT v.*, h.id AS headline_id
FROM headline_rows h
JOIN value_rows v
  ON v.trial = h.trial AND v.analysis = h.analysis AND v.endpoint = h.endpoint
 AND v.measure = h.measure AND v.population = h.population
 AND v.assessment = h.assessment AND v.evidence_kind = h.evidence_kind
 AND coalesce(v.timepoint, -1) = coalesce(h.timepoint, -1) AND v.term = h.term
 AND v.source = h.source
 AND (h.measure = 'hr' AND v.id = h.id OR h.measure <> 'hr' AND v.comparator = '')
ORDER BY v.trial, v.position;

-- Hazard ratios with the sample size behind each comparison, in forest-plot order:
-- core.queries.forest_rows and forest_estimates.
-- comparator_role: the role of the comparator arm ('' when the comparison is not between arms).
-- superseded: the trial reports the same comparison (endpoint, population, arms, term,
-- evidence kind) at a later data cut with the same assessment (one not stated matches any),
-- or, at the same cut and assessment, another source prints the same numbers (the first of a
-- primary report, then record order, stays). Decided within one trial, so a session's
-- uploaded trials get it right in the union (core/db.py UNION_TABLES).
CREATE TABLE forest_value_rows AS
SELECT v.*,
       coalesce(sa.n + sc.n, CASE WHEN v.population = 'ITT' THEN ts.n END) AS n_patients,
       vc.position AS cancer_position, ve.position AS endpoint_position,
       coalesce(cmp.role, '') AS comparator_role,
       CASE WHEN v.assessment = 'not-stated'
            THEN max(v.analysis_sequence) OVER same_comparison > v.analysis_sequence
            ELSE max(v.analysis_sequence) OVER same_assessment > v.analysis_sequence
              OR coalesce(max(v.analysis_sequence) FILTER (WHERE v.assessment = 'not-stated')
                          OVER same_comparison, -1) > v.analysis_sequence
       END
       OR row_number() OVER (
           PARTITION BY v.trial, v.endpoint, v.population, v.arm, v.comparator, v.term, v.evidence_kind,
                        v.analysis_sequence, v.assessment, v.qualifier, v.value, v.ci_low, v.ci_high, v.ci_level
           ORDER BY vp.key IS NOT NULL DESC, v.position
       ) > 1 AS superseded
FROM value_rows v
LEFT JOIN v_arm_sizes sa ON sa.trial = v.trial AND sa.arm = v.arm AND sa.population = v.population
LEFT JOIN v_arm_sizes sc ON sc.trial = v.trial AND sc.arm = v.comparator AND sc.population = v.population
LEFT JOIN v_trial_sizes ts ON ts.trial = v.trial
LEFT JOIN vocab vc ON vc.vocabulary = 'cancer_type' AND vc.key = v.cancer_type
LEFT JOIN vocab ve ON ve.vocabulary = 'endpoint' AND ve.key = v.endpoint
LEFT JOIN arms cmp ON cmp.trial = v.trial AND cmp.id = v.comparator
LEFT JOIN vocab vp ON vp.vocabulary = 'primary_source_kind' AND vp.key = v.source_kind
WHERE v.measure = 'hr'
WINDOW same_comparison AS (PARTITION BY v.trial, v.endpoint, v.population, v.arm, v.comparator, v.term, v.evidence_kind),
       same_assessment AS (PARTITION BY v.trial, v.endpoint, v.population, v.arm, v.comparator, v.term, v.evidence_kind,
                                        v.assessment)
ORDER BY vc.position, ve.position, lower(v.trial_name), v.analysis_sequence, v.position;

-- The free-text search index (core.queries._search_clause): each trial's words (maximal runs
-- of [a-z0-9]) and CJK runs (maximal runs of U+3400-U+9FFF) of its folded search text. A
-- Latin term of [a-z0-9] only matches at a word start exactly when it begins one of the
-- trial's words; a term of CJK characters only lies inside one run, where the 非 rule can be
-- checked. Scanning every trial's text instead took ~40 ms per term at 100,000 trials.
CREATE TABLE search_words AS
SELECT DISTINCT word, trial
FROM (SELECT id AS trial, unnest(regexp_extract_all(search_text, '[a-z0-9]+')) AS word FROM trial_rows)
ORDER BY word, trial;
CREATE TABLE search_runs AS
SELECT DISTINCT run, trial
FROM (SELECT id AS trial, unnest(regexp_extract_all(search_text, '[\x{3400}-\x{9fff}]+')) AS run FROM trial_rows)
ORDER BY run, trial;
CREATE TABLE search_run_texts AS SELECT DISTINCT run FROM search_runs ORDER BY run;

-- The same index by row: each word and each run with the row ids (in trial_rows) of the
-- trials that hold it, for a database whose trial_rows is its own table (the compiled file;
-- a session with an import reads the union by trial id). A term then reads the lists of the
-- few words or runs it matches instead of joining every hit's trial id to trial_rows: at
-- 100,000 trials, 肺癌 lies in 2,178 runs held 160,842 times by 45,037 trials.
CREATE TABLE search_word_rows AS
SELECT s.word, list(t.rowid ORDER BY t.rowid) AS row_ids
FROM search_words s JOIN trial_rows t ON t.id = s.trial
GROUP BY s.word ORDER BY s.word;
CREATE TABLE search_run_rows AS
SELECT s.run, list(t.rowid ORDER BY t.rowid) AS row_ids
FROM search_runs s JOIN trial_rows t ON t.id = s.trial
GROUP BY s.run ORDER BY s.run;

-- Time-to-event figures (the survival_measure subset) in survival-comparison order
-- (endpoint, cancer type, trial name), with the sort keys stored, so the first trials of an endpoint are read from a few row
-- groups: core.queries.survival_rows.
CREATE TABLE survival_value_rows AS
SELECT v.*, vc.position AS cancer_position, lower(v.trial_name) AS name_key
FROM value_rows v
LEFT JOIN vocab vc ON vc.vocabulary = 'cancer_type' AND vc.key = v.cancer_type
WHERE v.measure IN (SELECT key FROM vocab WHERE vocabulary = 'survival_measure')
ORDER BY v.endpoint, vc.position, lower(v.trial_name), v.trial, v.analysis_sequence, v.position;
