-- 0004_vip.sql: the VIP vehicle refresh (spec 001 section 1.4) and the scheduler's own role.
-- Applied once by infra/migrate as ocms_owner in one transaction (no BEGIN/COMMIT here).
-- The role ocms_scheduler is created by infra (infra/lib.sh PG_ROLES), like the others.
--
-- ocms_vip_vehicle itself is in 0001_core.sql with every column of spec 001's table
-- (vip_vehicle PK, vehicle_no, description, status, cre_date, cre_user_id, upd_date,
-- upd_user_id) and an index on vehicle_no: nothing is missing, nothing is added here.
-- The reasons (DELETE + INSERT in one transaction, validation, alerts): docs/decisions-vip.md.

-- ocms-scheduler (role ocms_scheduler), least privilege:
--   auto-revival reads the due suspensions (VON and ocms_suspended_notice) and publishes
--   commands; the workers write the notices;
--   the VIP refresh replaces ocms_vip_vehicle: SELECT (the start-up catch-up reads
--   max(cre_date)), DELETE and INSERT. No UPDATE (rows are replaced, not edited), no
--   TRUNCATE (it would lock readers out; only the owner has it).
-- ALTER DEFAULT PRIVILEGES of 0001 does not include this role: tables created later are not
-- readable by it unless a migration says so.
GRANT USAGE ON SCHEMA public TO ocms_scheduler;
GRANT SELECT ON ocms_valid_offence_notice, ocms_suspended_notice TO ocms_scheduler;
GRANT SELECT, INSERT, DELETE ON ocms_vip_vehicle TO ocms_scheduler;
