-- 0009_job_requests.sql (issue 15): jobs run where jobs run. The edge no longer runs the
-- auto-revival itself: POST /api/cron/auto-revival/trigger queues a request here and waits for
-- its answer; ocms-scheduler claims queued requests (FOR UPDATE SKIP LOCKED), runs the job once
-- for all it claimed, and writes the outcome back (producers/jobs/job_requests.hpp).
--   status: queued -> running -> done | failed. A request left running by a scheduler that died
--     is queued again by the next scheduler at its start (the job is safe to run twice).
--   due / published / failed_count: the auto-revival's figures; error: why a run failed.
-- Applied once by infra/migrate as ocms_owner in one transaction.
CREATE TABLE ocms_job_request (
    id            bigserial PRIMARY KEY,
    job           text NOT NULL CHECK (job IN ('auto-revival')),
    requested_by  text NOT NULL,
    request_id    text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    started_at    timestamptz,
    finished_at   timestamptz,
    due           bigint,
    published     bigint,
    failed_count  bigint,
    error         text
);
CREATE INDEX ocms_job_request_queued ON ocms_job_request (job, id) WHERE status = 'queued';

-- The edge (ocmsiz_app_conn) asks and reads the answer; the scheduler claims and answers.
GRANT SELECT, INSERT (job, requested_by, request_id) ON ocms_job_request TO ocmsiz_app_conn;
GRANT USAGE ON SEQUENCE ocms_job_request_id_seq TO ocmsiz_app_conn;
GRANT SELECT, UPDATE (status, started_at, finished_at, due, published, failed_count, error)
    ON ocms_job_request TO ocms_scheduler;
