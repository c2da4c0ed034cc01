-- 0010_reference_version.sql (issue 16): the worker keeps the reference rows it has read from one
-- batch to the next and reads them again only after they changed. Every statement that changes a
-- reference table the worker reads bumps ocms_reference_version.version, in the same transaction
-- (a statement-level trigger); the worker reads the version as each batch begins and drops its
-- cache when the version moved.
-- Applied once by infra/migrate as ocms_owner in one transaction.
CREATE TABLE ocms_reference_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),  -- one row
    version bigint NOT NULL DEFAULT 0
);
INSERT INTO ocms_reference_version (id, version) VALUES (true, 0);

-- It runs with the rights of whoever changed the reference table (no SECURITY DEFINER: no function
-- of OCMS runs with its owner's rights, tests/integration/db_roles_test.cpp). Only ocms_owner
-- writes the reference tables, and it owns this table; a role given writes on a reference table
-- later needs UPDATE on ocms_reference_version too.
CREATE FUNCTION ocms_bump_reference_version() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
    UPDATE ocms_reference_version SET version = version + 1;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION ocms_bump_reference_version() FROM PUBLIC;

-- The tables of the worker's ReferenceCache (consumers/worker/handlers/notice_store.hpp) and of
-- stage_store::load_reference.
CREATE TRIGGER ocms_suspension_reason_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_suspension_reason FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
CREATE TRIGGER ocms_suspension_reason_rule_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_suspension_reason_rule FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
CREATE TRIGGER ocms_revival_reason_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_revival_reason FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
CREATE TRIGGER ocms_parameter_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_parameter FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
CREATE TRIGGER ocms_processing_stage_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_processing_stage FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
CREATE TRIGGER ocms_stage_map_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_stage_map FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
CREATE TRIGGER ocms_stage_offender_role_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON ocms_stage_offender_role FOR EACH STATEMENT EXECUTE FUNCTION ocms_bump_reference_version();
