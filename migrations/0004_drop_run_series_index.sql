-- `run_seriesSweep` (workload, parameters, executor, sweepId) answers every
-- question `run_series` (workload, executor, workers) did as fast: on a
-- history of a million runs, `export --executor threads` took 0.55 s with
-- either and `history --executor threads` 1.5 s with either. Keeping both
-- cost every recorded run a fifth more index work, and an import of a
-- million runs about a second.
DROP INDEX run_series;
