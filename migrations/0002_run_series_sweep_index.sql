-- `best` and `trend` read each series (workload with its parameters,
-- executor) sweep by sweep, newest sweeps only. This index lets them find a
-- history's series and each series' sweeps by seeking instead of scanning
-- every run: on a history of a million runs, the scan alone costs more than
-- the answer's whole budget.
CREATE INDEX run_seriesSweep ON run(workload, parameters, executor, sweepId);
