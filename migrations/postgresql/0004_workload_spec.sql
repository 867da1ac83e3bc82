-- The workload a run measured, as poolbench keeps it: the JSON of its spec
-- (e.g. {"sleep":{"capacity":16,"duration":0.01}}), with every credential
-- as *** and a request body only as *** (its presence), the way `parameters`
-- shows them. `best` builds the command that measures the same workload
-- again from it, so nothing is parsed back from the display text in
-- `parameters`. NULL for runs recorded before the spec was kept. Kept as
-- the text poolbench wrote, like SQLite's, so an export reads the same from
-- either store.
ALTER TABLE run ADD COLUMN workloadSpec TEXT COLLATE "C";
