-- What failed in a run, by kind: a JSON object of each failure kind to how
-- many of the run's tasks failed so, e.g. {"http 429": 31, "timeout": 2}
-- (kinds: `http N` for an HTTP status outside 2xx, `timeout`, `refused`,
-- `reset`, `exit N` and `signal N` for a command or job, `other`). NULL when
-- nothing failed, and for runs recorded before failures were told apart,
-- whose errorCount still counts them all. Kept as the text poolbench wrote,
-- like SQLite's, so an export reads the same from either store.
--
-- failedLatencyP50 is the median latency of the failed tasks alone: the
-- latency percentiles are of succeeded tasks only. NULL when no task failed.
ALTER TABLE run ADD COLUMN failures TEXT COLLATE "C";
ALTER TABLE run ADD COLUMN failedLatencyP50 DOUBLE PRECISION CHECK (failedLatencyP50 >= 0);
