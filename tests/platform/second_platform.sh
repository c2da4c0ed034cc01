#!/usr/bin/env bash
# tests/platform/second_platform.sh [--full] [--keep]: a second checkout's platform beside the first,
# on other ports (issue 14 "What a new user hits": any port of infra/README.md's table can be moved).
#
# A copy of this checkout (the files git tracks or would track, with their uncommitted changes;
# no .git, .data or build) in a temp directory, started with infra/run --detach on free ports
# other than the first platform's (PostgreSQL, Kafka, the KRaft controller, the edge, the worker's
# metrics). It reuses the first checkout's build (OCMS_BIN, OCMS_CONSOLE_DIR, OCMS_SKIP_BUILD=1:
# no compiler runs) and Kafka jars (a symlink: no Maven run). Then:
#   - the second edge answers /readyz, its worker /readyz, its broker has every topic of topics.conf;
#   - README's apply-suspension curl through the second edge answers HTTP 200 with OCMS-2000, and
#     the second database has the suspension, the first database has neither it nor its request;
#   - the second edge refuses the first platform's token (its own secrets);
#   - the first platform still answers on its own ports (edge, worker, PostgreSQL, Kafka);
#   - the copy's infra/stop, run without any port variable (the ports come from its .data/ocms.env),
#     stops the second platform and nothing of the first.
# --full: instead of the curl checks, the copy's infra/test runs every test of the first
#     checkout's build (ctest in its build directory) against the second platform (infra/second-platform).
# --keep: leave the second platform running and the copy in place (prints where).
# The ports: OCMS_SECOND_PG_PORT (56432), OCMS_SECOND_KAFKA_PORT (29092), OCMS_SECOND_KAFKA_CONTROLLER_PORT
# (29093), OCMS_SECOND_EDGE_PORT (18080), OCMS_SECOND_WORKER_PORT (19101); each the first free one from there.
# The first platform's settings: the environment infra/test exports, else this checkout's .data/ocms.env.
# Exits 77 (skipped) inside a second platform's own test run.
# shellcheck disable=SC2015,SC2016  # `test && ok ... || bad ...` (ok never fails); bash -c '...$1'
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

FULL=0
KEEP=0
for a in "$@"; do
  case "$a" in
    --full) FULL=1 ;;
    --keep) KEEP=1 ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "second_platform: unknown argument: $a" >&2; exit 2 ;;
  esac
done

if [[ "${OCMS_SECOND_PLATFORM:-0}" == 1 ]]; then
  echo "second_platform: skipped: this is already the second platform's test run"
  exit 77
fi

# ---------------------------------------------------------------- the first platform
if [[ -z "${OCMS_EDGE_URL:-}" || -z "${OCMS_OWNER_PG_URL:-}" ]]; then
  set -a
  # shellcheck disable=SC1091
  . "$HERE/../../.data/ocms.env"
  set +a
fi
FIRST_REPO="${OCMS_REPO:-$(cd "$HERE/../.." && pwd)}"
FIRST_EDGE="$OCMS_EDGE_URL"
FIRST_WORKER="$OCMS_WORKER_METRICS_LISTEN"
FIRST_BROKERS="$OCMS_KAFKA_BROKERS"
FIRST_PG="$OCMS_PG_URL"
FIRST_TOKEN="$OCMS_DEV_TOKEN"
FIRST_BIN="${OCMS_BIN:-$FIRST_REPO/build/bin}"
FIRST_BUILD="$(cd "$FIRST_BIN/.." && pwd)"
FIRST_CONSOLE="${OCMS_CONSOLE_DIR:-$FIRST_BUILD/console}"
FIRST_KCAT="${KCAT_CONFIG:-}"  # the first broker's credentials (SASL: infra/kafka/acls.conf)
# kcat_as CONFIG ARGS...: kcat with that settings file ("" = none: a broker without security)
kcat_as() {
  local c="$1"
  shift
  if [[ -n "$c" ]]; then kcat -F "$c" "$@" 2>/dev/null; else kcat "$@"; fi
}
FIRST_JARS="$FIRST_REPO/infra/kafka/target/libs"

FAILS=0
ok() { printf '[second] ok   %s\n' "$*"; }
bad() { printf '[second] FAIL %s\n' "$*"; FAILS=$((FAILS + 1)); }
say() { printf '[second] %s\n' "$*"; }
http_code() { curl -s -m 5 -o /dev/null -w '%{http_code}' "$@" || true; }
listening() { [[ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]; }

for f in "$FIRST_BIN/ocms-edge" "$FIRST_BIN/ocms-worker" "$FIRST_BIN/ocms-admin" "$FIRST_CONSOLE/index.html" "$FIRST_JARS/.pom.sha256"; do
  [[ -e "$f" ]] || { say "FAIL the first checkout has no $f: build and start it first (infra/run --detach)"; exit 1; }
done
# The first platform: its PostgreSQL and Kafka must run (the second must not reach them); its edge
# and worker are checked after as well when they answer now (infra/test: they do).
[[ "$(psql "$FIRST_PG" -XAtq -c 'SELECT 1' 2>&1)" == 1 ]] && kcat_as "$FIRST_KCAT" -b "$FIRST_BROKERS" -L -m 5 >/dev/null 2>&1 ||
  { say "FAIL the first platform's PostgreSQL or Kafka does not answer: start it first (infra/run --detach)"; exit 1; }
FIRST_EDGE_UP=0 FIRST_WORKER_UP=0
[[ "$(http_code "$FIRST_EDGE/readyz")" == 200 ]] && FIRST_EDGE_UP=1
[[ "$(http_code "http://$FIRST_WORKER/readyz")" == 200 ]] && FIRST_WORKER_UP=1
((FIRST_EDGE_UP)) || say "note: the first edge does not answer $FIRST_EDGE/readyz now: not checked"
((FIRST_WORKER_UP)) || say "note: the first worker does not answer $FIRST_WORKER/readyz now: not checked"
first_still_up() { # WHEN
  if ((FIRST_EDGE_UP)); then
    [[ "$(http_code "$FIRST_EDGE/readyz")" == 200 ]] && ok "$1: the first edge answers $FIRST_EDGE/readyz" ||
      bad "$1: the first edge does not answer $FIRST_EDGE/readyz"
  fi
  if ((FIRST_WORKER_UP)); then
    [[ "$(http_code "http://$FIRST_WORKER/readyz")" == 200 ]] && ok "$1: the first worker answers $FIRST_WORKER/readyz" ||
      bad "$1: the first worker does not answer $FIRST_WORKER/readyz"
  fi
  [[ "$(psql "$FIRST_PG" -XAtq -c 'SELECT 1' 2>&1)" == 1 ]] && ok "$1: the first PostgreSQL answers" ||
    bad "$1: the first PostgreSQL does not answer"
  kcat_as "$FIRST_KCAT" -b "$FIRST_BROKERS" -L -m 5 >/dev/null 2>&1 && ok "$1: the first broker ($FIRST_BROKERS) answers" ||
    bad "$1: the first broker ($FIRST_BROKERS) does not answer"
}

# ---------------------------------------------------------------- ports
TAKEN=" "
# pick NAME START: the first port from START that nothing listens on and this script did not pick
pick() {
  local p="$2"
  while listening "$p" || [[ "$TAKEN" == *" $p "* ]]; do
    p=$((p + 1))
    ((p < $2 + 200)) || { say "FAIL no free port for $1 from $2"; exit 1; }
  done
  TAKEN+="$p "
  printf -v "$1" '%s' "$p"
}
pick PG2 "${OCMS_SECOND_PG_PORT:-56432}"
pick KAFKA2 "${OCMS_SECOND_KAFKA_PORT:-29092}"
pick CTRL2 "${OCMS_SECOND_KAFKA_CONTROLLER_PORT:-29093}"
pick EDGE2 "${OCMS_SECOND_EDGE_PORT:-18080}"
pick WORKER2 "${OCMS_SECOND_WORKER_PORT:-19101}"
EDGE2_URL="http://127.0.0.1:$EDGE2"
say "second platform: PostgreSQL $PG2, Kafka $KAFKA2 (controller $CTRL2), edge $EDGE2, worker metrics $WORKER2"
say "first platform:  edge $FIRST_EDGE, worker $FIRST_WORKER, Kafka $FIRST_BROKERS"

# ---------------------------------------------------------------- the copy
TOP=$(mktemp -d /tmp/ocms-second.XXXXXX)
COPY="$TOP/ocms"
mkdir -p "$COPY"
# the files of the checkout as they are now: tracked (with uncommitted changes) and untracked but
# not ignored; no .git, .data, build, node_modules
n=0
while IFS= read -r -d '' f; do
  [[ -e "$FIRST_REPO/$f" || -L "$FIRST_REPO/$f" ]] || continue   # deleted, not yet committed
  mkdir -p "$COPY/$(dirname "$f")"
  cp -a "$FIRST_REPO/$f" "$COPY/$f"
  n=$((n + 1))
done < <(git -C "$FIRST_REPO" ls-files -co --exclude-standard -z)
mkdir -p "$COPY/infra/kafka/target"
ln -s "$FIRST_JARS" "$COPY/infra/kafka/target/libs"
say "copy: $n files in $COPY (Kafka jars: a link to the first checkout's)"

# second ENV...: runs a command in the copy with only the settings named here: none of the first
# platform's variables (the environment of infra/test or of a shell that sourced its ocms.env)
second() {
  (cd "$COPY" && env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 TERM=dumb USER="${USER:-root}" \
    OCMS_TAKE_OVER=0 OCMS_SKIP_BUILD=1 OCMS_BIN="$FIRST_BIN" OCMS_CONSOLE_DIR="$FIRST_CONSOLE" "$@")
}
PORTS=(OCMS_PG_PORT="$PG2" OCMS_KAFKA_PORT="$KAFKA2" OCMS_KAFKA_CONTROLLER_PORT="$CTRL2"
  OCMS_EDGE_LISTEN="127.0.0.1:$EDGE2" OCMS_WORKER_METRICS_LISTEN="127.0.0.1:$WORKER2")

STOPPED=0
stop_second() {
  ((STOPPED == 0)) || return 0
  STOPPED=1
  # no port variable: the copy's infra/stop finds its services by their pid files, and its
  # PostgreSQL by its data directory
  second infra/stop >"$TOP/stop.log" 2>&1 || { say "the copy's infra/stop failed:"; tail -n 20 "$TOP/stop.log"; }
}
finish() {
  local rc=$?
  if ((KEEP)); then
    say "kept: the second platform runs from $COPY (stop: cd $COPY && infra/stop; then rm -rf $TOP)"
    exit "$rc"
  fi
  stop_second
  rm -rf "$TOP"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- --full: every test of infra/test
if ((FULL)); then
  say "the copy's infra/test against the second platform (ctest in $FIRST_BUILD; this takes a while) ..."
  rc=0
  second "${PORTS[@]}" OCMS_BUILD="$FIRST_BUILD" OCMS_SECOND_PLATFORM=1 infra/test 2>&1 | tee "$TOP/test.log" || rc=${PIPESTATUS[0]}
  cp "$TOP/test.log" "$FIRST_REPO/.data/log/second-platform-test.log" 2>/dev/null || true
  if ((rc == 0)); then ok "every test of infra/test passed against the second platform"
  else bad "infra/test against the second platform failed (rc $rc; log .data/log/second-platform-test.log)"; fi
  first_still_up "after the second platform's tests"
  stop_second
  ((FAILS == 0)) || exit 1
  exit 0
fi

# ---------------------------------------------------------------- start it
say "infra/run --detach in the copy ..."
t0=$(date +%s)
if ! second "${PORTS[@]}" infra/run --detach >"$TOP/run.log" 2>&1; then
  tail -n 40 "$TOP/run.log"
  for l in "$COPY"/.data/log/ocms-edge.log "$COPY"/.data/log/ocms-worker.log; do
    [[ -f "$l" ]] && { say "last lines of ${l#"$COPY"/}:"; tail -n 15 "$l"; }
  done
  bad "infra/run --detach of the second platform failed"
  exit 1
fi
ok "the second platform is up in $(($(date +%s) - t0)) s"

ENV2="$COPY/.data/ocms.env"
TOKEN2=$(env -i bash -c 'set -a; . "$1"; printf "%s" "$OCMS_DEV_TOKEN"' _ "$ENV2")
PG2_URL=$(env -i bash -c 'set -a; . "$1"; printf "%s" "$OCMS_PG_URL"' _ "$ENV2")
[[ "$(env -i bash -c 'set -a; . "$1"; printf "%s %s %s" "$OCMS_EDGE_URL" "$OCMS_KAFKA_BROKERS" "$OCMS_PG_PORT"' _ "$ENV2")" == \
  "$EDGE2_URL 127.0.0.1:$KAFKA2 $PG2" ]] && ok "the copy's .data/ocms.env names the second ports" ||
  bad "the copy's .data/ocms.env does not name the second ports: $(grep -E 'EDGE_URL|KAFKA_BROKERS|PG_PORT' "$ENV2" | tr '\n' ' ')"

# ---------------------------------------------------------------- the second platform
[[ "$(http_code "$EDGE2_URL/readyz")" == 200 ]] && ok "the second edge answers $EDGE2_URL/readyz" ||
  bad "the second edge does not answer $EDGE2_URL/readyz"
# the worker is ready once its consumers have their partitions: a few seconds after the edge
for _ in $(seq 1 120); do [[ "$(http_code "http://127.0.0.1:$WORKER2/readyz")" == 200 ]] && break; sleep 0.5; done
c=$(http_code "http://127.0.0.1:$WORKER2/readyz")
[[ "$c" == 200 ]] && ok "the second worker answers 127.0.0.1:$WORKER2/readyz" ||
  bad "the second worker does not answer 127.0.0.1:$WORKER2/readyz (HTTP $c)"
want=$(awk '$1 !~ /^#/ && NF {print $1}' "$COPY/infra/kafka/topics.conf" | sort)
KCAT2=$(set +u; . "$ENV2"; printf '%s' "${KCAT_CONFIG:-}")
[[ "$KCAT2" != "$FIRST_KCAT" || -z "$KCAT2" ]] && ok "the second platform has Kafka credentials of its own" ||
  bad "the second platform uses the first's Kafka credentials ($KCAT2)"
if [[ -n "$FIRST_KCAT" && -n "$KCAT2" ]]; then
  kcat_as "$FIRST_KCAT" -b "127.0.0.1:$KAFKA2" -L -m 5 >/dev/null 2>&1 &&
    bad "the first platform's credentials open the second broker" ||
    ok "the first platform's credentials do not open the second broker"
fi
have=$(kcat_as "$KCAT2" -b "127.0.0.1:$KAFKA2" -L -m 5 2>/dev/null | sed -n 's/^ *topic "\([^"]*\)".*/\1/p' | sort)
missing=$(comm -23 <(echo "$want") <(echo "$have") | tr '\n' ' ')
[[ -z "$missing" ]] && ok "the second broker (127.0.0.1:$KAFKA2) has every topic of topics.conf" ||
  bad "the second broker lacks the topics: $missing"

remark="second platform $$ $(date +%s%N)"
body='{"noticeNo":["500500303J"],"suspensionType":"TS","reasonOfSuspension":"ACR","suspensionRemarks":"'"$remark"'","officerAuthorisingSuspension":"JOHNLEE"}'
resp=$(curl -s -m 30 -w '\n%{http_code}' -X POST "$EDGE2_URL/v1/staff-apply-suspension" \
  -H "Authorization: Bearer $TOKEN2" -H 'Content-Type: application/json' -d "$body" || true)
code=${resp##*$'\n'}
json=${resp%$'\n'*}
if [[ "$code" == 200 && "$json" == *'"appCode":"OCMS-2000"'* ]]; then
  ok "apply-suspension through the second edge: HTTP 200, OCMS-2000"
else
  bad "apply-suspension through the second edge: HTTP $code ${json:0:400}"
fi
request=$(sed -n 's/.*"requestId":"\([^"]*\)".*/\1/p' <<<"$json")
n2=$(psql "$PG2_URL" -XAtq -c "SELECT count(*) FROM ocms_suspended_notice WHERE suspension_remarks = '$remark'" 2>&1 || true)
[[ "$n2" == 1 ]] && ok "the second database has the suspension" || bad "the second database: $n2 suspension(s) with the remark"
n1=$(psql "$FIRST_PG" -XAtq -c "SELECT (SELECT count(*) FROM ocms_suspended_notice WHERE suspension_remarks = '$remark')
                                     + (SELECT count(*) FROM ocms_command_inbox WHERE request_id = '${request:-none}')" 2>&1 || true)
[[ "$n1" == 0 && -n "$request" ]] && ok "the first database has neither the suspension nor request $request" ||
  bad "the first database: $n1 row(s) of the second platform's command (request ${request:-?})"
c=$(http_code -X POST "$EDGE2_URL/v1/staff-apply-suspension" -H "Authorization: Bearer $FIRST_TOKEN" \
  -H 'Content-Type: application/json' -d "$body")
[[ "$c" == 401 ]] && ok "the second edge refuses the first platform's token (HTTP 401: secrets of its own)" ||
  bad "the second edge answered the first platform's token with HTTP $c"

# ---------------------------------------------------------------- the first platform
first_still_up "beside the second"

# ---------------------------------------------------------------- stop the second
if ((KEEP)); then
  echo
  ((FAILS == 0)) || { say "$FAILS check(s) failed"; exit 1; }
  say "all checks passed (the second platform still runs: --keep)"
  exit 0
fi
stop_second
still=""
for p in "$PG2" "$KAFKA2" "$CTRL2" "$EDGE2" "$WORKER2"; do
  for _ in $(seq 1 20); do listening "$p" || break; sleep 0.5; done
  listening "$p" && still+="$p "
done
[[ -z "$still" ]] && ok "the copy's infra/stop (no port variables set) freed the second ports" ||
  bad "after the copy's infra/stop these ports still listen: $still"
first_still_up "after the second stopped"

echo
if ((FAILS)); then say "$FAILS check(s) failed"; exit 1; fi
say "all checks passed"
