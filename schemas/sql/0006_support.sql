-- 0006_support.sql: what support staff need (issue 8): a notice's whole history, per-notice
-- parking, dead letters they can list and redrive, governed replays, and the record of every
-- support action. Applied once by infra/migrate as ocms_owner in one transaction (no BEGIN/COMMIT).
-- The role ocms_support is created by infra (infra/lib.sh PG_ROLES), like the others.
-- The reasons: docs/decisions.md "Support: history, parking, governed replay".

-- Every command a worker processed, one row each time it was processed: what it did to the notice.
-- outcome: applied (a handler changed the notice), refused (a business rule said no; nothing
-- changed), inbox (a redelivery or replay answered from the inbox; nothing changed), parked (it
-- failed for a reason that is not a business rule, its notice is parked), queued (parked behind an
-- earlier failed command of its notice), dead-lettered (a poison message). changes: the VON fields
-- the command changed, {"field": {"before": .., "after": ..}}.
CREATE TABLE ocms_command_audit (
    audit_id       bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    command_id     text         NOT NULL,
    notice_no      text         NOT NULL,   -- '' when the message named none
    command_type   text         NOT NULL,   -- '' for a message that is not a command
    source         text,
    officer        text,
    request_id     text,
    trace_id       text,
    replay_of      jsonb,                   -- {"topic","partition","offset"} of the original, for a replayed message
    topic          text         NOT NULL,
    kafka_partition int         NOT NULL,
    kafka_offset   bigint       NOT NULL,
    outcome        text         NOT NULL CHECK (outcome IN ('applied', 'refused', 'inbox', 'parked', 'queued', 'dead-lettered')),
    app_code       text,
    message        text,
    changes        jsonb,
    processed_at   timestamptz  NOT NULL
);
CREATE INDEX ocms_command_audit_notice_idx ON ocms_command_audit (notice_no, processed_at, audit_id);
CREATE INDEX ocms_command_audit_command_idx ON ocms_command_audit (command_id);
CREATE INDEX ocms_command_audit_time_idx ON ocms_command_audit (processed_at);

-- The dead-letter topic as a table, written by the worker in the batch's transaction: what support
-- lists, redrives and discards. original: the message bytes as received.
CREATE TABLE ocms_dead_letter (
    dead_letter_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    command_id       text,
    notice_no        text        NOT NULL,   -- the message key when the payload named none
    command_type     text,
    reason           text        NOT NULL,   -- json, schema, unknown-type
    error            text        NOT NULL,
    source_topic     text        NOT NULL,
    source_partition int         NOT NULL,
    source_offset    bigint      NOT NULL,
    original         bytea       NOT NULL,
    dead_lettered_at timestamptz NOT NULL,
    status           text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'REDRIVEN', 'DISCARDED')),
    resolved_at      timestamptz,
    resolved_by      text,
    resolved_reason  text,
    replay_run_id    bigint,
    UNIQUE (source_topic, source_partition, source_offset)  -- a redelivered poison message is one entry
);
CREATE INDEX ocms_dead_letter_notice_idx ON ocms_dead_letter (notice_no, dead_lettered_at);
CREATE INDEX ocms_dead_letter_status_idx ON ocms_dead_letter (status, dead_lettered_at);

-- A parked notice: a command of it failed for a reason that is not a business rule; every later
-- command of the notice waits behind it (ocms_parked_command) until support retries (the worker
-- applies them in order and removes this row in the same transaction) or discards.
CREATE TABLE ocms_parked_notice (
    notice_no          text        PRIMARY KEY,
    parked_at          timestamptz NOT NULL,
    reason             text        NOT NULL,  -- the failure that parked it (SQLSTATE and message)
    first_command_id   text        NOT NULL,
    retry_requested_at timestamptz,
    retry_requested_by text,
    retry_reason       text,
    last_retry_at      timestamptz,
    last_retry_error   text
);

CREATE TABLE ocms_parked_command (
    parked_id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- the order to apply them in
    notice_no        text        NOT NULL,
    command_id       text        NOT NULL UNIQUE,
    command_type     text        NOT NULL,
    source_topic     text        NOT NULL,
    source_partition int         NOT NULL,
    source_offset    bigint      NOT NULL,
    envelope         bytea       NOT NULL,   -- the message bytes as received
    reason           text        NOT NULL,   -- its own failure, or "queued behind <command id>"
    parked_at        timestamptz NOT NULL,
    status           text        NOT NULL DEFAULT 'PARKED' CHECK (status IN ('PARKED', 'APPLIED', 'DISCARDED')),
    resolved_at      timestamptz,
    resolved_by      text,
    resolved_reason  text
);
CREATE INDEX ocms_parked_command_notice_idx ON ocms_parked_command (notice_no, parked_id) WHERE status = 'PARKED';

-- Every replay and redrive: who, why, the filter, the counts (dry runs too).
CREATE TABLE ocms_replay_run (
    run_id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('replay', 'redrive')),
    operator    text        NOT NULL,
    reason      text        NOT NULL,
    dry_run     boolean     NOT NULL,
    filter      jsonb       NOT NULL,  -- topic, partitions, offsets or times, notice numbers, outcome codes
    status      text        NOT NULL DEFAULT 'RUNNING' CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
    counts      jsonb,                 -- {"read","published","skipped","inboxAnswers",...}
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX ocms_replay_run_time_idx ON ocms_replay_run (started_at);

-- Every support action on parked commands and dead letters: retry, discard, redrive, purge.
CREATE TABLE ocms_support_action (
    action_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action      text        NOT NULL CHECK (action IN ('retry', 'discard', 'redrive', 'purge')),
    notice_no   text,
    command_id  text,
    operator    text        NOT NULL,
    reason      text        NOT NULL,
    detail      jsonb,
    acted_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ocms_support_action_notice_idx ON ocms_support_action (notice_no, acted_at);

-- ---------------------------------------------------------------------------------------------
-- Grants. The default privileges of 0001 already give SELECT on these tables to the edge, the
-- workers and the read-only role.
-- ---------------------------------------------------------------------------------------------

-- The workers record what they did, and park and unpark notices.
GRANT INSERT ON ocms_command_audit, ocms_dead_letter TO ocms_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON ocms_parked_notice, ocms_parked_command TO ocms_worker;

-- Support (ocms-replay, the console behind the edge's /ops routes): reads everything it shows,
-- records runs and actions, marks dead letters and parked commands, asks the workers for a retry.
-- It never writes a notice: a retry is applied by a worker.
GRANT USAGE ON SCHEMA public TO ocms_support;
GRANT SELECT ON ocms_command_audit, ocms_dead_letter, ocms_parked_notice, ocms_parked_command, ocms_replay_run,
    ocms_support_action, ocms_command_inbox, ocms_valid_offence_notice, ocms_suspended_notice,
    ocms_change_of_processing TO ocms_support;
GRANT INSERT, UPDATE ON ocms_replay_run TO ocms_support;
GRANT INSERT ON ocms_support_action TO ocms_support;
GRANT UPDATE (status, resolved_at, resolved_by, resolved_reason, replay_run_id) ON ocms_dead_letter TO ocms_support;
GRANT UPDATE (retry_requested_at, retry_requested_by, retry_reason) ON ocms_parked_notice TO ocms_support;
GRANT UPDATE (status, resolved_at, resolved_by, resolved_reason) ON ocms_parked_command TO ocms_support;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ocms_support;

-- The purge job (ocms-scheduler) removes what is older than the retention.
GRANT SELECT, DELETE ON ocms_command_inbox, ocms_command_audit, ocms_dead_letter TO ocms_scheduler;
GRANT SELECT, DELETE ON ocms_parked_command TO ocms_scheduler;
GRANT INSERT ON ocms_support_action TO ocms_scheduler;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ocms_scheduler;
