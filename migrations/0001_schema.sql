-- The history: hosts, sweeps (one per `run`/`tune` invocation) and runs (one
-- measured point each). Times are ISO 8601 UTC text with milliseconds
-- ("2026-11-21T23:29:21.123Z"), so they sort as text and read well in the
-- sqlite3 shell. Durations are seconds.

-- Which migrations this history has had; a version this poolbench does not
-- know means a newer poolbench wrote the history, and it is left alone.
CREATE TABLE migration (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    appliedAt TEXT NOT NULL
);

CREATE TABLE host (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    os TEXT NOT NULL,
    kernel TEXT NOT NULL,
    cpuModel TEXT NOT NULL,
    logicalCores INTEGER NOT NULL CHECK (logicalCores >= 1),
    memoryBytes INTEGER NOT NULL CHECK (memoryBytes >= 0),
    poolbenchVersion TEXT NOT NULL,
    UNIQUE (name, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion)
);

CREATE TABLE sweep (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    hostId INTEGER NOT NULL REFERENCES host(id),
    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
    startedAt TEXT NOT NULL,
    finishedAt TEXT,
    commandLine TEXT NOT NULL,
    label TEXT,
    gitCommit TEXT,
    gitBranch TEXT
);

CREATE INDEX sweep_startedAt ON sweep(startedAt);
CREATE INDEX sweep_label ON sweep(label);

CREATE TABLE run (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    sweepId INTEGER NOT NULL REFERENCES sweep(id),
    workload TEXT NOT NULL,
    parameters TEXT NOT NULL,
    executor TEXT NOT NULL,
    workers INTEGER NOT NULL CHECK (workers >= 1),
    tasks INTEGER NOT NULL CHECK (tasks >= 1),
    repetition INTEGER NOT NULL CHECK (repetition >= 0),
    startedAt TEXT NOT NULL,
    wallSeconds REAL NOT NULL CHECK (wallSeconds >= 0),
    throughput REAL NOT NULL CHECK (throughput >= 0),
    latencyP50 REAL,
    latencyP90 REAL,
    latencyP99 REAL,
    latencyMax REAL,
    cpuUserSeconds REAL,
    cpuSystemSeconds REAL,
    peakRssBytes INTEGER,
    voluntaryContextSwitches INTEGER,
    involuntaryContextSwitches INTEGER,
    errorCount INTEGER NOT NULL DEFAULT 0 CHECK (errorCount >= 0),
    firstError TEXT
);

CREATE INDEX run_sweepId ON run(sweepId);
CREATE INDEX run_series ON run(workload, executor, workers);
CREATE INDEX run_startedAt ON run(startedAt);
