-- How busy the whole machine was while a run ran, from /proc/stat's
-- aggregate `cpu` line read at the run's start and end, in CPU-seconds:
-- machineCpuSeconds is every core's non-idle time (user, nice, system, irq,
-- softirq, steal; not idle or iowait); otherCpuSeconds is that less
-- poolbench's own CPU time and its children's, i.e. what the rest of the
-- machine (and, through steal, the hypervisor's other guests) took;
-- stealSeconds is the steal part alone. Unknown (NULL) where /proc/stat
-- cannot be read and for runs recorded before it was measured.
ALTER TABLE run ADD COLUMN machineCpuSeconds REAL CHECK (machineCpuSeconds >= 0);
ALTER TABLE run ADD COLUMN otherCpuSeconds REAL CHECK (otherCpuSeconds >= 0);
ALTER TABLE run ADD COLUMN stealSeconds REAL CHECK (stealSeconds >= 0);
