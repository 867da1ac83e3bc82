-- What a run's tasks received: the `http` workload's response bodies, in
-- bytes, summed over the run's tasks. Unknown (NULL) for workloads that
-- receive nothing and for runs recorded before it was measured.
ALTER TABLE run ADD COLUMN bytesReceived INTEGER CHECK (bytesReceived >= 0);
