-- 0006_demo_set.sql: the generated demo data set (issue 14): :demo_size notices (infra/run
-- --demo-size N, default 2000, 0 = none; infra/migrate passes it as the psql variable demo_size)
-- a person can explore for an hour, beside the 20 hand-made notices of 0002_demo.sql.
-- Not for production. What it holds and how to find each kind: docs/operations.md "The demo data".
--
-- Numbers: 5006NNNNNL, NNNNN = 00001 .. the size (at most 99999), L a letter of the number; apart
-- from the hand-made 500500303J..500500322D and from every test fixture (their numbers start with
-- a letter: T, K, V, W, ZZ, ZB, PB, BN, BR, BS).
-- Reproducible: notice N is the same notice on every machine (its attributes come from md5 of a
-- fixed seed and N only, never random(), never the size). Dates are relative to the load.
-- Idempotent: one statement inserts the notices that are not there yet, and every other row is
-- written only for the notices that statement inserted. A second load adds nothing and leaves
-- what the API changed (suspensions applied or revived, stages moved, HST rows removed) alone; a
-- larger size adds the missing numbers, a smaller one removes nothing.
--
-- Per notice, over the 14 stages (NPA .. WOA, weighted like a real book of notices):
--   offender: owner (O), hirer (H, the owner a leasing company) or driver (D, furnished by the owner)
--   payment:  unpaid, partly paid (PP), fully paid (FP: PS-FP; at CHR and WOA PS-WWP)
--   suspension now: none; TS of a code the stage allows (its due date ahead); a few TS already due
--     (the auto-revival, which runs when ocms-scheduler starts, revives them right after the load);
--     PS-APP; PS-FP / PS-WWP (paid)
--   history:  0, 1 or 2 earlier suspensions, revived (SPO, SUP, OTH, CSR, MAN, DPU, OPU)
--   TS-HST:   the offender is in the HST register (ocms_hst) with the notice's address
--   court:    notices at CRT/CHR/WOA; two in three already have their ocms_court_case row (the other
--             third gets it on PLUS's first getNoticeUpdate), one in five is an EMCONS notice
-- Officers: the demo users of 0002_demo.sql. Owners come back: about 3 in 10 notices belong to an
-- owner of an earlier notice (same person, id, address and vehicle).

\if :{?demo_size}
\else
\set demo_size 2000
\endif

SET client_min_messages = warning;

-- ---------------------------------------------------------------- helpers (this session only)
-- demo_no(N): the number of demo notice N.
CREATE OR REPLACE FUNCTION pg_temp.demo_no(n int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '5006' || lpad(n::text, 5, '0') || substr('ABCDEFGHJKLMNPQRSTUVWXYZ', 1 + (n * 7 + n / 10 * 3 + n / 100 * 11) % 24, 1)
$$;
-- demo_r(N, salt): a fixed pseudo-random number 0 .. 2^31-1 for notice (or person) N.
CREATE OR REPLACE FUNCTION pg_temp.demo_r(n int, salt text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
    SELECT (('x' || substr(md5('ocms-demo-2026:' || salt || ':' || n::text), 1, 8))::bit(32)::int) & 2147483647
$$;
-- demo_pick(N, salt, list): one element of list, the same one for the same N and salt.
CREATE OR REPLACE FUNCTION pg_temp.demo_pick(n int, salt text, list text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT list[1 + pg_temp.demo_r(n, salt) % cardinality(list)]
$$;
-- demo_nric(prefix, 7 digits): an NRIC/FIN-shaped id with its check letter.
CREATE OR REPLACE FUNCTION pg_temp.demo_nric(prefix text, digits int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT prefix || d || substr(CASE WHEN prefix IN ('S', 'T') THEN 'ABCDEFGHIZJ' ELSE 'KLMNPQRTUWX' END,
                                 11 - (s + CASE WHEN prefix IN ('T', 'G') THEN 4 ELSE 0 END) % 11, 1)
    FROM (SELECT lpad(digits::text, 7, '0') AS d) x,
         LATERAL (SELECT sum(substr(x.d, k::int, 1)::int * w)::int AS s
                  FROM unnest(ARRAY[2, 7, 6, 5, 4, 3, 2]) WITH ORDINALITY AS t(w, k)) y
$$;
-- demo_person(N): name, id, address of person N (owners: N; hirers: 200000 + N; drivers: 400000 + N).
CREATE OR REPLACE FUNCTION pg_temp.demo_person(n int)
RETURNS TABLE (name text, id_no text, blk text, street text, floor text, unit text, bldg text, postal text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE pg_temp.demo_r(n, 'ethnic') % 10
             WHEN 0 THEN pg_temp.demo_pick(n, 'm1', ARRAY['Muhammad', 'Nur', 'Siti', 'Ahmad', 'Farah', 'Hafiz', 'Aisyah', 'Ismail'])
                         || ' ' || pg_temp.demo_pick(n, 'm2', ARRAY['Faizal', 'Rahmah', 'Hidayah', 'Iskandar', 'Zulkifli', 'Amirah', 'Rosli', 'Salleh'])
             WHEN 1 THEN pg_temp.demo_pick(n, 'i1', ARRAY['Rajesh', 'Priya', 'Arun', 'Kavitha', 'Suresh', 'Deepa', 'Vijay', 'Lakshmi'])
                         || ' ' || pg_temp.demo_pick(n, 'i2', ARRAY['Kumar', 'Devi', 'Pillai', 'Nair', 'Raman', 'Singh', 'Menon', 'Krishnan'])
             ELSE pg_temp.demo_pick(n, 'c1', ARRAY['Tan', 'Lim', 'Lee', 'Ng', 'Ong', 'Wong', 'Goh', 'Chua', 'Chan', 'Koh',
                                                   'Teo', 'Ang', 'Yeo', 'Tay', 'Ho', 'Low', 'Toh', 'Sim', 'Chong', 'Chia'])
                  || ' ' || pg_temp.demo_pick(n, 'c2', ARRAY['Wei', 'Mei', 'Kok', 'Siew', 'Boon', 'Hui', 'Chee', 'Li', 'Kim', 'Ah'])
                  || ' ' || pg_temp.demo_pick(n, 'c3', ARRAY['Ming', 'Ling', 'Huat', 'Lan', 'Keong', 'Hwa', 'Seng', 'Ping', 'Yee', 'Kow'])
           END,
           pg_temp.demo_nric(CASE WHEN pg_temp.demo_r(n, 'idp') % 10 < 7 THEN 'S' WHEN pg_temp.demo_r(n, 'idp') % 10 < 9 THEN 'T' ELSE 'G' END,
                             5000000 + n),
           (1 + pg_temp.demo_r(n, 'blk') % 899)::text,
           pg_temp.demo_pick(n, 'street', ARRAY['Ang Mo Kio Avenue 3', 'Bedok North Road', 'Jurong West Street 42',
               'Tampines Street 21', 'Toa Payoh Lorong 1', 'Yishun Ring Road', 'Woodlands Drive 14', 'Clementi Avenue 2',
               'Hougang Avenue 8', 'Bukit Batok Street 31', 'Pasir Ris Drive 6', 'Sengkang East Way', 'Punggol Field',
               'Serangoon Avenue 2', 'Choa Chu Kang Avenue 4', 'Bukit Merah View', 'Marine Parade Road', 'Telok Blangah Crescent']),
           lpad((2 + pg_temp.demo_r(n, 'floor') % 24)::text, 2, '0'),
           (100 + pg_temp.demo_r(n, 'unit') % 900)::text,
           CASE WHEN pg_temp.demo_r(n, 'bldg') % 4 = 0
                THEN pg_temp.demo_pick(n, 'bldgname', ARRAY['The Amberlyn', 'Parc Vista', 'Sunrise Residences', 'Hillview Court', 'Kingsford Waterbay']) END,
           lpad((100000 + pg_temp.demo_r(n, 'postal') % 730000)::text, 6, '0')
$$;

-- The TS codes each stage allows (with an active reason row for the staff portal or OCMS).
DROP TABLE IF EXISTS pg_temp.demo_codes;
CREATE TEMP TABLE demo_codes AS
SELECT p.stage, array_agg(r.reason_of_suspension ORDER BY r.reason_of_suspension) AS codes
FROM ocms_processing_stage p
JOIN ocms_suspension_reason_rule r ON r.suspension_type = 'TS' AND p.stage = ANY (r.allowed_stages)
WHERE EXISTS (SELECT 1 FROM ocms_suspension_reason sr
              WHERE sr.suspension_type = 'TS' AND sr.reason_of_suspension = r.reason_of_suspension
                AND sr.status = 'A' AND sr.suspension_source IN ('OCMS_FE', 'OCMS'))
GROUP BY p.stage;

-- ---------------------------------------------------------------- the plan: one row per notice
DROP TABLE IF EXISTS pg_temp.demo_plan;
CREATE TEMP TABLE demo_plan AS
WITH g AS (
    -- only the numbers that are not there yet: a second load plans nothing
    SELECT i, pg_temp.demo_no(i) AS notice_no
    FROM generate_series(1, least(greatest((:'demo_size')::int, 0), 99999)) AS i
    WHERE NOT EXISTS (SELECT 1 FROM ocms_valid_offence_notice v WHERE v.notice_no = pg_temp.demo_no(i))
), staged AS MATERIALIZED (
    SELECT i, notice_no,
           -- the stages weighted like a book of notices: most at the reminders, a few in court
           CASE WHEN s < 4 THEN 'NPA' WHEN s < 9 THEN 'ROV' WHEN s < 17 THEN 'ENA' WHEN s < 35 THEN 'RD1'
                WHEN s < 49 THEN 'RD2' WHEN s < 59 THEN 'RR3' WHEN s < 67 THEN 'DN1' WHEN s < 73 THEN 'DN2'
                WHEN s < 78 THEN 'DR3' WHEN s < 84 THEN 'CPC' WHEN s < 88 THEN 'CFC' WHEN s < 94 THEN 'CRT'
                WHEN s < 97 THEN 'CHR' ELSE 'WOA' END AS stage,
           CASE WHEN pg_temp.demo_r(i, 'type') % 20 < 17 THEN 'O' WHEN pg_temp.demo_r(i, 'type') % 20 < 19 THEN 'E' ELSE 'U' END AS notice_type,
           1 + pg_temp.demo_r(i, 'age') % 40 AS stage_age,
           pg_temp.demo_r(i, 'kind') % 100 AS kind_roll,
           pg_temp.demo_r(i, 'pay') % 100 AS pay_roll,
           pg_temp.demo_r(i, 'susp') % 100 AS susp_roll,
           pg_temp.demo_r(i, 'hist') % 100 AS hist_roll,
           CASE WHEN i > 1 AND pg_temp.demo_r(i, 'again') % 10 < 3 THEN greatest(1, i - 1 - pg_temp.demo_r(i, 'back') % 40) ELSE i END AS owner_idx,
           1 + pg_temp.demo_r(i, 'company') % 8 AS company_idx,
           (ARRAY[70, 70, 100, 100, 130, 150, 200, 300])[1 + pg_temp.demo_r(i, 'fine') % 8]::numeric(12,2) AS composition
    FROM g, LATERAL (SELECT pg_temp.demo_r(g.i, 'stage') % 100 AS s) st
), kinds AS MATERIALIZED (
    SELECT s.*, p.is_court_stage AS court,
           -- who the offender is: the stage says which track the notice is on
           CASE WHEN s.stage IN ('DN1', 'DN2', 'DR3') THEN 'D'
                WHEN s.stage IN ('NPA', 'ROV', 'ENA') THEN 'O'
                WHEN s.stage IN ('RD1', 'RD2', 'RR3') THEN CASE WHEN s.kind_roll < 20 THEN 'H' ELSE 'O' END
                ELSE CASE WHEN s.kind_roll < 15 THEN 'D' WHEN s.kind_roll < 30 THEN 'H' ELSE 'O' END END AS kind,
           -- the fees of the moves it made (stage map admin fees)
           CASE s.stage WHEN 'RD2' THEN 30 WHEN 'RR3' THEN 90 WHEN 'DN2' THEN 30 WHEN 'DR3' THEN 90
                        WHEN 'CPC' THEN 150 WHEN 'CFC' THEN 210 WHEN 'CRT' THEN 210 WHEN 'CHR' THEN 210
                        WHEN 'WOA' THEN 210 ELSE 0 END AS admin_fee
    FROM staged s JOIN ocms_processing_stage p ON p.stage = s.stage
), paid AS MATERIALIZED (
    SELECT k.*,
           CASE WHEN k.pay_roll < 6 THEN 'FP' WHEN k.pay_roll < 14 THEN 'PP' END AS payment_status,
           -- the suspension now: paid notices are PS-FP (at WOA PS-WWP); TS and PS-APP only before court
           CASE WHEN k.pay_roll < 6 THEN CASE WHEN k.stage IN ('CHR', 'WOA') THEN 'PS-WWP' ELSE 'PS-FP' END
                WHEN k.pay_roll < 14 OR k.court THEN 'none'
                WHEN k.susp_roll < 6 THEN 'PS-APP'
                WHEN k.susp_roll < 32 THEN 'TS'
                WHEN k.susp_roll < 35 THEN 'TS-overdue'
                ELSE 'none' END AS state,
           CASE WHEN k.hist_roll < 15 THEN 1 WHEN k.hist_roll < 20 THEN 2 ELSE 0 END AS revived
    FROM kinds k
)
SELECT p.*,
       (p.composition + p.admin_fee)::numeric(12,2) AS amount_payable,
       CASE p.payment_status WHEN 'FP' THEN p.composition + p.admin_fee
                             WHEN 'PP' THEN round((p.composition + p.admin_fee) * (20 + pg_temp.demo_r(p.i, 'part') % 60) / 100.0, 2)
                             ELSE 0 END::numeric(12,2) AS amount_paid,
       -- the TS code: one the stage allows
       CASE WHEN p.state IN ('TS', 'TS-overdue') THEN dc.codes[1 + pg_temp.demo_r(p.i, 'code') % cardinality(dc.codes)] END AS ts_code,
       m.next_stage,
       -- where it came from: the chain before the stage (CPC from DR3 on the driver track)
       CASE p.stage WHEN 'ROV' THEN 'NPA' WHEN 'ENA' THEN 'ROV' WHEN 'RD1' THEN 'ENA' WHEN 'RD2' THEN 'RD1'
                    WHEN 'RR3' THEN 'RD2' WHEN 'DN1' THEN 'RR3' WHEN 'DN2' THEN 'DN1' WHEN 'DR3' THEN 'DN2'
                    WHEN 'CPC' THEN CASE WHEN p.kind = 'D' THEN 'DR3' ELSE 'RR3' END
                    WHEN 'CFC' THEN 'CPC' WHEN 'CRT' THEN 'CFC' WHEN 'CHR' THEN 'CRT' WHEN 'WOA' THEN 'CHR' END AS prev_stage
FROM paid p
LEFT JOIN demo_codes dc ON dc.stage = p.stage
LEFT JOIN ocms_stage_map m ON m.current_stage = p.stage AND m.is_default AND m.status = 'A';

-- The suspension records each notice gets: its earlier, revived ones (k = 1, 2: older first) and
-- its current one (k = 0). Days are counted back from the load.
DROP TABLE IF EXISTS pg_temp.demo_susp;
CREATE TEMP TABLE demo_susp AS
WITH cur AS MATERIALIZED (
    SELECT p.i, p.notice_no, p.state, 0 AS k,
           CASE p.state WHEN 'TS' THEN 'TS' WHEN 'TS-overdue' THEN 'TS' ELSE 'PS' END AS type,
           CASE p.state WHEN 'PS-APP' THEN 'APP' WHEN 'PS-FP' THEN 'FP' WHEN 'PS-WWP' THEN 'WWP' ELSE p.ts_code END AS code,
           coalesce(d.days, 0) AS days,
           -- TS: suspended less than its days ago, so the due date is ahead; overdue: 1-3 days past
           CASE WHEN p.state = 'TS' THEN pg_temp.demo_r(p.i, 'ago') % greatest(d.days, 1)
                WHEN p.state = 'TS-overdue' THEN coalesce(d.days, 0) + 1 + pg_temp.demo_r(p.i, 'ago') % 3
                ELSE 1 + pg_temp.demo_r(p.i, 'ago') % 60 END AS ago
    FROM demo_plan p
    LEFT JOIN LATERAL (SELECT max(sr.no_of_days_for_revival) AS days FROM ocms_suspension_reason sr
                       WHERE sr.suspension_type = 'TS' AND sr.reason_of_suspension = p.ts_code AND sr.status = 'A') d ON true
    WHERE p.state <> 'none'
), hist AS (
    SELECT p.i, p.notice_no, 'revived' AS state, k.k,
           CASE WHEN pg_temp.demo_r(p.i * 3 + k.k, 'htype') % 10 = 0 THEN 'PS' ELSE 'TS' END AS type,
           NULL::text AS code, 0 AS days,
           -- before the current suspension and before the notice reached its stage; a record's
           -- period (at most 90 days) ends before the next one starts
           greatest(coalesce(c.ago, 0), p.stage_age) + 100 * k.k + pg_temp.demo_r(p.i * 3 + k.k, 'hago') % 10 AS ago
    FROM demo_plan p
    CROSS JOIN LATERAL generate_series(1, p.revived) AS k(k)
    LEFT JOIN cur c ON c.i = p.i
)
SELECT c.*, NULL::text AS revival_reason, NULL::int AS revived_after FROM cur c
UNION ALL
SELECT h.i, h.notice_no, h.state, h.k, h.type,
       CASE WHEN h.type = 'PS' THEN 'APP'
            ELSE pg_temp.demo_pick(h.i * 3 + h.k, 'hcode', ARRAY['ACR', 'APP', 'CCE', 'PRI', 'UND', 'MHA', 'SYS', 'PDP']) END,
       0, h.ago,
       CASE WHEN h.type = 'PS' THEN pg_temp.demo_pick(h.i * 3 + h.k, 'hrev', ARRAY['CWN', 'PSR'])
            ELSE pg_temp.demo_pick(h.i * 3 + h.k, 'hrev', ARRAY['SPO', 'SPO', 'SPO', 'SUP', 'OTH', 'CSR', 'MAN', 'DPU', 'OPU']) END,
       1 + pg_temp.demo_r(h.i * 3 + h.k, 'hlen') % 12
FROM hist h;
UPDATE demo_susp s SET days = sr.no_of_days_for_revival
FROM (SELECT reason_of_suspension, max(no_of_days_for_revival) AS no_of_days_for_revival
      FROM ocms_suspension_reason WHERE suspension_type = 'TS' GROUP BY reason_of_suspension) sr
WHERE s.state = 'revived' AND s.type = 'TS' AND sr.reason_of_suspension = s.code;

-- ---------------------------------------------------------------- VON: the one statement that decides
DROP TABLE IF EXISTS pg_temp.demo_new;
CREATE TEMP TABLE demo_new (notice_no varchar(10) PRIMARY KEY);
WITH ins AS (
    INSERT INTO ocms_valid_offence_notice
        (notice_no, vehicle_no, offence_notice_type, last_processing_stage, last_processing_date,
         prev_processing_stage, prev_processing_date, next_processing_stage, next_processing_date, suspension_type,
         epr_reason_of_suspension, epr_date_of_suspension, crs_reason_of_suspension, crs_date_of_suspension,
         due_date_of_revival, amount_payable, amount_paid, payment_status, composition_amount, emcons_flag, is_sync,
         cre_date, cre_user_id)
    SELECT p.notice_no,
           -- the vehicle of the registered owner: a person's (one per owner) or a leasing company's fleet
           CASE WHEN p.kind = 'H' OR (p.kind = 'D' AND p.kind_roll % 2 = 0)
                THEN 'SK' || chr(65 + p.company_idx) || lpad((p.i % 10000)::text, 4, '0') || chr(65 + pg_temp.demo_r(p.i, 'plate') % 26)
                ELSE 'SJ' || chr(65 + p.owner_idx % 26) || lpad((1 + p.owner_idx * 7919 % 9999)::text, 4, '0') || chr(65 + pg_temp.demo_r(p.owner_idx, 'plate') % 26) END,
           p.notice_type, p.stage, now() - make_interval(days => p.stage_age),
           p.prev_stage, CASE WHEN p.prev_stage IS NOT NULL THEN now() - make_interval(days => p.stage_age + coalesce(pd.value::int, 14)) END,
           p.next_stage, CASE WHEN p.next_stage IS NOT NULL THEN now() - make_interval(days => p.stage_age) + make_interval(days => coalesce(sd.value::int, 28)) END,
           CASE WHEN c.type IS NOT NULL THEN c.type END,
           CASE WHEN c.code = 'APP' AND c.type = 'PS' THEN 'APP' END,
           CASE WHEN c.code = 'APP' AND c.type = 'PS' THEN now() - make_interval(days => c.ago) END,
           CASE WHEN c.code IN ('FP', 'WWP') THEN c.code END,
           CASE WHEN c.code IN ('FP', 'WWP') THEN now() - make_interval(days => c.ago) END,
           CASE WHEN c.type = 'TS' THEN now() - make_interval(days => c.ago) + make_interval(days => c.days) END,
           p.amount_payable, p.amount_paid, p.payment_status, p.composition,
           CASE WHEN p.court AND pg_temp.demo_r(p.i, 'emcons') % 5 = 0 THEN 'EMCONS' END,
           'Y', now() - make_interval(days => greatest(p.stage_age, coalesce(c.ago, 0)) + 100 * p.revived + 30
                                                + pg_temp.demo_r(p.i, 'cre') % 60), 'ocms_seed'
    FROM demo_plan p
    LEFT JOIN demo_susp c ON c.i = p.i AND c.k = 0
    LEFT JOIN ocms_parameter sd ON sd.parameter_id = 'STAGEDAYS' AND sd.code = p.stage
    LEFT JOIN ocms_parameter pd ON pd.parameter_id = 'STAGEDAYS' AND pd.code = p.prev_stage
    ORDER BY p.i
    ON CONFLICT (notice_no) DO NOTHING
    RETURNING notice_no
)
INSERT INTO demo_new SELECT notice_no FROM ins;

-- Everything below: only for the notices inserted just now.
DELETE FROM demo_plan p WHERE NOT EXISTS (SELECT 1 FROM demo_new n WHERE n.notice_no = p.notice_no);
DELETE FROM demo_susp s WHERE NOT EXISTS (SELECT 1 FROM demo_new n WHERE n.notice_no = s.notice_no);

-- The internet-zone copy.
INSERT INTO eocms_valid_offence_notice
    (notice_no, vehicle_no, offence_notice_type, last_processing_stage, last_processing_date,
     next_processing_stage, next_processing_date, suspension_type, epr_reason_of_suspension,
     crs_reason_of_suspension, due_date_of_revival, amount_payable, amount_paid, payment_status,
     cre_date, cre_user_id)
SELECT v.notice_no, v.vehicle_no, v.offence_notice_type, v.last_processing_stage, v.last_processing_date,
       v.next_processing_stage, v.next_processing_date, v.suspension_type, v.epr_reason_of_suspension,
       v.crs_reason_of_suspension, v.due_date_of_revival, v.amount_payable, v.amount_paid, v.payment_status,
       v.cre_date, v.cre_user_id
FROM ocms_valid_offence_notice v
JOIN demo_new USING (notice_no)
ON CONFLICT (notice_no) DO NOTHING;

-- Offence details.
INSERT INTO ocms_offence_notice_detail (notice_no, offence_date_time, offence_type, offence_rule_code, place_of_offence, cre_user_id)
SELECT p.notice_no, v.cre_date - make_interval(days => 3 + pg_temp.demo_r(p.i, 'odays') % 10, mins => pg_temp.demo_r(p.i, 'omins') % 1440),
       o.type, o.type || lpad((1 + pg_temp.demo_r(p.i, 'rule') % 9)::text, 2, '0'),
       CASE o.type
           WHEN 'PK' THEN 'Car park HDB Blk ' || (1 + pg_temp.demo_r(p.i, 'place') % 899) || ' '
                          || pg_temp.demo_pick(p.i, 'pstreet', ARRAY['Bukit Merah View', 'Toa Payoh Lorong 1', 'Tampines Street 21', 'Jurong West Street 42', 'Yishun Ring Road'])
           WHEN 'SP' THEN pg_temp.demo_pick(p.i, 'place', ARRAY['PIE towards Changi', 'AYE towards city', 'CTE towards SLE', 'ECP towards Changi', 'BKE towards Woodlands'])
           WHEN 'RL' THEN 'Junction of ' || pg_temp.demo_pick(p.i, 'place', ARRAY['Orchard Road / Scotts Road', 'Bukit Timah Road / Dunearn Road', 'Thomson Road / Moulmein Road'])
           ELSE pg_temp.demo_pick(p.i, 'place', ARRAY['Bus lane, Victoria Street', 'Bus lane, Serangoon Road', 'Bus lane, Bedok North Avenue 1'])
       END,
       'ocms_seed'
FROM demo_plan p
JOIN ocms_valid_offence_notice v USING (notice_no)
CROSS JOIN LATERAL (SELECT pg_temp.demo_pick(p.i, 'otype', ARRAY['PK', 'PK', 'PK', 'PK', 'PK', 'PK', 'SP', 'SP', 'RL', 'BL']) AS type) o
ON CONFLICT (notice_no) DO NOTHING;

-- Owners, hirers and drivers (ONOD). The registered owner is the offender unless a hirer or a
-- driver was furnished; a hirer's vehicle belongs to a leasing company, a driver's to a person or one.
INSERT INTO ocms_offence_notice_owner_driver
    (notice_no, owner_driver_indicator, offender_indicator, id_type, id_no, name, entity_type,
     blk_hse_no, street_name, floor_no, unit_no, bldg_name, postal_code, cre_user_id)
SELECT p.notice_no, r.role, r.offender, r.id_type, r.id_no, r.name, r.entity_type,
       r.blk, r.street, r.floor, r.unit, r.bldg, r.postal, 'ocms_seed'
FROM demo_plan p
CROSS JOIN LATERAL (
    -- the registered owner: a person (O notices, half the D notices) or a leasing company
    SELECT 'O' AS role, CASE WHEN p.kind = 'O' THEN 'Y' ELSE 'N' END AS offender,
           CASE WHEN co THEN 'U' WHEN left(o.id_no, 1) = 'G' THEN 'F' ELSE 'N' END AS id_type,
           CASE WHEN co THEN '1998' || lpad((10000 + p.company_idx * 137)::text, 5, '0') || substr('CDEHKMNRWZ', 1 + p.company_idx % 10, 1) ELSE o.id_no END AS id_no,
           CASE WHEN co THEN (ARRAY['Lion City Leasing Pte Ltd', 'Orchard Car Rental Pte Ltd', 'Speedway Rentals Pte Ltd',
                                    'Merlion Fleet Services Pte Ltd', 'Harbourfront Logistics Pte Ltd', 'Straits Motor Leasing Pte Ltd',
                                    'Kallang Transport Pte Ltd', 'Evergreen Vehicle Hire Pte Ltd'])[p.company_idx]
                ELSE o.name END AS name,
           CASE WHEN co THEN 'COMPANY' ELSE 'INDIVIDUAL' END AS entity_type,
           CASE WHEN co THEN (10 + p.company_idx)::text ELSE o.blk END AS blk,
           CASE WHEN co THEN (ARRAY['Ubi Avenue 1', 'Kaki Bukit Road 2', 'Tai Seng Street', 'Jalan Besar', 'Kallang Way 3',
                                    'Pandan Loop', 'Tuas Avenue 8', 'Sin Ming Drive'])[p.company_idx] ELSE o.street END AS street,
           CASE WHEN co THEN '0' || (1 + p.company_idx % 8)::text ELSE o.floor END AS floor,
           CASE WHEN co THEN (10 + p.company_idx)::text ELSE o.unit END AS unit,
           CASE WHEN co THEN NULL ELSE o.bldg END AS bldg,
           CASE WHEN co THEN lpad((400000 + p.company_idx * 1111)::text, 6, '0') ELSE o.postal END AS postal
    FROM pg_temp.demo_person(p.owner_idx) o,
         LATERAL (SELECT p.kind = 'H' OR (p.kind = 'D' AND p.kind_roll % 2 = 0) AS co) c
    UNION ALL
    SELECT p.kind, 'Y', CASE WHEN left(x.id_no, 1) = 'G' THEN 'F' ELSE 'N' END, x.id_no, x.name, 'INDIVIDUAL',
           x.blk, x.street, x.floor, x.unit, x.bldg, x.postal
    FROM pg_temp.demo_person(CASE p.kind WHEN 'H' THEN 200000 ELSE 400000 END + p.i) x
    WHERE p.kind IN ('H', 'D')
) r
ON CONFLICT (notice_no, owner_driver_indicator) DO NOTHING;

-- The suspension records: earlier revived ones first, then the current one (sr_no in that order).
INSERT INTO ocms_suspended_notice
    (notice_no, suspension_source, suspension_type, reason_of_suspension, officer_authorising_suspension,
     due_date_of_revival, suspension_remarks, date_of_suspension, revival_reason, revival_remarks,
     officer_authorising_revival, date_of_revival, process_indicator, cre_date, cre_user_id, upd_date, upd_user_id)
SELECT s.notice_no,
       CASE WHEN s.code IN ('FP', 'WWP', 'MHA', 'SYS') THEN 'OCMS'
            WHEN s.code IN ('APE', 'APP', 'CCE', 'PRI', 'RED') AND pg_temp.demo_r(s.i * 3 + s.k, 'src') % 3 = 0 THEN 'PLUS'
            ELSE 'OCMS' END,
       s.type, s.code,
       CASE WHEN s.code IN ('FP', 'WWP', 'MHA', 'SYS') THEN 'SYSTEM'
            ELSE pg_temp.demo_pick(s.i * 3 + s.k, 'officer', ARRAY['JOHNLEE', 'MARYTAN', 'AHMADI', 'PRIYAR', 'KELVINNG']) END,
       CASE WHEN s.type = 'TS' THEN now() - make_interval(days => s.ago) + make_interval(days => s.days) END,
       'demo data',
       now() - make_interval(days => s.ago),
       s.revival_reason,
       CASE WHEN s.revival_reason IS NOT NULL THEN 'demo data: revived' END,
       CASE WHEN s.revival_reason = 'SPO' THEN 'SYSTEM'
            WHEN s.revival_reason IS NOT NULL THEN pg_temp.demo_pick(s.i * 3 + s.k, 'rofficer', ARRAY['JOHNLEE', 'MARYTAN', 'AHMADI', 'PRIYAR', 'KELVINNG']) END,
       r.revived_at,
       CASE WHEN s.code IN ('FP', 'WWP', 'MHA', 'SYS') THEN 'auto' ELSE 'manual' END,
       now() - make_interval(days => s.ago), 'ocms_seed',
       r.revived_at, CASE WHEN s.revival_reason IS NOT NULL THEN 'ocms_seed' END
FROM demo_susp s
-- an SPO revival happens on the due date (the auto-revival); the others some days in
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.revival_reason = 'SPO' AND s.type = 'TS' THEN now() - make_interval(days => s.ago - s.days)
                WHEN s.revival_reason IS NOT NULL
                THEN now() - make_interval(days => s.ago - least(s.revived_after, greatest(s.days - 1, 1))) END AS revived_at
) r
ORDER BY s.i, s.k DESC;

-- The HST register: the offender of every TS-HST notice, at the notice's address.
INSERT INTO ocms_hst (id_no, name, street_name, blk_hse_no, floor_no, unit_no, bldg_name, postal_code, cre_user_id)
SELECT DISTINCT ON (o.id_no) o.id_no, o.name, o.street_name, o.blk_hse_no, o.floor_no, o.unit_no, o.bldg_name, o.postal_code, 'ocms_seed'
FROM demo_susp s
JOIN ocms_offence_notice_owner_driver o ON o.notice_no = s.notice_no AND o.offender_indicator = 'Y'
WHERE s.k = 0 AND s.type = 'TS' AND s.code = 'HST'
ORDER BY o.id_no, s.notice_no
ON CONFLICT (id_no) DO NOTHING;

-- The stage change that brought each notice to its stage (the daily run's, printed by Toppan).
INSERT INTO ocms_change_of_processing
    (notice_no, date_of_change, last_processing_stage, new_processing_stage, reason_of_change, remarks,
     authorised_officer, source, toppan_processed_date, cre_date, cre_user_id)
SELECT v.notice_no, v.last_processing_date, v.prev_processing_stage, v.last_processing_stage, NULL, 'demo data',
       'SYSTEM', 'SYSTEM', v.last_processing_date, v.last_processing_date, 'ocms_seed'
FROM demo_new n
JOIN ocms_valid_offence_notice v USING (notice_no)
WHERE v.prev_processing_stage IS NOT NULL
ORDER BY v.notice_no;

-- Court: two in three court-stage notices already have their court case (payment due 28 days
-- after the notice entered its stage); the rest get it when PLUS first asks (getNoticeUpdate).
INSERT INTO ocms_court_case (notice_no, court_payment_due_date, cre_date, cre_user_id)
SELECT v.notice_no, v.last_processing_date + make_interval(days => coalesce(d.value::int, 28)), v.last_processing_date, 'ocms_seed'
FROM demo_plan p
JOIN ocms_valid_offence_notice v USING (notice_no)
LEFT JOIN ocms_parameter d ON d.parameter_id = 'COURT' AND d.code = 'PAYMENT_DUE_DAYS' AND d.value ~ '^[0-9]{1,4}$'
WHERE p.court AND pg_temp.demo_r(p.i, 'case') % 3 <> 0
ON CONFLICT (notice_no) DO NOTHING;

DROP TABLE pg_temp.demo_new;
DROP TABLE pg_temp.demo_susp;
DROP TABLE pg_temp.demo_plan;
DROP TABLE pg_temp.demo_codes;
DROP FUNCTION pg_temp.demo_person(int);
DROP FUNCTION pg_temp.demo_nric(text, int);
DROP FUNCTION pg_temp.demo_pick(int, text, text[]);
DROP FUNCTION pg_temp.demo_r(int, text);
DROP FUNCTION pg_temp.demo_no(int);
