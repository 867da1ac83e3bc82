-- Succeeded tasks per second while every worker was busy, by Little's law:
-- the tasks in flight (time-averaged from the N-th start to the last) × the
-- succeeded tasks after the first wave ÷ the sum of those tasks'
-- latencies (Glynn & Whitt, "Indirect Estimation via
-- L = λW", Operations Research 37(1), 1989). Less noisy than throughput
-- (succeeded tasks ÷ the whole run's wall time), whose ramp-up and drain
-- dominate a short run, so the knee decision uses it; throughput stays as
-- recorded. NULL when the run had no such window (no more tasks than
-- workers, a job run as one) and for runs recorded before it was kept.
ALTER TABLE run ADD COLUMN steadyThroughput REAL CHECK (steadyThroughput >= 0);
