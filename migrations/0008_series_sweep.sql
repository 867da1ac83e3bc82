-- Which sweeps ran each series, on which machine, in the order `best` and
-- `trend` read them: one row per series (workload with its parameters,
-- executor) per sweep that ran it, keyed by what the answers keep a series
-- apart by (its machine: a testbed, else a host) and then by when the sweep
-- started.
--
-- Without it, an answer read the start of every sweep in the history to
-- find each series' newest sweeps, then probed them one by one: on
-- generated histories of the same shape, `best` took 62 ms at a million
-- runs and 180 ms at ten million. With it, the newest sweeps of a series
-- on a machine are the last entries of that key, read backwards, so the
-- cost follows what is answered. A recorded run writes its row with the
-- run; an import writes those of its runs in one statement.
--
-- Filled here from the runs already stored, so a history that had them
-- answers exactly as before. The distinct series of each sweep come from
-- `run_seriesSweep` (workload, parameters, executor, sweepId) in its own
-- order, without reading the runs themselves.
CREATE TABLE seriesSweep (
    workload TEXT NOT NULL,
    parameters TEXT NOT NULL,
    executor TEXT NOT NULL,
    machine TEXT NOT NULL,   -- 'testbed ' || sweep.testbed when the sweep has one, else host.name
    startedAt TEXT NOT NULL, -- the sweep's startedAt
    sweepId INTEGER NOT NULL REFERENCES sweep(id),
    PRIMARY KEY (workload, parameters, executor, machine, startedAt, sweepId)
) WITHOUT ROWID;

INSERT INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
    SELECT series.workload, series.parameters, series.executor, COALESCE('testbed ' || sweep.testbed, host.name),
        sweep.startedAt, sweep.id
    FROM (SELECT DISTINCT workload, parameters, executor, sweepId FROM run) AS series
    JOIN sweep ON sweep.id = series.sweepId JOIN host ON host.id = sweep.hostId;
