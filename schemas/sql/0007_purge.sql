-- 0007_purge.sql: the purge job (ocms-scheduler, issue 8) deletes inbox rows older than the
-- retention in batches of ~10,000 ("... WHERE processed_at < cutoff LIMIT n"). Without an index
-- on processed_at every batch scans the inbox from the start, past the dead rows of the batches
-- before it, so a purge of a large inbox grows quadratic. The audit table has its time index
-- (0006); this is the inbox's. Applied once by infra/migrate as ocms_owner in one transaction.
CREATE INDEX ocms_command_inbox_time_idx ON ocms_command_inbox (processed_at);
