-- What failed in a run, by kind: a JSON object of each failure kind to how
-- many of the run's tasks failed so, e.g. {"http 429": 31, "timeout": 2}
-- (kinds: `http N` for an HTTP status outside 2xx, `timeout`, `refused`,
-- `reset`, `exit N` and `signal N` for a command or job, `other`). NULL when
-- nothing failed, and for runs recorded before failures were told apart,
-- whose errorCount still counts them all.
--
-- failedLatencyP50 is the median latency of the failed tasks alone: since
-- this migration the latency percentiles are of succeeded tasks only, so a
-- refusal answered in a millisecond no longer reads as the job getting
-- faster. NULL when no task failed.
ALTER TABLE run ADD COLUMN failures TEXT CHECK (failures IS NULL OR json_valid(failures));
ALTER TABLE run ADD COLUMN failedLatencyP50 REAL CHECK (failedLatencyP50 >= 0);
