-- The class of comparable machines a sweep ran on (`run --testbed NAME`),
-- for CI runners whose host names change from job to job. Unknown (NULL)
-- when none was given and for sweeps recorded before it existed.
ALTER TABLE sweep ADD COLUMN testbed TEXT;
