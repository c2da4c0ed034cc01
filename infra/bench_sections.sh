# infra/bench's sections pgbench, reference, full, revival, stage, court, read, memory and soak
# (sourced by infra/bench, which has read .data/ocms.env and checked that the edge answers). Raw
# figures in .data/bench/.
# shellcheck shell=bash

BENCH_DIR="$OCMS_DATA/bench"
BENCH_DOC="$OCMS_REPO/docs/performance.md"
LOADGEN="$OCMS_BIN/ocms-loadgen"
PGBENCH_SCRIPT="$OCMS_REPO/tests/bench/apply_ts.pgbench"
REFERENCE_SCRIPT="$OCMS_REPO/tests/bench/reference_ts.pgbench"
TS_BODY='{"noticeNo":{notices},"suspensionType":"TS","reasonOfSuspension":"ACR","suspensionRemarks":"bench","officerAuthorisingSuspension":"JOHNLEE"}'
READ_BODY='{"noticeNo":{notices},"$limit":10}'
# The other command types of issue 16's table (each request 10 notices; the loadgen puts one
# --item per notice where the body says {items}, "{notice}" being the notice number):
# spec 004 1.3, a staff revival of the notices' TS (fixture_revival gives each an open TS-ACR)
REVIVE_BODY='{"noticeNo":{notices},"suspensionType":"TS","revivalReason":"MAN","revivalRemarks":"bench","officerAuthorisingRevival":"JOHNLEE"}'
# spec 003 2.3, a staff change of processing stage RD1 -> RD2 (the stage map's default move, open
# to an owner: fixture_stage makes each notice's owner its current offender)
STAGE_BODY='{"items":{items}}'
STAGE_ITEM='{"noticeNo":{notice},"newStage":"RD2","reason":"SUP","remark":"bench"}'
# spec 001 1.3, CAS's court update of notices at CRT (the body is the list of records): every
# field of a record, as in the spec's example
COURT_BODY='{items}'
COURT_ITEM='{"notice_no":{notice},"suspension_type":"TS","last_eburar_update":"EB-BENCH","atoms_flag":"Y","last_processing_date":"2026-11-22T21:00:00","next_processing_stage":"CHR","amount_payable":130.00,"payment_allowance":"N","epr_reason_of_suspension":"CAN"}'
# The officer (JWT subject) of those three sections' requests: their change-stage reports
# (ChangeStageReport_..._bench_....xlsx and their rows) are told apart by it and deleted after.
BENCH_OFFICER=bench
PEAK_NPS=""      # the full path's peak, notices/s (set by bench_full, used by soak)
PGBENCH_TPS=""   # pgbench's best, transactions (notices)/s
REFERENCE_TPS="" # the reference loop's figure (4 clients), notices/s

# ---------------------------------------------------------------- helpers
jget() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# doc_block NAME FILE: the markdown in FILE replaces the block NAME of docs/performance.md
doc_block() {
  ((write_doc)) || return 0
  python3 - "$BENCH_DOC" "$1" "$2" <<'EOF'
import sys, re
doc, name, src = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(doc).read()
body = open(src).read().rstrip("\n")
begin, end = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
block = f"{begin}\n{body}\n{end}"
if begin in text and end in text:
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: block, text, flags=re.S)
else:
    anchor = "<!-- bench:results:end -->"
    text = text.replace(anchor, block + "\n\n" + anchor) if anchor in text else text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(text)
EOF
}

# The next prefix after P in notice order ('BN' -> 'BO'): the end of P's range, so that a
# range predicate (not LIKE, which the C.UTF-8 collation cannot index) finds a fixture's rows.
prefix_end() { python3 -c 'import sys; p=sys.argv[1]; print(p[:-1] + chr(ord(p[-1]) + 1))' "$1"; }

# fixture PREFIX FROM COUNT [STAGE [TS]]: notices PREFIX + 8 digits at stage STAGE (RD1), unpaid
# (70.00, the composition amount), not suspended - or with TS: under a TS until 30 days from now
# (the notice's fields only; fixture_revival adds the suspension record).
fixture() {
  local p="$1" from="$2" n="$3" stage="${4:-RD1}" ts="${5:-}"
  local susp=NULL due=NULL
  if [[ "$ts" == TS ]]; then susp="'TS'"; due="now() + interval '30 days'"; fi
  owner -c "INSERT INTO ocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage,
              last_processing_date, amount_payable, amount_paid, composition_amount, suspension_type,
              due_date_of_revival, cre_user_id)
            SELECT '$p' || lpad(g::text, 8, '0'), 'SBA1234A', 'O', '$stage', now(), 70.00, 0, 70.00, $susp, $due, 'bench'
            FROM generate_series($from::bigint, ($from + $n - 1)::bigint) g
            ON CONFLICT (notice_no) DO NOTHING"
  owner -c "INSERT INTO eocms_valid_offence_notice (notice_no, vehicle_no, offence_notice_type, last_processing_stage,
              amount_payable, amount_paid, suspension_type, due_date_of_revival, cre_user_id)
            SELECT '$p' || lpad(g::text, 8, '0'), 'SBA1234A', 'O', '$stage', 70.00, 0, $susp, $due, 'bench'
            FROM generate_series($from::bigint, ($from + $n - 1)::bigint) g
            ON CONFLICT (notice_no) DO NOTHING"
  owner -c "ANALYZE ocms_valid_offence_notice, eocms_valid_offence_notice"
}

# fixture_revival PREFIX FROM COUNT: notices at RD1 under an active TS-ACR an officer may revive
# (spec 004): suspension_type TS on the notice and its open record, the latest
# ocms_suspended_notice row of type TS without date_of_revival, which the worker's revival reads.
# ACR is no HST (only the HST route may revive those); the due date is a month away, out of the
# auto-revival's reach.
fixture_revival() {
  local p="$1" from="$2" n="$3"
  fixture "$p" "$from" "$n" RD1 TS
  owner -c "INSERT INTO ocms_suspended_notice (notice_no, suspension_source, suspension_type, reason_of_suspension,
              officer_authorising_suspension, due_date_of_revival, suspension_remarks, date_of_suspension,
              process_indicator, cre_user_id)
            SELECT '$p' || lpad(g::text, 8, '0'), 'OCMS', 'TS', 'ACR', 'JOHNLEE', now() + interval '30 days', 'bench',
                   now(), 'manual', 'bench'
            FROM generate_series($from::bigint, ($from + $n - 1)::bigint) g"
  owner -c "ANALYZE ocms_suspended_notice"
}

# fixture_stage PREFIX FROM COUNT: notices at RD1 whose owner is the one current offender (ONOD
# 'O' with offender_indicator 'Y'): RD1 -> RD2 is in the stage map and open to an owner
# (ocms_stage_offender_role); no PS, no court stage, no change of stage yet (so no warning).
fixture_stage() {
  local p="$1" from="$2" n="$3"
  fixture "$p" "$from" "$n" RD1
  owner -c "INSERT INTO ocms_offence_notice_owner_driver (notice_no, owner_driver_indicator, offender_indicator, id_type,
              id_no, name, cre_user_id)
            SELECT '$p' || lpad(g::text, 8, '0'), 'O', 'Y', 'N', 'S0000001B', 'BENCH OWNER', 'bench'
            FROM generate_series($from::bigint, ($from + $n - 1)::bigint) g
            ON CONFLICT (notice_no, owner_driver_indicator) DO NOTHING"
  owner -c "ANALYZE ocms_offence_notice_owner_driver"
}

# fixture_court PREFIX FROM COUNT: notices at the court stage CRT (the record's
# next_processing_stage CHR is a known stage).
fixture_court() { fixture "$1" "$2" "$3" CRT; }

# drop_fixture PREFIX [all]: the fixture's notices and the rows that name them (suspension
# records, owners, offence details, changes of stage). The inbox and audit rows stay (the purge
# job ages them out): their commands are still on the topic, and a replay must find them
# answered. "all" (pgbench, whose commands were never on a topic) deletes those too.
drop_fixture() {
  local lo="$1" hi; hi=$(prefix_end "$1")
  local t tables=(ocms_suspended_notice ocms_offence_notice_owner_driver ocms_offence_notice_detail
    ocms_change_of_processing eocms_valid_offence_notice ocms_valid_offence_notice)
  [[ "${2:-}" == all ]] && tables=(ocms_command_audit ocms_command_inbox "${tables[@]}")
  for t in "${tables[@]}"; do
    owner -c "DELETE FROM $t WHERE notice_no >= '$lo' AND notice_no < '$hi'"
  done
  # As pgbench does before it measures: the deleted rows' space back and the statistics fresh, so
  # that the next section does not measure this one's dead rows (a run right after the soak's
  # 434,440 fixture notices were deleted gave half the full path's figure, docs/performance.md).
  owner -c "VACUUM (ANALYZE) $(IFS=,; echo "${tables[*]}")"
}

worker_lag() {
  curl -fsS -m 2 "http://${OCMS_WORKER_METRICS_LISTEN:-127.0.0.1:9101}/metrics" 2>/dev/null |
    awk '/^ocms_consumer_lag/ {s += $2} END {print s + 0}'
}

# waits until the workers have applied everything (their lag gauges, refreshed every 2 s, read 0)
wait_drained() {
  local i
  for i in $(seq 1 120); do
    sleep 2
    [[ "$(worker_lag)" == 0 ]] && return 0
  done
  warn "the workers' lag did not return to zero in 240 s"
}

pid_of() { cat "$RUN_DIR/$1.pid" 2>/dev/null || true; }
kafka_pid() { cat "$KAFKA_PID" 2>/dev/null || true; }

# cpu_ticks: "edge worker kafka postgres" CPU clock ticks (user + system) so far
cpu_ticks() {
  local e w k pg=0 p
  e=$(awk '{print $14 + $15}' "/proc/$(pid_of edge)/stat" 2>/dev/null || echo 0)
  w=$(awk '{print $14 + $15}' "/proc/$(pid_of worker)/stat" 2>/dev/null || echo 0)
  k=$(awk '{print $14 + $15}' "/proc/$(kafka_pid)/stat" 2>/dev/null || echo 0)
  # this checkout's cluster only: its postmaster and its children
  local pm; pm=$(head -1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo 0)
  for p in "$pm" $(pgrep -P "$pm"); do
    pg=$((pg + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$e $w $k $pg"
}

# cpu_table BEFORE AFTER NOTICES SECONDS: the markdown table of CPU per process between two
# cpu_ticks readings, per notice (SECONDS of load + 2 s warm-up)
cpu_table() {
  python3 - "$1" "$2" "$(getconf CLK_TCK)" "$3" "$4" <<'EOF'
import sys
b = [int(x) for x in sys.argv[1].split()]; a = [int(x) for x in sys.argv[2].split()]
hz, n, dur = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
names = ["ocms-edge", "ocms-worker", "Kafka (java)", "PostgreSQL (all processes)"]
print("| process | CPU seconds | share of 2 cores | CPU per notice |")
print("| --- | ---: | ---: | ---: |")
tot = 0
for name, x, y in zip(names, b, a):
    s = (y - x) / hz; tot += s
    print(f"| {name} | {s:.1f} | {100 * s / (2 * (dur + 2)):.0f} % | {1e6 * s / max(n, 1):.0f} µs |")
print(f"| all four | {tot:.1f} | {100 * tot / (2 * (dur + 2)):.0f} % | {1e6 * tot / max(n, 1):.0f} µs |")
EOF
}

# rss_kib PID FIELD (VmRSS or VmHWM)
rss_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# loadgen OUT PATH BODY RATE DURATION START [extra args]: one run, JSON figures in OUT. The token
# is BENCH_TOKEN where a section set one (command_section), else OCMS_DEV_TOKEN.
loadgen() {
  local out="$1" path="$2" body="$3" rate="$4" dur="$5" start="$6"
  shift 6
  "$LOADGEN" --url "$OCMS_EDGE_URL$path" --header "Authorization: Bearer ${BENCH_TOKEN:-$OCMS_DEV_TOKEN}" --body "$body" \
    --rate "$rate" --duration "$dur" --warmup 2 --connections 128 --start "$start" "$@" >"$out" 2>"$out.progress"
}

bench_start() {
  mkdir -p "$BENCH_DIR"
  build_cpp ocms-loadgen   # infra/run builds only what runs; nothing to do when it is up to date
  [[ -x "$LOADGEN" ]] || die "no $LOADGEN: build it (cmake --build build --target ocms-loadgen)"
  command -v pgbench >/dev/null || die "pgbench is missing (Debian's postgresql-client-15 has it)"
  local f="$BENCH_DIR/machine.md"
  {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit $(git -C "$OCMS_REPO" rev-parse --short HEAD 2>/dev/null || echo '?'):"
    echo "$(nproc) cores ($(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')),"
    echo "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r);"
    echo "PostgreSQL $(psql "$OCMS_OWNER_PG_URL" -qAt -c 'SHOW server_version' | cut -d' ' -f1) (fsync and synchronous_commit on),"
    echo "Kafka $(basename "$(ls "$KAFKA_LIBS"/kafka_2.13-*.jar 2>/dev/null | head -1)" .jar | sed 's/kafka_2.13-//') KRaft, one broker (heap ${KAFKA_HEAP_OPTS}),"
    echo "ocms-edge ${OCMS_EDGE_THREADS:-2} threads, ocms-worker ${OCMS_WORKER_THREADS:-3} threads (batch ${OCMS_WORKER_BATCH:-200}),"
    echo "the load generator, PostgreSQL, Kafka, the edge, the worker and the scheduler all on this machine."
  } >"$f"
  cat "$f"
  doc_block machine "$f"
  if [[ " ${sections[*]} " == *" memory "* ]]; then
    # idle: fresh processes that have done nothing yet (VmHWM starts again with them)
    log "memory: restarting the edge and the worker for the idle figures"
    "$INFRA/stop" edge worker >/dev/null
    "$INFRA/run" --detach --no-build >/dev/null
    sleep 10
    IDLE_EDGE=$(rss_kib "$(pid_of edge)" VmRSS)
    IDLE_WORKER=$(rss_kib "$(pid_of worker)" VmRSS)
    IDLE_KAFKA=$(rss_kib "$(kafka_pid)" VmRSS)
  fi
}

bench_finish() {
  peaks_by_type
  ((write_doc)) && log "figures written to docs/performance.md"
  return 0
}

# load_reference_tps: REFERENCE_TPS from $BENCH_DIR/reference-tps when the reference section did
# not run this time
load_reference_tps() {
  [[ -z "$REFERENCE_TPS" && -f "$BENCH_DIR/reference-tps" ]] && REFERENCE_TPS=$(cat "$BENCH_DIR/reference-tps")
  return 0
}

# ratio_to_reference NOTICES_PER_S: that figure over the reference loop's ("" when none is known;
# load_reference_tps first)
ratio_to_reference() {
  [[ -n "$REFERENCE_TPS" ]] && awk -v b="$1" -v p="$REFERENCE_TPS" 'BEGIN {printf "%.2f", b / p}'
  return 0
}

# The one line "peak by command type" (stdout and the doc block "peaks") when a section of that
# table ran: each type's last peak ($BENCH_DIR/NAME-peak), marked "*" when of an earlier run.
peaks_by_type() {
  local names=(full revival stage court) labels=("staff TS" "revival" "stage change" "court update")
  local i ran=0 line="" f v r mark old=0
  for i in "${!names[@]}"; do [[ " ${sections[*]} " == *" ${names[$i]} "* ]] && ran=1; done
  ((ran)) || return 0
  load_reference_tps
  for i in "${!names[@]}"; do
    f="$BENCH_DIR/${names[$i]}-peak"
    [[ -f "$f" ]] || continue
    v=$(cat "$f"); r=$(ratio_to_reference "$v"); mark=""
    [[ " ${sections[*]} " == *" ${names[$i]} "* ]] || { mark="*"; old=1; }
    line+="${line:+, }${labels[$i]} $v${mark}${r:+ (${r}x)}"
  done
  ((old)) && line+=" (* an earlier run)"
  printf '\npeak by command type, notices/s%s: %s\n' "${REFERENCE_TPS:+ (x the reference loop of $REFERENCE_TPS)}" "$line"
  local md="$BENCH_DIR/peaks.md"
  echo "Peak by command type, notices/s (10 notices a request)${REFERENCE_TPS:+; in brackets the ratio to the reference loop, $REFERENCE_TPS notices/s}: $line." >"$md"
  doc_block peaks "$md"
}

# ---------------------------------------------------------------- (1) pgbench
bench_pgbench() {
  local n=100000 c out tps lat best=0 best_c=0
  log "pgbench: $n fixture notices (PB...)"
  drop_fixture PB all
  fixture PB 0 "$n"
  owner -c "ANALYZE ocms_valid_offence_notice"
  local md="$BENCH_DIR/pgbench.md"
  {
    echo "| clients | transactions (notices)/s | mean latency |"
    echo "| ---: | ---: | ---: |"
  } >"$md"
  for c in 1 2 4 8 16; do
    out="$BENCH_DIR/pgbench-$c.txt"
    pgbench "$OCMS_WORKER_PG_URL" -n -M prepared -f "$PGBENCH_SCRIPT" -D notices="$n" -c "$c" -j "$((c < 2 ? c : 2))" \
      -T "$step_s" >"$out" 2>&1 || { tail -n 20 "$out" >&2; die "pgbench failed ($out)"; }
    tps=$(awk '/^tps = / {printf "%.0f", $3}' "$out")
    lat=$(awk '/^latency average/ {print $4}' "$out")
    printf '  pgbench %2d clients: %6s tps, mean latency %s ms\n' "$c" "$tps" "$lat"
    echo "| $c | $tps | $lat ms |" >>"$md"
    if ((tps > best)); then best=$tps; best_c=$c; fi
  done
  PGBENCH_TPS=$best
  echo "$best" >"$BENCH_DIR/pgbench-best"
  {
    echo
    echo "Best: **$best notices/s at $best_c clients** (one notice, one transaction, one commit each)."
  } >>"$md"
  printf '\npgbench best: %s notices/s at %s clients\n' "$best" "$best_c"
  doc_block pgbench "$md"
  drop_fixture PB all
}

# ---------------------------------------------------------------- (1b) the reference loop
# Issue 16's yardstick: the plainest row-at-a-time loop (tests/bench/reference_ts.pgbench) at 4
# clients, 3 rounds; the median counts. The full path's peak is reported as a ratio to it.
bench_reference() {
  local n=100000 round out tps all=()
  log "reference loop: $n fixture notices (RB...), 4 clients, 3 rounds of ${step_s}s"
  drop_fixture RB all
  fixture RB 0 "$n"
  for round in 1 2 3; do
    out="$BENCH_DIR/reference-$round.txt"
    pgbench "$OCMS_WORKER_PG_URL" -n -M prepared -f "$REFERENCE_SCRIPT" -D notices="$n" -c 4 -j 2 \
      -T "$step_s" >"$out" 2>&1 || { tail -n 20 "$out" >&2; die "pgbench failed ($out)"; }
    tps=$(awk '/^tps = / {printf "%.0f", $3}' "$out")
    printf '  reference loop, round %s: %6s notices/s\n' "$round" "$tps"
    all+=("$tps")
  done
  REFERENCE_TPS=$(printf '%s\n' "${all[@]}" | sort -n | sed -n 2p)
  echo "$REFERENCE_TPS" >"$BENCH_DIR/reference-tps"
  local md="$BENCH_DIR/reference.md"
  echo "The reference loop (\`tests/bench/reference_ts.pgbench\`: UPDATE of the notice + INSERT of its suspension record, one notice per transaction, 4 clients, prepared): rounds ${all[*]} notices/s; median **$REFERENCE_TPS notices/s**." >"$md"
  printf '\nreference loop: %s notices/s (median of 3)\n' "$REFERENCE_TPS"
  doc_block reference "$md"
  drop_fixture RB all
}

# ---------------------------------------------------------------- (2) the full path
# check_successes LABEL OUT: dies unless most notices of the run in OUT got a success (more than
# 90 % of those with a result): a peak of refused requests is worthless.
check_successes() {
  local label="$1" out="$2" s e p status refused
  s=$(jget "$out" notices_success); e=$(jget "$out" notices_error); p=$(jget "$out" notices_pending)
  status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["by_status"])' "$out")
  refused=$(grep -m1 "first refused answer" "$out.progress" 2>/dev/null | cut -c1-800 || true)
  ((s + e > 0)) ||
    die "$label: no notice got a result at the first step ($p pending; HTTP statuses $status)${refused:+; $refused}"
  ((s * 10 > (s + e) * 9)) ||
    die "$label: only $s of the $((s + e)) notices with a result succeeded at the first step (HTTP statuses $status): the fixture does not fit the API${refused:+; $refused}"
  return 0
}

# ladder NAME LABEL PREFIX FIXTURE PATH BODY [loadgen args]: issue 16's rising ladder for one API,
# 10 notices a request: each step step_s seconds at a higher rate on fresh fixture notices
# (FIXTURE PREFIX FROM COUNT makes them), until the answers fall behind what is offered or p99
# passes 5 s. Its table in $BENCH_DIR/NAME.md, each step's figures in $BENCH_DIR/NAME-RATE.json.
# After the first step most notices must have succeeded (check_successes). Sets LADDER_BEST (the
# peak, notices/s with a result), LADDER_RATE (its requests/s), LADDER_OUT (its step's JSON) and
# LADDER_START (the next unused fixture number).
ladder() {
  local name="$1" label="$2" prefix="$3" fix="$4" path="$5" body="$6"
  shift 6
  local rates=(20 40 80 120 160 200 250 300 400 500 650 800 1000 1300 1600 2000) r out start=0 need
  local best=0 best_rate=0 best_out="" fin p50 p99 p999 offered pend first=1
  local md="$BENCH_DIR/$name.md"
  {
    echo "| offered requests/s | offered notices/s | answered requests/s | notices/s with a result | pending | p50 | p99 | p99.9 |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  } >"$md"
  for r in "${rates[@]}"; do
    need=$((r * (step_s + 2) * 10 + 1000))
    "$fix" "$prefix" "$start" "$need"
    out="$BENCH_DIR/$name-$r.json"
    log "$label: $r requests/s ($((r * 10)) notices/s) for ${step_s}s"
    loadgen "$out" "$path" "$body" "$r" "$step_s" "$start" --prefix "$prefix" "$@"
    start=$((start + need))
    fin=$(jget "$out" notices_final_per_s); pend=$(jget "$out" notices_pending)
    p50=$(jget "$out" p50_ms); p99=$(jget "$out" p99_ms); p999=$(jget "$out" p999_ms)
    offered=$((r * 10))
    printf '  offered %5s notices/s: %8s notices/s answered with a result, %s pending, p50 %s ms p99 %s ms p99.9 %s ms\n' \
      "$offered" "$fin" "$pend" "$p50" "$p99" "$p999"
    echo "| $r | $offered | $(jget "$out" answered_rps) | $fin | $pend | $p50 ms | $p99 ms | $p999 ms |" >>"$md"
    if ((first)); then check_successes "$label" "$out"; first=0; fi
    wait_drained
    if awk -v f="$fin" -v b="$best" 'BEGIN {exit !(f > b)}'; then best=$fin; best_rate=$r; best_out=$out; fi
    # stop once the answers fall behind what is offered (queues grow without bound)
    if awk -v f="$fin" -v o="$offered" -v p="$p99" 'BEGIN {exit !(f < 0.95 * o || p > 5000)}'; then break; fi
  done
  LADDER_BEST=$best
  LADDER_RATE=$best_rate
  LADDER_OUT=$best_out
  LADDER_START=$start
}

bench_full() {
  local start need best best_rate out
  drop_fixture BN
  local md="$BENCH_DIR/full.md"
  ladder full "full path" BN fixture /v1/staff-apply-suspension "$TS_BODY"
  best=$LADDER_BEST; best_rate=$LADDER_RATE; start=$LADDER_START
  PEAK_NPS=$best
  echo "$best" >"$BENCH_DIR/full-peak"

  # half the peak: the latency figures, and where the CPU goes
  local half=$(awk -v b="$best" 'BEGIN {r = int(b / 20); print (r < 1 ? 1 : r)}')
  local dur=30
  need=$((half * (dur + 2) * 10 + 1000))
  fixture BN "$start" "$need"
  out="$BENCH_DIR/full-half.json"
  log "full path at half the peak: $half requests/s for ${dur}s"
  local before after
  before=$(cpu_ticks)
  loadgen "$out" /v1/staff-apply-suspension "$TS_BODY" "$half" "$dur" "$start" --prefix BN
  after=$(cpu_ticks)
  start=$((start + need))
  wait_drained
  local notices=$(( $(jget "$out" notices_success) + $(jget "$out" notices_error) ))

  # idle: one 10-notice request at a time, 2 a second for 15 s (issue 16: p50 at half the peak at
  # most 2x this, and this at most 10 ms)
  local idle_out="$BENCH_DIR/full-idle.json" idle_n=$((2 * 17 * 10 + 100))
  fixture BN "$start" "$idle_n"
  log "full path idle: 2 requests/s for 15s"
  loadgen "$idle_out" /v1/staff-apply-suspension "$TS_BODY" 2 15 "$start" --prefix BN
  start=$((start + idle_n))
  wait_drained
  local cpu_md="$BENCH_DIR/full-cpu.md"
  cpu_table "$before" "$after" "$notices" "$dur" >"$cpu_md"
  local ratio=""
  [[ -z "$PGBENCH_TPS" && -f "$BENCH_DIR/pgbench-best" ]] && PGBENCH_TPS=$(cat "$BENCH_DIR/pgbench-best")
  [[ -n "$PGBENCH_TPS" ]] && ratio=$(awk -v b="$best" -v p="$PGBENCH_TPS" 'BEGIN {printf "%.2f", b / p}')
  local ref_ratio
  load_reference_tps
  ref_ratio=$(ratio_to_reference "$best")
  {
    echo
    echo "Peak: **$best notices/s** (offered $((best_rate * 10)) notices/s = $best_rate requests/s of 10 notices)${ref_ratio:+; **${ref_ratio}x** the reference loop, $REFERENCE_TPS notices/s}${ratio:+; ${ratio}x the pgbench figure, $PGBENCH_TPS notices/s}."
    echo
    echo "At half the peak ($half requests/s, $((half * 10)) notices/s, ${dur} s): p50 **$(jget "$out" p50_ms) ms**, p90 $(jget "$out" p90_ms) ms, p99 **$(jget "$out" p99_ms) ms**, p99.9 $(jget "$out" p999_ms) ms, max $(jget "$out" max_ms) ms; $(jget "$out" answered) requests answered, $notices notices with a result, $(jget "$out" notices_pending) pending."
    echo
    echo "Idle (2 requests/s of 10 notices, 15 s): p50 **$(jget "$idle_out" p50_ms) ms**, p99 $(jget "$idle_out" p99_ms) ms; half the peak's p50 is $(awk -v h="$(jget "$out" p50_ms)" -v i="$(jget "$idle_out" p50_ms)" 'BEGIN {printf "%.1f", h / i}')x the idle p50."
    echo
    echo "CPU over that run (from /proc, ${dur} s of load + 2 s warm-up; the load generator itself not counted):"
    echo
    cat "$cpu_md"
  } >>"$md"
  printf '\nfull path peak: %s notices/s%s%s\n' "$best" "${ref_ratio:+ (${ref_ratio}x the reference loop)}" "${ratio:+ (${ratio}x pgbench)}"
  printf 'half the peak (%s requests/s): p50 %s ms, p99 %s ms, p99.9 %s ms\n' "$half" "$(jget "$out" p50_ms)" \
    "$(jget "$out" p99_ms)" "$(jget "$out" p999_ms)"
  printf 'idle (2 requests/s): p50 %s ms, p99 %s ms\n' "$(jget "$idle_out" p50_ms)" "$(jget "$idle_out" p99_ms)"
  cat "$cpu_md"
  doc_block full "$md"
  drop_fixture BN
}

# ---------------------------------------------------------------- (2b) the other command types
# Issue 16's table for revival, change of stage and court update: the full path's ladder (the same
# table, 10 notices a request) on each API, with fixture notices the command succeeds on; the
# peak, its ratio to the reference loop (issue 16: at least 2x) and the doc block NAME.

# command_section NAME LABEL PREFIX FIXTURE PATH BODY WHAT [loadgen args]: WHAT describes a
# request for the doc.
command_section() {
  local name="$1" label="$2" prefix="$3" fix="$4" path="$5" body="$6" what="$7"
  shift 7
  # the requests' officer (JWT subject, every role), told apart from people's: infra/lib.sh dev_token
  local BENCH_TOKEN
  BENCH_TOKEN=$(dev_token "$BENCH_OFFICER")
  drop_fixture "$prefix"
  ladder "$name" "$label" "$prefix" "$fix" "$path" "$body" "$@"
  local best=$LADDER_BEST best_rate=$LADDER_RATE out=$LADDER_OUT md="$BENCH_DIR/$name.md"
  echo "$best" >"$BENCH_DIR/$name-peak"
  local ref_ratio s=0 e=0
  load_reference_tps
  ref_ratio=$(ratio_to_reference "$best")
  if [[ -n "$out" ]]; then s=$(jget "$out" notices_success); e=$(jget "$out" notices_error); fi
  {
    echo
    echo "Peak: **$best notices/s** (offered $((best_rate * 10)) notices/s = $best_rate requests/s of 10 notices)${ref_ratio:+; **${ref_ratio}x** the reference loop, $REFERENCE_TPS notices/s}; at that step $s of the $((s + e)) notices with a result succeeded."
    echo
    echo "Each request: $what"
  } >>"$md"
  printf '\n%s peak: %s notices/s%s; %s of the %s notices with a result succeeded at that step\n' "$label" "$best" \
    "${ref_ratio:+ (${ref_ratio}x the reference loop)}" "$s" "$((s + e))"
  doc_block "$name" "$md"
  drop_fixture "$prefix"
}

bench_revival() {
  command_section revival revival BV fixture_revival /staff-revive-suspension "$REVIVE_BODY" \
    "POST /staff-revive-suspension, 10 notices under an active TS-ACR, \`suspensionType\` TS, \`revivalReason\` MAN (one revival.apply command per notice)."
}

# The stage section's change-stage reports (an .xlsx and its row per request): deleted.
drop_bench_reports() {
  owner -c "DELETE FROM ocms_change_stage_report WHERE generated_by = '$BENCH_OFFICER'"
  find "$OCMS_REPORT_DIR" -maxdepth 1 -name "ChangeStageReport_*_${BENCH_OFFICER}_*.xlsx" -delete 2>/dev/null || true
}

bench_stage() {
  drop_bench_reports
  command_section stage "stage change" BG fixture_stage /api/v1/change-processing-stage "$STAGE_BODY" \
    "POST /api/v1/change-processing-stage, 10 items (\`newStage\` RD2, \`reason\` SUP) of notices at RD1 whose owner is the current offender (one stage.change command per item; the edge stores each batch's .xlsx report)." \
    --item "$STAGE_ITEM"
  drop_bench_reports
}

# CAS / DAYEND_WINDOW as it was before bench_court opened it ("" when it is back)
COURT_WINDOW=""
restore_court_window() {
  [[ -n "$COURT_WINDOW" ]] || return 0
  owner -c "UPDATE ocms_parameter SET value = '$COURT_WINDOW' WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'" ||
    warn "could not put CAS/DAYEND_WINDOW back to $COURT_WINDOW"
  COURT_WINDOW=""
}

bench_court() {
  # updateCourtNotices is refused whole outside the day-end window (Singapore time): open all day
  # for the section ("00:00-00:00"; the edge reads it on every request), the operator's value back
  # after, on failure too.
  COURT_WINDOW=$(owner -c "SELECT value FROM ocms_parameter WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'")
  [[ -n "$COURT_WINDOW" ]] || die "court: no parameter CAS/DAYEND_WINDOW (schemas/seed/0005_cas.sql)"
  trap restore_court_window EXIT
  trap 'restore_court_window; exit 130' INT TERM
  owner -c "UPDATE ocms_parameter SET value = '00:00-00:00' WHERE parameter_id = 'CAS' AND code = 'DAYEND_WINDOW'"
  command_section court "court update" BC fixture_court /v1/updateCourtNotices "$COURT_BODY" \
    "POST /v1/updateCourtNotices (role CAS), 10 records of notices at CRT, each with every field of spec 001 1.3 (one court.update command per record); the day-end window opened for the run." \
    --item "$COURT_ITEM"
  restore_court_window
  trap - EXIT INT TERM
}

# ---------------------------------------------------------------- (2c) CPU at a fixed rate
# The full path (staff TS, 10 notices a request) at --cpu-rate requests/s for 30 s: the CPU each
# process used, per notice. For comparing settings at one load (batching changes the cost per
# notice with the load, so figures of different rates do not compare).
bench_cpu() {
  local r="$cpu_rate" dur=30 start=0 need out before after notices
  drop_fixture BU
  need=$((r * (dur + 2) * 10 + 1000))
  fixture BU "$start" "$need"
  out="$BENCH_DIR/cpu-$r.json"
  log "CPU at $r requests/s ($((r * 10)) notices/s) for ${dur}s"
  before=$(cpu_ticks)
  loadgen "$out" /v1/staff-apply-suspension "$TS_BODY" "$r" "$dur" "$start" --prefix BU
  after=$(cpu_ticks)
  wait_drained
  notices=$(( $(jget "$out" notices_success) + $(jget "$out" notices_error) ))
  printf '\nCPU at %s requests/s: %s notices with a result, p50 %s ms, p99 %s ms\n' "$r" "$notices" \
    "$(jget "$out" p50_ms)" "$(jget "$out" p99_ms)"
  cpu_table "$before" "$after" "$notices" "$dur"
  drop_fixture BU
}

# ---------------------------------------------------------------- (3) the read path
bench_read() {
  local n=10000 c out best=0 r
  drop_fixture BR
  fixture BR 0 "$n"
  local md="$BENCH_DIR/read.md"
  {
    echo "| load | requests/s | p50 | p99 | p99.9 |"
    echo "| --- | ---: | ---: | ---: | ---: |"
  } >"$md"
  for c in 1 8 32; do
    out="$BENCH_DIR/read-c$c.json"
    log "read path: closed loop, $c connections, ${step_s}s"
    "$LOADGEN" --url "$OCMS_EDGE_URL/v1/validoffencenoticelist" --header "Authorization: Bearer $OCMS_DEV_TOKEN" \
      --body "$READ_BODY" --rate 0 --duration "$step_s" --warmup 2 --connections "$c" --prefix BR --modulo "$n" \
      >"$out" 2>"$out.progress"
    r=$(jget "$out" answered_rps)
    printf '  closed loop %2d connections: %8s requests/s, p50 %s ms, p99 %s ms (status %s)\n' "$c" "$r" \
      "$(jget "$out" p50_ms)" "$(jget "$out" p99_ms)" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["by_status"])' "$out")"
    echo "| closed loop, $c connections | $r | $(jget "$out" p50_ms) ms | $(jget "$out" p99_ms) ms | $(jget "$out" p999_ms) ms |" >>"$md"
    best=$(awk -v a="$r" -v b="$best" 'BEGIN {print (a > b ? a : b)}')
  done
  local half; half=$(awk -v b="$best" 'BEGIN {r = int(b / 2); print (r < 1 ? 1 : r)}')
  out="$BENCH_DIR/read-half.json"
  log "read path: open loop at half its peak, $half requests/s, ${step_s}s"
  "$LOADGEN" --url "$OCMS_EDGE_URL/v1/validoffencenoticelist" --header "Authorization: Bearer $OCMS_DEV_TOKEN" \
    --body "$READ_BODY" --rate "$half" --duration "$step_s" --warmup 2 --connections 64 --prefix BR --modulo "$n" \
    >"$out" 2>"$out.progress"
  echo "| open loop at half the peak, $half requests/s | $(jget "$out" answered_rps) | $(jget "$out" p50_ms) ms | $(jget "$out" p99_ms) ms | $(jget "$out" p999_ms) ms |" >>"$md"
  printf '  open loop %s requests/s: p50 %s ms, p99 %s ms, p99.9 %s ms\n' "$half" "$(jget "$out" p50_ms)" \
    "$(jget "$out" p99_ms)" "$(jget "$out" p999_ms)"
  {
    echo
    printf 'Each request: 10 notices by number, `$limit` 10, every field (10 rows out of %s fixture notices).\n' "$n"
  } >>"$md"
  doc_block read "$md"
  drop_fixture BR
}

# ---------------------------------------------------------------- memory
bench_memory() {
  local e w k md="$BENCH_DIR/memory.md"
  e=$(pid_of edge); w=$(pid_of worker); k=$(kafka_pid)
  {
    echo "| process | idle (fresh start) | now (after the sections above) | peak (VmHWM) |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| ocms-edge | ${IDLE_EDGE:+$(mib "$IDLE_EDGE") MiB} | $(mib "$(rss_kib "$e" VmRSS)") MiB | $(mib "$(rss_kib "$e" VmHWM)") MiB |"
    echo "| ocms-worker | ${IDLE_WORKER:+$(mib "$IDLE_WORKER") MiB} | $(mib "$(rss_kib "$w" VmRSS)") MiB | $(mib "$(rss_kib "$w" VmHWM)") MiB |"
    echo "| Kafka (java, whole process) | ${IDLE_KAFKA:+$(mib "$IDLE_KAFKA") MiB} | $(mib "$(rss_kib "$k" VmRSS)") MiB | $(mib "$(rss_kib "$k" VmHWM)") MiB |"
    echo
    printf "Kafka's heap is capped by its JVM options: \`%s\` (infra/lib.sh KAFKA_HEAP_OPTS); the\n" "$KAFKA_HEAP_OPTS"
    echo "rest of its resident size is metaspace, code cache, thread stacks and mapped log segments."
  } >"$md"
  cat "$md"
  doc_block memory "$md"
}

# ---------------------------------------------------------------- soak
bench_soak() {
  local rate="$soak_rate"
  if [[ -z "$rate" ]]; then
    [[ -z "$PEAK_NPS" && -f "$BENCH_DIR/full-peak" ]] && PEAK_NPS=$(cat "$BENCH_DIR/full-peak")
    [[ -n "$PEAK_NPS" ]] || die "soak: no peak known yet: run 'infra/bench full' first or give --soak-rate"
    rate=$(awk -v b="$PEAK_NPS" 'BEGIN {r = int(b / 20); print (r < 1 ? 1 : r)}')
  fi
  local secs=$((soak_minutes * 60)) n
  n=$((rate * (secs + 2) * 10 + 1000))
  drop_fixture BS
  log "soak: $n fixture notices (BS...)"
  local chunk=200000 from=0
  while ((from < n)); do fixture BS "$from" "$((n - from < chunk ? n - from : chunk))"; from=$((from + chunk)); done
  local e w k out="$BENCH_DIR/soak.json" samples="$BENCH_DIR/soak-rss.txt"
  e=$(pid_of edge); w=$(pid_of worker); k=$(kafka_pid)
  log "soak: $rate requests/s ($((rate * 10)) notices/s) for $soak_minutes minutes; RSS every 10 s"
  "$LOADGEN" --url "$OCMS_EDGE_URL/v1/staff-apply-suspension" --header "Authorization: Bearer $OCMS_DEV_TOKEN" \
    --body "$TS_BODY" --rate "$rate" --duration "$secs" --warmup 2 --connections 128 --prefix BS >"$out" 2>"$out.progress" &
  local lg=$! t=0
  : >"$samples"
  while kill -0 "$lg" 2>/dev/null; do
    printf '%d %s %s %s\n' "$t" "$(rss_kib "$e" VmRSS)" "$(rss_kib "$w" VmRSS)" "$(rss_kib "$k" VmRSS)" >>"$samples"
    ((t % 60 == 0)) && log "soak: ${t}s edge $(mib "$(rss_kib "$e" VmRSS)") MiB, worker $(mib "$(rss_kib "$w" VmRSS)") MiB, lag $(worker_lag)"
    sleep 10
    t=$((t + 10))
  done
  wait "$lg" || die "soak: the load generator failed ($out.progress)"
  wait_drained
  local md="$BENCH_DIR/soak.md"
  python3 - "$samples" "$rate" "$soak_minutes" >"$md" <<'EOF'
import sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
rate, minutes = sys.argv[2], sys.argv[3]
warm = [r for r in rows if r[0] >= 60] or rows
print(f"{minutes} minutes at {rate} requests/s ({int(rate) * 10} notices/s), resident size every 10 s:")
print()
print("| process | after 1 min (warm) | at the end | max | growth after warm-up |")
print("| --- | ---: | ---: | ---: | ---: |")
for i, name in [(1, "ocms-edge"), (2, "ocms-worker"), (3, "Kafka (java)")]:
    a, z, m = warm[0][i] / 1024, rows[-1][i] / 1024, max(r[i] for r in rows) / 1024
    print(f"| {name} | {a:.1f} MiB | {z:.1f} MiB | {m:.1f} MiB | {z - a:+.1f} MiB |")
EOF
  {
    echo
    echo "Load over the soak: $(jget "$out" answered) requests answered, $(jget "$out" notices_success) notices applied,"
    echo "$(jget "$out" notices_pending) pending, p50 $(jget "$out" p50_ms) ms, p99 $(jget "$out" p99_ms) ms."
  } >>"$md"
  cat "$md"
  doc_block soak "$md"
  drop_fixture BS
}
