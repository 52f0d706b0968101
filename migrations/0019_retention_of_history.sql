-- Retention of what the fleet did: finished jobs (and their steps), finished automation
-- executions, the external-call log, settled dead letters, the operators' audit log and the
-- diagnostic probe's results get
-- indexes on the times `switchyard prune` deletes them by. Results people keep (projects and
-- their build events, conversations, generations and their carousels) are not pruned.
--
-- Plain CREATE INDEX, as in 0007: on a large table, create them CONCURRENTLY by hand first, and
-- this file then skips them.

-- Finished jobs by when they finished (cancelled and failed ones too).
CREATE INDEX IF NOT EXISTS jobs_finished_at ON jobs ((coalesce(completed_at, updated_at)))
    WHERE status IN ('completed', 'failed', 'cancelled');

-- Finished executions by when they finished (one that failed before it had a job, by its start).
CREATE INDEX IF NOT EXISTS automation_executions_finished_at ON automation_executions ((coalesce(completed_at, started_at)))
    WHERE status IN ('completed', 'failed', 'cancelled');

-- External calls by when they were made.
CREATE INDEX IF NOT EXISTS api_usage_created_at ON api_usage (created_at);

-- Probe results by when they were recorded.
CREATE INDEX IF NOT EXISTS probe_results_completed_at ON probe_results (completed_at);

-- Dead letters by when an operator last replayed or discarded them (NULL: nobody has yet).
CREATE INDEX IF NOT EXISTS dead_letters_settled_at ON dead_letters ((greatest(replayed_at, discarded_at)));

-- 0006 indexed archived_at a second time (0001 already had dead_letters_archived_at).
DROP INDEX IF EXISTS dead_letters_archived;

-- A job is pruned by its own window; an execution kept longer keeps its log and loses the link.
ALTER TABLE automation_executions
    DROP CONSTRAINT automation_executions_job_id_fkey,
    ADD CONSTRAINT automation_executions_job_id_fkey FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE SET NULL;
