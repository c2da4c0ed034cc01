-- 0002_demo.sql: demo officers and notices for a person trying the API (README's curl applies
-- TS-ACR to 500500303J). Run on every start after 0001_reference.sql, as ocms_owner.
-- ON CONFLICT DO NOTHING / WHERE NOT EXISTS only: a re-run never resets state the system
-- changed (a notice suspended through the API stays suspended). Dates are relative to the
-- first run. Not for production.
--
--   notice      stage  what it shows
--   500500303J  RD1    unpaid, no suspension: TS-ACR -> OCMS-2000
--   500500304K  RD2    unpaid, no suspension: TS-ACR -> OCMS-2000
--   500500305L  NPA    TS-ACR not allowed at NPA -> OCMS-4002 (TS-APE is allowed)
--   500500306M  ROV    unpaid
--   500500307N  ENA    unpaid
--   500500308P  RR3    TS-CLV allowed here (RR3/DR3 only)
--   500500309Q  DN1    driver notice
--   500500310R  DN2    driver notice
--   500500311S  DR3    TS-CLV allowed here
--   500500312T  CPC    last stage before court
--   500500313U  CFC    last stage before court
--   500500314V  CRT    court stage: no TS code allowed -> OCMS-4002
--   500500315W  RD1    fully paid (FP), PS-FP -> OCMS-4003
--   500500316X  RD2    partly paid (PP) -> OCMS-4003
--   500500317Y  RD1    active PS-APP -> OCMS-4002 "existing PS"
--   500500318Z  RR3    TS-HST due in 30 days: TS-ACR (21 days) -> OCMS-2001
--   500500319A  RD2    TS-ACR due in 2 days: TS-ACR -> OCMS-2000, extended
--   500500320B  RD1    offence_notice_type E
--   500500321C  ENA    offence_notice_type U
--   500500322D  RD1    TS-UND overdue for revival (due yesterday): TS-ACR -> OCMS-2000

INSERT INTO ocms_user (user_id, first_name, last_name, status) VALUES
    ('JOHNLEE',  'John',    'Lee',  'A'),
    ('MARYTAN',  'Mary',    'Tan',  'A'),
    ('AHMADI',   'Ahmad',   'Ismail', 'A'),
    ('PRIYAR',   'Priya',   'Raman', 'A'),
    ('KELVINNG', 'Kelvin',  'Ng',   'A'),
    ('SARAHLIM', 'Sarah',   'Lim',  'I')
ON CONFLICT (user_id) DO NOTHING;

SET client_min_messages = warning;

-- A scratch table in this session only (works with or without an enclosing transaction).
DROP TABLE IF EXISTS pg_temp.demo_notice;
CREATE TEMP TABLE demo_notice (
    notice_no varchar(10), vehicle_no varchar(14), offence_notice_type char(1), stage varchar(3),
    stage_age_days int, amount_payable numeric(12,2), amount_paid numeric(12,2), payment_status varchar(2),
    suspension_type varchar(2), reason varchar(3), crs_reason varchar(3), suspended_days_ago int,
    due_in_days int, owner_name varchar(66), owner_id varchar(20), driver_name varchar(66), driver_id varchar(20)
);

INSERT INTO demo_notice VALUES
    ('500500303J', 'SBA1234A',  'O', 'RD1', 5,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Tan Ah Kow',       'S1234567D', NULL, NULL),
    ('500500304K', 'SBB2345B',  'O', 'RD2', 10, 100.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Lim Mei Ling',     'S2345678H', NULL, NULL),
    ('500500305L', 'SBC3456C',  'O', 'NPA', 0,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Goh Chee Keong',   'S3456789B', NULL, NULL),
    ('500500306M', 'SBD4567D',  'O', 'ROV', 1,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Wong Siew Lan',    'S4567890C', NULL, NULL),
    ('500500307N', 'SBE5678E',  'O', 'ENA', 3,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Ng Boon Huat',     'S5678901D', NULL, NULL),
    ('500500308P', 'SBF6789F',  'O', 'RR3', 7,  130.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Koh Pei Shan',     'S6789012E', NULL, NULL),
    ('500500309Q', 'SBG7890G',  'O', 'DN1', 4,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Lee Kok Wah',      'S7890123F', 'Chua Wei Ming', 'S8901234G'),
    ('500500310R', 'SBH8901H',  'O', 'DN2', 6,  100.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Teo Siok Hwa',     'S9012345H', 'Rajesh Kumar',  'S0123456I'),
    ('500500311S', 'SBJ9012J',  'O', 'DR3', 9,  130.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Ong Beng Chye',    'S1122334J', 'Nur Aisyah',    'S2233445Z'),
    ('500500312T', 'SBK0123K',  'O', 'CPC', 2,  130.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Chan Kah Yee',     'S3344556A', NULL, NULL),
    ('500500313U', 'SBL1234L',  'O', 'CFC', 2,  130.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Ho Swee Lan',      'S4455667B', NULL, NULL),
    ('500500314V', 'SBM2345M',  'O', 'CRT', 12, 130.00, 0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Yeo Chin Huat',    'S5566778C', NULL, NULL),
    ('500500315W', 'SBN3456N',  'O', 'RD1', 8,  70.00,  70.00, 'FP', 'PS', 'FP',  'FP',  6,    NULL, 'Seah Li Ping',     'S6677889D', NULL, NULL),
    ('500500316X', 'SBP4567P',  'O', 'RD2', 11, 100.00, 40.00, 'PP', NULL, NULL,  NULL,  NULL, NULL, 'Toh Kim Seng',     'S7788990E', NULL, NULL),
    ('500500317Y', 'SBQ5678Q',  'O', 'RD1', 5,  70.00,  0.00,  NULL, 'PS', 'APP', NULL,  3,    NULL, 'Quek Hui Min',     'S8899001F', NULL, NULL),
    ('500500318Z', 'SBR6789R',  'O', 'RR3', 3,  130.00, 0.00,  NULL, 'TS', 'HST', NULL,  0,    30,   'Loh Ah Chye',      'S9900112G', NULL, NULL),
    ('500500319A', 'SBS7890S',  'O', 'RD2', 20, 100.00, 0.00,  NULL, 'TS', 'ACR', NULL,  19,   2,    'Pang Sook Fun',    'T0011223H', NULL, NULL),
    ('500500320B', 'SBT8901T',  'E', 'RD1', 5,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Sim Hock Lye',     'T0122334I', NULL, NULL),
    ('500500321C', 'SBU9012U',  'U', 'ENA', 2,  70.00,  0.00,  NULL, NULL, NULL,  NULL,  NULL, NULL, 'Tay Bee Geok',     'T0233445J', NULL, NULL),
    ('500500322D', 'SBV0123V',  'O', 'RD1', 40, 70.00,  0.00,  NULL, 'TS', 'UND', NULL,  31,   -1,   'Foo Yong Kiat',    'T0344556A', NULL, NULL);

-- VON: only rows that are not there yet.
INSERT INTO ocms_valid_offence_notice
    (notice_no, vehicle_no, offence_notice_type, last_processing_stage, last_processing_date,
     next_processing_stage, next_processing_date, suspension_type,
     epr_reason_of_suspension, epr_date_of_suspension, crs_reason_of_suspension, crs_date_of_suspension,
     due_date_of_revival, amount_payable, amount_paid, payment_status, composition_amount, is_sync,
     cre_date, cre_user_id)
SELECT d.notice_no, d.vehicle_no, d.offence_notice_type, d.stage, now() - make_interval(days => d.stage_age_days),
       m.next_stage, now() - make_interval(days => d.stage_age_days) + interval '28 days',
       d.suspension_type,
       CASE WHEN d.suspension_type = 'PS' AND d.crs_reason IS NULL THEN d.reason END,
       CASE WHEN d.suspension_type = 'PS' AND d.crs_reason IS NULL THEN now() - make_interval(days => d.suspended_days_ago) END,
       d.crs_reason, CASE WHEN d.crs_reason IS NOT NULL THEN now() - make_interval(days => d.suspended_days_ago) END,
       CASE WHEN d.due_in_days IS NOT NULL THEN now() + make_interval(days => d.due_in_days) END,
       d.amount_payable, d.amount_paid, d.payment_status, 70.00, 'Y',
       now() - make_interval(days => d.stage_age_days + 30), 'ocms_seed'
FROM demo_notice d
LEFT JOIN ocms_stage_map m ON m.current_stage = d.stage AND m.is_default
ON CONFLICT (notice_no) DO NOTHING;

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
JOIN demo_notice d USING (notice_no)
ON CONFLICT (notice_no) DO NOTHING;

-- Offence details.
INSERT INTO ocms_offence_notice_detail (notice_no, offence_date_time, offence_type, offence_rule_code, place_of_offence, cre_user_id)
SELECT d.notice_no, now() - make_interval(days => d.stage_age_days + 35), 'PK', 'PK01', 'Car park HDB Blk 65 Bukit Merah View', 'ocms_seed'
FROM demo_notice d
ON CONFLICT (notice_no) DO NOTHING;

-- Owners (offender unless a driver was furnished) and drivers.
INSERT INTO ocms_offence_notice_owner_driver
    (notice_no, owner_driver_indicator, offender_indicator, id_type, id_no, name,
     blk_hse_no, street_name, floor_no, unit_no, bldg_name, postal_code, cre_user_id)
SELECT d.notice_no, 'O', CASE WHEN d.driver_id IS NULL THEN 'Y' ELSE 'N' END,
       'N', d.owner_id, d.owner_name,
       '65', 'Bukit Merah View', '29', '1551', 'The Amberlyn', '578640', 'ocms_seed'
FROM demo_notice d
ON CONFLICT (notice_no, owner_driver_indicator) DO NOTHING;

INSERT INTO ocms_offence_notice_owner_driver
    (notice_no, owner_driver_indicator, offender_indicator, id_type, id_no, name,
     blk_hse_no, street_name, floor_no, unit_no, bldg_name, postal_code, cre_user_id)
SELECT d.notice_no, 'D', 'Y', 'N', d.driver_id, d.driver_name,
       '120', 'Toa Payoh Lorong 1', '08', '112', NULL, '310120', 'ocms_seed'
FROM demo_notice d
WHERE d.driver_id IS NOT NULL
ON CONFLICT (notice_no, owner_driver_indicator) DO NOTHING;

-- Suspension records of the notices that start suspended, only for a notice that has none yet.
INSERT INTO ocms_suspended_notice
    (notice_no, suspension_source, suspension_type, reason_of_suspension, officer_authorising_suspension,
     due_date_of_revival, suspension_remarks, date_of_suspension, process_indicator, cre_date, cre_user_id)
SELECT d.notice_no, 'OCMS', d.suspension_type, d.reason, 'MARYTAN',
       v.due_date_of_revival,   -- the same instant as the notice's own due date
       'demo data', now() - make_interval(days => d.suspended_days_ago),
       CASE WHEN d.suspension_type = 'PS' THEN 'auto' ELSE 'manual' END,
       now() - make_interval(days => d.suspended_days_ago), 'ocms_seed'
FROM demo_notice d
JOIN ocms_valid_offence_notice v USING (notice_no)
WHERE d.suspension_type IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM ocms_suspended_notice s WHERE s.notice_no = d.notice_no)
ORDER BY d.notice_no;

DROP TABLE pg_temp.demo_notice;
