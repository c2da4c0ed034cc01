#!/usr/bin/env bash
# tests/platform/demo_set.sh: the generated demo data set (schemas/seed/0006_demo_set.sql, issue 14).
#   1. In a scratch database of the running PostgreSQL (made and dropped here: the migrations and
#      seeds with demo_size 2000, the default): every kind the generator promises is there (every
#      stage, notice type, offender kind, suspension state, revived history, HST rows, court cases,
#      payment states), the rows agree with each other, a second load changes nothing, what "the
#      API" changed in between survives it, and a second database gets the same notices.
#   2. In the platform's own database (after infra/run): the OCMS_DEMO_SIZE notices of
#      .data/ocms.env are there, and infra/migrate again (what every infra/run does) changes none
#      of their rows.
# Settings: the environment infra/test exports (.data/ocms.env), else this checkout's .data/ocms.env.
# Needs root (the scratch database is made by the superuser over the socket, as infra/ does).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ -z "${OCMS_OWNER_PG_URL:-}" ]]; then
  set -a
  # shellcheck disable=SC1091
  . "$HERE/../../.data/ocms.env"
  set +a
fi
REPO="${OCMS_REPO:-$(cd "$HERE/../.." && pwd)}"   # the checkout whose platform runs
# shellcheck source=infra/lib.sh
. "$REPO/infra/lib.sh"

FAILS=0
ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; FAILS=$((FAILS + 1)); }
# check WHAT SQL [URL]: the query answers t
check() {
  local what="$1" sql="$2" url="${3:-$SCRATCH_URL}" got
  got=$(psql "$url" -X -q -At -v ON_ERROR_STOP=1 -c "$sql" 2>&1) || { bad "$what (query failed: $got)"; return; }
  if [[ "$got" == t ]]; then ok "$what"; else bad "$what (got: ${got:0:300})"; fi
}
value() { psql "$1" -X -q -At -v ON_ERROR_STOP=1 -c "$2"; }

[[ "$(id -u)" == 0 ]] || { echo "demo_set: needs root (the scratch database is made as user postgres)"; exit 1; }
SEED="$REPO/schemas/seed/0006_demo_set.sql"
[[ -f "$SEED" ]] || { bad "no $SEED"; exit 1; }

DEMO='notice_no >= '"'"'500600001'"'"' AND notice_no < '"'"'500700000'"'"''
# every row of the demo notices in the tables the generator writes, as one checksum
fingerprint() { # URL
  value "$1" "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
      SELECT 'von ' || t::text AS x FROM ocms_valid_offence_notice t WHERE $DEMO
      UNION ALL SELECT 'ez ' || t::text FROM eocms_valid_offence_notice t WHERE $DEMO
      UNION ALL SELECT 'onod ' || t::text FROM ocms_offence_notice_owner_driver t WHERE $DEMO
      UNION ALL SELECT 'detail ' || t::text FROM ocms_offence_notice_detail t WHERE $DEMO
      UNION ALL SELECT 'susp ' || t::text FROM ocms_suspended_notice t WHERE $DEMO
      UNION ALL SELECT 'change ' || t::text FROM ocms_change_of_processing t WHERE $DEMO
      UNION ALL SELECT 'court ' || t::text FROM ocms_court_case t WHERE $DEMO
      UNION ALL SELECT 'hst ' || h::text FROM ocms_hst h
                WHERE h.id_no IN (SELECT id_no FROM ocms_offence_notice_owner_driver WHERE $DEMO)) s"
}
# the columns that depend only on the notice's number (no times, no serial numbers)
identity() { # URL
  value "$1" "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
      SELECT concat_ws(',', notice_no, vehicle_no, offence_notice_type, last_processing_stage, prev_processing_stage,
                       next_processing_stage, suspension_type, epr_reason_of_suspension, crs_reason_of_suspension,
                       amount_payable, amount_paid, payment_status, composition_amount, emcons_flag) AS x
      FROM ocms_valid_offence_notice WHERE $DEMO
      UNION ALL SELECT concat_ws(',', notice_no, owner_driver_indicator, offender_indicator, id_type, id_no, name,
                                 blk_hse_no, street_name, floor_no, unit_no, bldg_name, postal_code)
      FROM ocms_offence_notice_owner_driver WHERE $DEMO
      UNION ALL SELECT concat_ws(',', notice_no, suspension_source, suspension_type, reason_of_suspension,
                                 officer_authorising_suspension, revival_reason, officer_authorising_revival)
      FROM ocms_suspended_notice WHERE $DEMO) s"
}

# ---------------------------------------------------------------- 1. a scratch database
SCRATCH_DBS=()
cleanup() {
  local d
  for d in "${SCRATCH_DBS[@]}"; do
    psql_super -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# scratch_db NAME SIZE: a database with the migrations and every seed (demo_size SIZE); SEED_MS:
# the milliseconds the demo seed took
scratch_db() {
  local db="$1" size="$2" url f t0 t1
  SCRATCH_DBS+=("$db")
  psql_super -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
    -c "CREATE DATABASE $db OWNER ocms_owner" >/dev/null
  psql_super -d "$db" -c "ALTER SCHEMA public OWNER TO ocms_owner" -c "ALTER DATABASE $db SET timezone = 'Asia/Singapore'" >/dev/null
  url="${OCMS_OWNER_PG_URL%/*}/$db"
  for f in "$REPO"/schemas/sql/[0-9]*.sql; do
    PGOPTIONS="-c client_min_messages=warning" psql "$url" -X -q -v ON_ERROR_STOP=1 --single-transaction -f "$f" >/dev/null
  done
  for f in "$REPO"/schemas/seed/*.sql; do
    t0=$(date +%s%N)
    PGOPTIONS="-c client_min_messages=warning" psql "$url" -X -q -v ON_ERROR_STOP=1 --single-transaction \
      -v "demo_size=$size" -f "$f" >/dev/null
    t1=$(date +%s%N)
    if [[ "$f" == "$SEED" ]]; then SEED_MS=$(((t1 - t0) / 1000000)); fi
  done
}

SCRATCH="ocms_demo_check_$$"
SEED_MS=0
scratch_db "$SCRATCH" 2000
SCRATCH_URL="${OCMS_OWNER_PG_URL%/*}/$SCRATCH"
if ((SEED_MS < 10000)); then ok "2000 demo notices loaded in ${SEED_MS} ms"; else bad "2000 demo notices took ${SEED_MS} ms (a few seconds at most)"; fi

D="v.notice_no >= '500600001' AND v.notice_no < '500700000'"
check "2000 notices 500600001x..500602000x, each with its internet-zone copy, offence details and one offender" \
  "SELECT count(*) = 2000 AND count(DISTINCT left(v.notice_no, 9)) = 2000 AND min(v.notice_no) LIKE '500600001_'
          AND max(v.notice_no) LIKE '500602000_' AND bool_and(v.notice_no ~ '^5006[0-9]{5}[A-Z]$')
          AND bool_and(EXISTS (SELECT 1 FROM eocms_valid_offence_notice e WHERE e.notice_no = v.notice_no))
          AND bool_and(EXISTS (SELECT 1 FROM ocms_offence_notice_detail d WHERE d.notice_no = v.notice_no))
          AND bool_and((SELECT count(*) FROM ocms_offence_notice_owner_driver o
                        WHERE o.notice_no = v.notice_no AND o.offender_indicator = 'Y') = 1)
   FROM ocms_valid_offence_notice v WHERE $D"
check "the 20 hand-made notices are there as before" \
  "SELECT count(*) = 20 FROM ocms_valid_offence_notice WHERE notice_no BETWEEN '500500303J' AND '500500322D'"
check "every processing stage has notices" \
  "SELECT bool_and(EXISTS (SELECT 1 FROM ocms_valid_offence_notice v WHERE $D AND v.last_processing_stage = p.stage))
   FROM ocms_processing_stage p"
check "notice types O, E and U" \
  "SELECT count(DISTINCT offence_notice_type) = 3 FROM ocms_valid_offence_notice v WHERE $D"
check "offenders: owner (O), hirer (H, the owner a company) and driver (D)" \
  "SELECT count(DISTINCT o.owner_driver_indicator) = 3
          AND bool_and(o.owner_driver_indicator <> 'H' OR EXISTS (SELECT 1 FROM ocms_offence_notice_owner_driver c
                        WHERE c.notice_no = o.notice_no AND c.owner_driver_indicator = 'O' AND c.id_type = 'U'))
   FROM ocms_offence_notice_owner_driver o JOIN ocms_valid_offence_notice v USING (notice_no)
   WHERE $D AND o.offender_indicator = 'Y'"
check "owners with more than one notice" \
  "SELECT count(*) >= 20 FROM (SELECT o.id_no FROM ocms_offence_notice_owner_driver o JOIN ocms_valid_offence_notice v USING (notice_no)
                               WHERE $D AND o.owner_driver_indicator = 'O' GROUP BY o.id_no HAVING count(*) > 1) x"
check "suspension now: none, TS (due ahead) of at least 8 codes, TS overdue, PS-APP, PS-FP, PS-WWP" \
  "SELECT count(*) FILTER (WHERE v.suspension_type IS NULL) >= 500
      AND count(DISTINCT s.reason_of_suspension) FILTER (WHERE v.suspension_type = 'TS' AND v.due_date_of_revival > now()) >= 8
      AND count(*) FILTER (WHERE v.suspension_type = 'TS' AND v.due_date_of_revival <= now()) >= 1
      AND count(*) FILTER (WHERE v.suspension_type = 'PS' AND v.epr_reason_of_suspension = 'APP') >= 1
      AND count(*) FILTER (WHERE v.suspension_type = 'PS' AND v.crs_reason_of_suspension = 'FP') >= 1
      AND count(*) FILTER (WHERE v.suspension_type = 'PS' AND v.crs_reason_of_suspension = 'WWP') >= 1
   FROM ocms_valid_offence_notice v
   LEFT JOIN LATERAL (SELECT * FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no ORDER BY sr_no DESC LIMIT 1) s ON true
   WHERE $D"
check "every notice's suspension agrees with its records (open record = VON suspension, same due date, a code its stage allows)" \
  "SELECT bool_and(CASE WHEN v.suspension_type IS NULL THEN s.sr_no IS NULL OR s.date_of_revival IS NOT NULL
                        ELSE s.date_of_revival IS NULL AND s.suspension_type = v.suspension_type
                             AND s.due_date_of_revival IS NOT DISTINCT FROM v.due_date_of_revival
                             AND (v.suspension_type = 'PS' OR v.last_processing_stage = ANY (r.allowed_stages)) END)
   FROM ocms_valid_offence_notice v
   LEFT JOIN LATERAL (SELECT * FROM ocms_suspended_notice s WHERE s.notice_no = v.notice_no ORDER BY sr_no DESC LIMIT 1) s ON true
   LEFT JOIN ocms_suspension_reason_rule r ON r.suspension_type = s.suspension_type AND r.reason_of_suspension = s.reason_of_suspension
   WHERE $D"
check "revived history: notices with one and with two revived records, some of them suspended again now, none revived in the future" \
  "SELECT count(*) FILTER (WHERE n = 1) >= 1 AND count(*) FILTER (WHERE n = 2) >= 1 AND count(*) FILTER (WHERE now_ts) >= 1
          AND bool_and(ok)
   FROM (SELECT s.notice_no, count(*) FILTER (WHERE s.date_of_revival IS NOT NULL) AS n,
                bool_or(s.date_of_revival IS NULL AND s.suspension_type = 'TS') AS now_ts,
                bool_and(s.date_of_revival IS NULL OR (s.date_of_revival <= now() AND s.date_of_revival >= s.date_of_suspension
                                                      AND s.revival_reason IS NOT NULL)) AS ok
         FROM ocms_suspended_notice s JOIN ocms_valid_offence_notice v USING (notice_no) WHERE $D GROUP BY s.notice_no) x
   WHERE n > 0"
check "TS-HST: every such notice's offender is in the HST register (ocms_hst) with an address" \
  "SELECT count(*) >= 1 AND bool_and(EXISTS (SELECT 1 FROM ocms_hst h WHERE h.id_no = o.id_no AND h.postal_code IS NOT NULL))
   FROM ocms_valid_offence_notice v
   JOIN ocms_suspended_notice s ON s.notice_no = v.notice_no AND s.date_of_revival IS NULL AND s.reason_of_suspension = 'HST'
   JOIN ocms_offence_notice_owner_driver o ON o.notice_no = v.notice_no AND o.offender_indicator = 'Y'
   WHERE $D AND v.suspension_type = 'TS'"
check "court: court-stage notices with a court case (due date) and without one yet, EMCONS notices" \
  "SELECT count(*) FILTER (WHERE c.notice_no IS NOT NULL AND c.court_payment_due_date IS NOT NULL) >= 1
          AND count(*) FILTER (WHERE c.notice_no IS NULL) >= 1 AND count(*) FILTER (WHERE v.emcons_flag = 'EMCONS') >= 1
          AND (SELECT count(*) FROM ocms_court_case c2 JOIN ocms_valid_offence_notice v2 USING (notice_no)
               JOIN ocms_processing_stage p2 ON p2.stage = v2.last_processing_stage
               WHERE v2.notice_no >= '500600001' AND v2.notice_no < '500700000' AND NOT p2.is_court_stage) = 0
   FROM ocms_valid_offence_notice v JOIN ocms_processing_stage p ON p.stage = v.last_processing_stage
   LEFT JOIN ocms_court_case c ON c.notice_no = v.notice_no
   WHERE $D AND p.is_court_stage"
check "payment: unpaid, partly paid (PP), fully paid (FP, paid = payable, under PS)" \
  "SELECT count(*) FILTER (WHERE payment_status IS NULL AND amount_paid = 0) >= 1
          AND count(*) FILTER (WHERE payment_status = 'PP' AND amount_paid > 0 AND amount_paid < amount_payable) >= 1
          AND count(*) FILTER (WHERE payment_status = 'FP') >= 1
          AND bool_and(payment_status IS DISTINCT FROM 'FP' OR (amount_paid = amount_payable AND suspension_type = 'PS'))
   FROM ocms_valid_offence_notice v WHERE $D"

# a second load: nothing new, nothing reset
before=$(fingerprint "$SCRATCH_URL")
PGOPTIONS="-c client_min_messages=warning" psql "$SCRATCH_URL" -X -q -v ON_ERROR_STOP=1 --single-transaction -v demo_size=2000 -f "$SEED" >/dev/null
after=$(fingerprint "$SCRATCH_URL")
if [[ "$before" == "$after" ]]; then ok "a second load changes no row"; else bad "a second load changed rows ($before -> $after)"; fi

# what the API would change between two loads survives the next one: a TS revived, an HST row
# removed, a stage moved, an ONOD row furnished, a court case recorded
n_ts=$(value "$SCRATCH_URL" "SELECT v.notice_no FROM ocms_valid_offence_notice v WHERE $D AND v.suspension_type = 'TS' ORDER BY 1 LIMIT 1")
hst=$(value "$SCRATCH_URL" "SELECT min(h.id_no) FROM ocms_hst h JOIN ocms_offence_notice_owner_driver o USING (id_no) WHERE o.notice_no LIKE '5006%'")
n_st=$(value "$SCRATCH_URL" "SELECT v.notice_no FROM ocms_valid_offence_notice v WHERE $D AND v.last_processing_stage = 'RD1'
                               AND v.suspension_type IS NULL ORDER BY 1 LIMIT 1")
value "$SCRATCH_URL" "BEGIN;
  UPDATE ocms_valid_offence_notice SET suspension_type = NULL, due_date_of_revival = NULL, upd_date = now(), upd_user_id = 'api' WHERE notice_no = '$n_ts';
  UPDATE ocms_suspended_notice SET date_of_revival = now(), revival_reason = 'MAN', upd_user_id = 'api' WHERE notice_no = '$n_ts' AND date_of_revival IS NULL;
  DELETE FROM ocms_hst WHERE id_no = '$hst';
  UPDATE ocms_valid_offence_notice SET last_processing_stage = 'RD2', upd_user_id = 'api' WHERE notice_no = '$n_st';
  COMMIT" >/dev/null
changed=$(fingerprint "$SCRATCH_URL")
PGOPTIONS="-c client_min_messages=warning" psql "$SCRATCH_URL" -X -q -v ON_ERROR_STOP=1 --single-transaction -v demo_size=2000 -f "$SEED" >/dev/null
if [[ "$(fingerprint "$SCRATCH_URL")" == "$changed" ]]; then
  ok "a load after changes ($n_ts revived, HST $hst removed, $n_st moved to RD2) keeps them"
else
  bad "a load after changes reset some of them"
fi
check "  ... $n_ts still revived, $hst still out of the register, $n_st still at RD2" \
  "SELECT (SELECT suspension_type IS NULL FROM ocms_valid_offence_notice WHERE notice_no = '$n_ts')
      AND NOT EXISTS (SELECT 1 FROM ocms_hst WHERE id_no = '$hst')
      AND (SELECT last_processing_stage = 'RD2' FROM ocms_valid_offence_notice WHERE notice_no = '$n_st')"

# the hand-made TS-HST of 500500318Z revived through the HST revival (record revived, register row
# removed): the seeds do not put the row back
value "$SCRATCH_URL" "BEGIN;
  UPDATE ocms_suspended_notice SET date_of_revival = now(), revival_reason = 'HAV', upd_user_id = 'api' WHERE notice_no = '500500318Z' AND date_of_revival IS NULL;
  UPDATE ocms_valid_offence_notice SET suspension_type = NULL, due_date_of_revival = NULL, upd_user_id = 'api' WHERE notice_no = '500500318Z';
  DELETE FROM ocms_hst WHERE id_no = 'S9900112G';
  COMMIT" >/dev/null
for f in "$REPO"/schemas/seed/*.sql; do
  PGOPTIONS="-c client_min_messages=warning" psql "$SCRATCH_URL" -X -q -v ON_ERROR_STOP=1 --single-transaction -v demo_size=2000 -f "$f" >/dev/null
done
check "every seed again after the HST revival of the hand-made 500500318Z leaves S9900112G out of the register" \
  "SELECT NOT EXISTS (SELECT 1 FROM ocms_hst WHERE id_no = 'S9900112G')"

# a larger size adds the missing numbers only
PGOPTIONS="-c client_min_messages=warning" psql "$SCRATCH_URL" -X -q -v ON_ERROR_STOP=1 --single-transaction -v demo_size=2100 -f "$SEED" >/dev/null
check "a larger size (2100) adds the 100 missing notices and keeps the others" \
  "SELECT count(*) = 2100 AND count(*) FILTER (WHERE upd_user_id = 'api') = 2 FROM ocms_valid_offence_notice v WHERE $D"
PGOPTIONS="-c client_min_messages=warning" psql "$SCRATCH_URL" -X -q -v ON_ERROR_STOP=1 --single-transaction -v demo_size=0 -f "$SEED" >/dev/null
check "size 0 loads nothing and removes nothing" "SELECT count(*) = 2100 FROM ocms_valid_offence_notice v WHERE $D"

# reproducible: another database gets the same notices
SCRATCH2="ocms_demo_check2_$$"
scratch_db "$SCRATCH2" 2000
a=$(identity "${OCMS_OWNER_PG_URL%/*}/$SCRATCH2")
# the first database again, from scratch (it holds 2100 and the changes now)
scratch_db "$SCRATCH" 2000
b=$(identity "$SCRATCH_URL")
if [[ -n "$a" && "$a" == "$b" ]]; then ok "reproducible: two databases get the same 2000 notices ($a)"; else bad "two loads differ ($a vs $b)"; fi

# ---------------------------------------------------------------- 2. the platform's database
LIVE="$OCMS_OWNER_PG_URL"
N="${OCMS_DEMO_SIZE:-2000}"
check "the platform's database has the $N demo notices of OCMS_DEMO_SIZE" \
  "SELECT count(*) = $N FROM generate_series(1, $N) i
   JOIN ocms_valid_offence_notice v ON v.notice_no LIKE '5006' || lpad(i::text, 5, '0') || '_'" "$LIVE"
before=$(fingerprint "$LIVE")
if OCMS_DEMO_SIZE="$N" "$REPO/infra/migrate" >"$LOG_DIR/demo-set-migrate.log" 2>&1; then
  after=$(fingerprint "$LIVE")
  if [[ "$before" == "$after" ]]; then ok "infra/migrate again (as every infra/run) changes no row of them"
  else bad "infra/migrate again changed rows of the demo notices ($before -> $after)"; fi
else
  bad "infra/migrate failed (.data/log/demo-set-migrate.log)"
fi

echo
if ((FAILS)); then echo "demo_set: $FAILS check(s) failed"; exit 1; fi
echo "demo_set: all checks passed"
