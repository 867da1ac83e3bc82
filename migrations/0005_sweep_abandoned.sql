-- A sweep whose process died (SIGKILL, power loss) stayed `running` for
-- ever, and nothing could tell it from one in progress. Each sweep now
-- records which process runs it, and the next poolbench on that host that
-- finds the process gone marks the sweep `abandoned`: its runs are kept and
-- used like an interrupted sweep's.
--
-- SQLite cannot change a CHECK constraint in place, so `sweep` is rebuilt
-- with the new status allowed (foreign keys are off while a migration runs;
-- ids are kept, so every run still points at its sweep).
CREATE TABLE newSweep (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    hostId INTEGER NOT NULL REFERENCES host(id),
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed', 'abandoned')),
    startedAt TEXT NOT NULL,
    finishedAt TEXT,
    commandLine TEXT NOT NULL,
    label TEXT,
    gitCommit TEXT,
    gitBranch TEXT
);
INSERT INTO newSweep (id, uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit, gitBranch)
    SELECT id, uuid, hostId, status, startedAt, finishedAt, commandLine, label, gitCommit, gitBranch FROM sweep;
DROP TABLE sweep;
ALTER TABLE newSweep RENAME TO sweep;
CREATE INDEX sweep_startedAt ON sweep(startedAt);
CREATE INDEX sweep_label ON sweep(label);

-- The process that runs a sweep, as this host knows it: its pid, its start
-- time (field 22 of /proc/PID/stat, clock ticks after boot: a pid reused by
-- a later process has a later one), the boot (/proc/sys/kernel/random/
-- boot_id: a reboot ends every process) and the pid namespace (containers
-- sharing a kernel number their processes apart). Only sweeps recorded
-- here have a row; an imported sweep ran elsewhere and is never judged.
CREATE TABLE sweepProcess (
    sweepId INTEGER PRIMARY KEY REFERENCES sweep(id),
    processId INTEGER NOT NULL,
    processStartTime INTEGER NOT NULL,
    bootId TEXT NOT NULL,
    pidNamespace TEXT NOT NULL
);
