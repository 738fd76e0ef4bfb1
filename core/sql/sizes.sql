-- Sample sizes, from the PATIENTS counts. Over the base table `vals`, so the same views
-- serve a compiled database and a session that adds imported rows (core/db.py).

-- Sample size of each arm, per population: the largest of its randomized / enrolled /
-- treated / analysed counts as the sources print them.
CREATE VIEW v_arm_sizes AS
SELECT trial, arm, population, max(value)::INTEGER AS n
FROM vals
WHERE endpoint = 'PATIENTS' AND measure = 'count' AND arm <> '' AND value IS NOT NULL
  AND term IN ('randomized', 'enrolled', 'started treatment', 'analysed')
GROUP BY ALL;

-- Trial size: a whole-trial count where printed (largest of randomized / enrolled /
-- ITT), otherwise the sum of the arms' largest counts.
CREATE VIEW v_trial_sizes AS
WITH whole AS (
    SELECT trial, max(value)::INTEGER AS n
    FROM vals
    WHERE endpoint = 'PATIENTS' AND measure = 'count' AND arm = '' AND value IS NOT NULL
      AND population = 'ITT' AND term IN ('randomized', 'enrolled', 'started treatment', 'analysed')
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
