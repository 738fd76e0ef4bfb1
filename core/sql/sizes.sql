-- Sample sizes, from the PATIENTS counts. Over the base table `vals`, so the same views
-- serve a compiled database and a session that adds imported rows (core/db.py).

-- Sample size of each arm, per population: the largest of its counts that size an arm
-- (randomized / enrolled / treated / analysed: the size_count_term subset of core/schema.py)
-- as the sources print them.
CREATE VIEW v_arm_sizes AS
SELECT trial, arm, population, max(value)::INTEGER AS n
FROM vals
WHERE endpoint = 'PATIENTS' AND measure = 'count' AND arm <> '' AND value IS NOT NULL
  AND term IN (SELECT key FROM vocab WHERE vocabulary = 'size_count_term')
GROUP BY ALL;

-- Trial size: a whole-trial count where printed (largest of the size_count_term counts
-- of the ITT population), otherwise the sum of the arms' largest counts.
CREATE VIEW v_trial_sizes AS
WITH whole AS (
    SELECT trial, max(value)::INTEGER AS n
    FROM vals
    WHERE endpoint = 'PATIENTS' AND measure = 'count' AND arm = '' AND value IS NOT NULL
      AND population = 'ITT' AND term IN (SELECT key FROM vocab WHERE vocabulary = 'size_count_term')
    GROUP BY trial
), by_arm AS (
    SELECT trial, sum(n)::INTEGER AS n
    FROM (SELECT trial, arm, max(n) AS n FROM v_arm_sizes
          WHERE population = 'ITT' GROUP BY ALL)
    GROUP BY trial
)
SELECT t.id AS trial, coalesce(w.n, a.n) AS n
FROM trials t
LEFT JOIN whole w ON w.trial = t.id
LEFT JOIN by_arm a ON a.trial = t.id;
