# shellcheck shell=bash
# Shared functions of infra/run, infra/stop, infra/test and infra/migrate.
# Source it from a script that has `set -euo pipefail`.
#
# Everything lives under the repo: data, logs, pid files and secrets in .data/ (never in git),
# Kafka's jars in infra/kafka/target/libs, the C++ build in build/.

OCMS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OCMS_DATA="${OCMS_DATA:-$OCMS_REPO/.data}"
OCMS_BUILD="${OCMS_BUILD:-$OCMS_REPO/build}"
OCMS_BIN="${OCMS_BIN:-$OCMS_BUILD/bin}"
INFRA="$OCMS_REPO/infra"

RUN_DIR="$OCMS_DATA/run"
LOG_DIR="$OCMS_DATA/log"
SECRETS="$OCMS_DATA/secrets"
ENV_FILE="$OCMS_DATA/ocms.env"

# saved_setting NAME: the value this checkout's last infra/run wrote for NAME into .data/ocms.env
# (a line `export NAME="${NAME:-value}"`); fails when there is none.
saved_setting() {
  [[ -r "$ENV_FILE" ]] || return 1
  local v prefix="export $1=\"\${$1:-"
  v=$(awk -v p="$prefix" 'index($0, p) == 1 && substr($0, length($0) - 1) == "}\"" {
        v = substr($0, length(p) + 1); v = substr(v, 1, length(v) - 2) } END { print v }' "$ENV_FILE")
  [[ -n "$v" ]] || return 1
  printf '%s' "$v"
}
# remember_setting NAME [BASE...]: NAME unset in the environment (and none of the settings it is
# derived from, BASE..., set either) takes its value from .data/ocms.env. So a checkout started on
# other ports keeps them: infra/stop, infra/run --only NAME and a second infra/run reach the
# services of the first run without the variables being set again (set one to change it).
remember_setting() {
  local name="$1" b v
  shift
  [[ -z "${!name:-}" ]] || return 0
  for b in "$@"; do [[ -z "${!b:-}" ]] || return 0; done
  v=$(saved_setting "$name") || return 0
  printf -v "$name" '%s' "$v"
}
# (the derived ones first, while their bases are still only what the environment set)
remember_setting OCMS_EDGE_URL OCMS_EDGE_LISTEN
remember_setting OCMS_KAFKA_BROKERS OCMS_KAFKA_HOST OCMS_KAFKA_PORT
remember_setting OCMS_PG_PORT
remember_setting OCMS_KAFKA_PORT
remember_setting OCMS_KAFKA_CONTROLLER_PORT
remember_setting OCMS_EDGE_LISTEN
remember_setting OCMS_WORKER_METRICS_LISTEN
remember_setting OCMS_DEMO_SIZE

# ports and addresses (the caller's environment wins, then .data/ocms.env, then these defaults)
OCMS_PG_HOST="${OCMS_PG_HOST:-127.0.0.1}"
OCMS_PG_PORT="${OCMS_PG_PORT:-55432}"
OCMS_PG_DB="${OCMS_PG_DB:-ocms}"
OCMS_KAFKA_HOST="${OCMS_KAFKA_HOST:-127.0.0.1}"
OCMS_KAFKA_PORT="${OCMS_KAFKA_PORT:-9092}"
OCMS_KAFKA_CONTROLLER_PORT="${OCMS_KAFKA_CONTROLLER_PORT:-9093}"
OCMS_EDGE_LISTEN="${OCMS_EDGE_LISTEN:-127.0.0.1:8080}"
OCMS_WORKER_METRICS_LISTEN="${OCMS_WORKER_METRICS_LISTEN:-127.0.0.1:9101}"
OCMS_EDGE_URL="${OCMS_EDGE_URL:-http://$OCMS_EDGE_LISTEN}"
OCMS_KAFKA_BROKERS="${OCMS_KAFKA_BROKERS:-$OCMS_KAFKA_HOST:$OCMS_KAFKA_PORT}"
# The demo data set infra/migrate loads (schemas/seed/0006_demo_set.sql): this many generated
# notices (infra/run --demo-size N; 0 = none).
OCMS_DEMO_SIZE="${OCMS_DEMO_SIZE:-2000}"
# services started by infra/run, in this order (a missing binary is skipped)
OCMS_SERVICES="${OCMS_SERVICES:-worker scheduler edge}"
# ocms-scheduler's VIP refresh from CAS and its alert e-mails (spec 001 1.4, spec 002 5.2).
# Safe defaults: no CAS URL = the VIP refresh is disabled (logged once); no SMTP URL = alert
# e-mails are off (alerts still go to the log and to the topic ocms.alert).
OCMS_CAS_VIP_URL="${OCMS_CAS_VIP_URL:-}"
OCMS_CAS_TOKEN_URL="${OCMS_CAS_TOKEN_URL:-}"
OCMS_CAS_CLIENT_ID="${OCMS_CAS_CLIENT_ID:-}"
OCMS_CAS_CLIENT_SECRET_FILE="${OCMS_CAS_CLIENT_SECRET_FILE:-}"
OCMS_CAS_RETRY_WAITS_MS="${OCMS_CAS_RETRY_WAITS_MS:-0,5000,10000,15000}"
OCMS_VIP_REFRESH_AT="${OCMS_VIP_REFRESH_AT:-01:00}"
OCMS_SMTP_URL="${OCMS_SMTP_URL:-}"
OCMS_ALERT_FROM="${OCMS_ALERT_FROM:-ocms-alerts@localhost}"
OCMS_ALERT_TO="${OCMS_ALERT_TO:-}"
# change-stage Excel reports (spec 003 2.3-2.5): the edge's FsReportStore keeps one file per report here
OCMS_REPORT_DIR="${OCMS_REPORT_DIR:-$OCMS_DATA/reports}"
# ocms-scheduler's purge (issue 8): inbox, audit and resolved support rows older than the retention,
# daily at OCMS_PURGE_AT (Singapore). It refuses a retention shorter than the command topics'
# (OCMS_TOPIC_RETENTION_MS, computed from infra/kafka/topics.conf by topic_retention_ms below).
OCMS_RETENTION_DAYS="${OCMS_RETENTION_DAYS:-30}"
OCMS_PURGE_AT="${OCMS_PURGE_AT:-02:00}"
# the support console (issue 8): the build writes the page here (producers/edge/console), the edge serves it under /ops
OCMS_CONSOLE_DIR="${OCMS_CONSOLE_DIR:-$OCMS_BUILD/console}"

# Exported: every child process (infra/migrate, ocms-admin, the services, the tests infra/test runs)
# sees the same ports and paths as this script. A value that is only a shell variable here reaches
# no child, which then falls back to its own default (the default ports: another platform's).
export OCMS_DATA OCMS_BUILD OCMS_BIN OCMS_PG_HOST OCMS_PG_PORT OCMS_PG_DB OCMS_KAFKA_HOST OCMS_KAFKA_PORT \
  OCMS_KAFKA_CONTROLLER_PORT OCMS_EDGE_LISTEN OCMS_WORKER_METRICS_LISTEN OCMS_EDGE_URL OCMS_KAFKA_BROKERS \
  OCMS_DEMO_SIZE OCMS_REPORT_DIR OCMS_CONSOLE_DIR

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DATA="$OCMS_DATA/pg"
PG_ROLES=(ocms_owner ocmsiz_app_conn ocmsez_app_conn ocms_worker ocms_readonly ocms_scheduler ocms_support)

KAFKA_DIR="$INFRA/kafka"
# Kafka principals (ocms-<name>, SASL/PLAIN; what each may do: infra/kafka/acls.conf). broker: the
# broker itself; admin: infra's topics and ACLs; dev: people and tests on this machine; external:
# the example of another OCMS system.
KAFKA_PRINCIPALS=(broker admin edge worker scheduler replay dev external)
KAFKA_LIBS="$KAFKA_DIR/target/libs"
KAFKA_DATA="$OCMS_DATA/kafka"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx384m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:MaxMetaspaceSize=192m -XX:ReservedCodeCacheSize=96m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1 -XX:CICompilerCount=2 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true}"
# short-lived tools: C1 only, one GC thread, quiet logging
KAFKA_TOOL_OPTS="-Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Dlog4j2.configurationFile=$KAFKA_DIR/log4j2-tools.properties"

# What infra/run needs to build and run the platform: the compilers and libraries of the services
# and tools, PostgreSQL, Java + Maven (Kafka), kcat, curl. libgtest-dev too, although only tests
# use it: the top CMakeLists.txt finds GTest when it configures the one build directory.
# libssl-dev: common/messages hashes dead letters with OpenSSL.
DEB_PACKAGES=(build-essential cmake ninja-build librdkafka-dev libboost-dev rapidjson-dev libpq-dev
  libspdlog-dev libjwt-dev libgtest-dev postgresql kcat openssl maven libcurl4-openssl-dev python3
  curl procps iproute2 libxlsxwriter-dev libssl-dev)
# What only the tests need (infra/test, infra/fuzz add them): python3-openpyxl (unit_reports reads
# the .xlsx), chromium (the browser test), clang-16 and libclang-rt-16-dev (libFuzzer: infra/fuzz,
# label fuzz), python3-venv (tests/contract makes its venv).
DEB_TEST_PACKAGES=(python3-openpyxl chromium clang-16 libclang-rt-16-dev python3-venv)
# node and npm (the console's build, the browser test) are checked by command in ensure_packages:
# a machine may have NodeSource's nodejs, which bundles npm and conflicts with Debian's npm package.

# What infra/run builds: the services, the tools and the console page the edge serves. infra/test
# builds everything (`cmake --build`: the tests, ocms-chaos, ocms-loadgen ...).
RUN_TARGETS=(ocms-edge ocms-worker ocms-scheduler ocms-admin ocms-replay ocms_console)

log() { printf '[infra] %s\n' "$*"; }
warn() { printf '[infra] WARNING: %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

now_s() { date +%s; }

# wait_for DESCRIPTION TIMEOUT_S COMMAND...: runs COMMAND every 0.5 s until it succeeds,
# printing progress every 5 s; returns 1 on timeout.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local start; start=$(now_s)
  local next=$((start + 5))
  while ! "$@" >/dev/null 2>&1; do
    local t; t=$(now_s)
    if ((t - start >= timeout)); then
      log "gave up waiting for $what after ${timeout}s"
      return 1
    fi
    if ((t >= next)); then
      log "waiting for $what ... $((t - start))s"
      next=$((t + 5))
    fi
    sleep 0.5
  done
  return 0
}

make_dirs() {
  mkdir -p "$OCMS_DATA" "$RUN_DIR" "$LOG_DIR" "$SECRETS" "$KAFKA_DATA"
  chmod 700 "$SECRETS"
  # PostgreSQL (user postgres) puts its socket in .data/run and its log in .data/log
  chown postgres "$RUN_DIR" 2>/dev/null || true
  chmod 755 "$OCMS_DATA" "$RUN_DIR" "$LOG_DIR"
  mkdir -p "$OCMS_REPORT_DIR"
  chmod 750 "$OCMS_REPORT_DIR"
}

# ---------------------------------------------------------------- Debian packages
# ensure_packages [tests]: installs what is missing of DEB_PACKAGES (and of DEB_TEST_PACKAGES
# with `tests`), in one apt-get run.
ensure_packages() {
  local missing=() p want=("${DEB_PACKAGES[@]}")
  [[ "${1:-}" == tests ]] && want+=("${DEB_TEST_PACKAGES[@]}")
  for p in "${want[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# ---------------------------------------------------------------- Kafka jars
ensure_kafka_jars() {
  local sum; sum=$(sha256sum "$KAFKA_DIR/pom.xml" | cut -d' ' -f1)
  if [[ -f "$KAFKA_LIBS/.pom.sha256" && "$(cat "$KAFKA_LIBS/.pom.sha256")" == "$sum" ]]; then
    return 0
  fi
  log "fetching Kafka jars with Maven (infra/kafka/pom.xml) ..."
  rm -rf "$KAFKA_LIBS"
  (cd "$KAFKA_DIR" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies >"$LOG_DIR/kafka-mvn.log" 2>&1) ||
    { tail -n 30 "$LOG_DIR/kafka-mvn.log" >&2; die "mvn dependency:copy-dependencies failed (.data/log/kafka-mvn.log)"; }
  printf '%s\n' "$sum" >"$KAFKA_LIBS/.pom.sha256"
  log "Kafka jars: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) in infra/kafka/target/libs ($(basename "$(ls "$KAFKA_LIBS"/kafka_2.13-*.jar)"))"
}

# ---------------------------------------------------------------- C++ build
# build_cpp [all]: configures build/ once, then builds RUN_TARGETS (what infra/run starts and the
# console), or with `all` every target (infra/test). build_cpp TARGET...: those targets.
build_cpp() {
  if [[ "${OCMS_SKIP_BUILD:-0}" == 1 ]]; then
    log "build skipped (OCMS_SKIP_BUILD=1)"
    return 0
  fi
  if [[ ! -f "$OCMS_REPO/CMakeLists.txt" ]]; then
    log "no CMakeLists.txt at the top yet: build skipped"
    return 0
  fi
  if [[ ! -f "$OCMS_BUILD/build.ninja" ]]; then
    log "configuring the build (cmake, Ninja, RelWithDebInfo) ..."
    cmake -S "$OCMS_REPO" -B "$OCMS_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  local targets=()
  if [[ "${1:-}" == all ]]; then
    log "building everything (cmake --build build) ..."
  else
    if (($#)); then targets=("$@"); else targets=("${RUN_TARGETS[@]}"); fi
    log "building ${targets[*]} (cmake --build build --target ...) ..."
    targets=(--target "${targets[@]}")
  fi
  # one build at a time in a build directory (two ninjas at once corrupt .ninja_deps)
  flock "$OCMS_BUILD/.build.lock" cmake --build "$OCMS_BUILD" "${targets[@]}"
}

# ---------------------------------------------------------------- secrets
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

new_secret_file() { # FILE CONTENT
  (umask 077 && printf '%s' "$2" >"$1")
  chmod 600 "$1"
}

ensure_secrets() {
  local r
  for r in "${PG_ROLES[@]}"; do
    [[ -s "$SECRETS/pg_$r.password" ]] || new_secret_file "$SECRETS/pg_$r.password" "$(openssl rand -hex 24)"
  done
  # HS256 key: the edge uses the bytes of the file (no trailing newline here)
  [[ -s "$SECRETS/jwt.key" ]] || new_secret_file "$SECRETS/jwt.key" "$(openssl rand -base64 48 | tr -d '\n')"
  [[ -s "$SECRETS/apim.keys" ]] || new_secret_file "$SECRETS/apim.keys" "$(openssl rand -hex 32)"$'\n'
  # Kafka (SASL/PLAIN): a password per principal and its librdkafka / kcat settings file
  local p
  for p in "${KAFKA_PRINCIPALS[@]}"; do
    [[ -s "$SECRETS/kafka_$p.password" ]] || new_secret_file "$SECRETS/kafka_$p.password" "$(openssl rand -hex 24)"
    new_secret_file "$SECRETS/kafka-$p.properties" "# Kafka client settings of the principal ocms-$p (infra/lib.sh)
security.protocol=SASL_PLAINTEXT
sasl.mechanisms=PLAIN
sasl.username=ocms-$p
sasl.password=$(cat "$SECRETS/kafka_$p.password")
"
  done
}

# kafka_client_config PRINCIPAL: the settings file a client of that principal uses (OCMS_KAFKA_CONFIG,
# KCAT_CONFIG); "" when the broker runs without security.
kafka_client_config() {
  if [[ "$(kafka_security)" == sasl ]]; then printf '%s' "$SECRETS/kafka-$1.properties"; fi
}

pg_password() { cat "$SECRETS/pg_$1.password"; }

# dev_token [SUB]: an HS256 JWT for 30 days with every role, signed with .data/secrets/jwt.key
dev_token() {
  local sub="${1:-dev}" iat exp header claims signing sig keyhex
  iat=$(now_s)
  exp=$((iat + 30 * 24 * 3600))
  header=$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url)
  claims=$(printf '{"sub":"%s","iss":"%s","iat":%d,"exp":%d,"roles":["OCMS_STAFF","PLUS","CAS","HST","OPS","INTERNAL"]}' \
    "$sub" "${OCMS_JWT_ISSUER:-ocms}" "$iat" "$exp" | b64url)
  signing="$header.$claims"
  keyhex=$(od -An -v -tx1 "$SECRETS/jwt.key" | tr -d ' \n')
  sig=$(printf '%s' "$signing" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$keyhex" -binary | b64url)
  printf '%s.%s' "$signing" "$sig"
}

pg_url() { # ROLE
  printf 'postgresql://%s:%s@%s:%s/%s' "$1" "$(pg_password "$1")" "$OCMS_PG_HOST" "$OCMS_PG_PORT" "$OCMS_PG_DB"
}

# topic_retention_ms: the longest retention.ms of the command topics (ocms.cmd.*) in topics.conf;
# -1 (keep for ever) wins over any number.
topic_retention_ms() {
  awk '$1 ~ /^ocms\.cmd\./ { if ($3 == -1) inf = 1; else if ($3 > max) max = $3 }
       END { if (inf) print -1; else print max + 0 }' "$KAFKA_DIR/topics.conf"
}

write_env_file() {
  local tmp="$ENV_FILE.tmp.$$"
  {
    echo "# written by infra/run on $(date -Is); source it: . .data/ocms.env"
    echo "# addresses and paths keep a value the environment already has; secrets are always these"
    local v
    # the ports too, so a script or test that sources the file reaches this checkout's services
    # (and infra/ called from it starts them on the same ports)
    for v in OCMS_PG_PORT OCMS_KAFKA_PORT OCMS_KAFKA_CONTROLLER_PORT OCMS_WORKER_METRICS_LISTEN \
      OCMS_EDGE_URL OCMS_KAFKA_BROKERS OCMS_JWT_ISSUER OCMS_SCHEMAS_DIR OCMS_REPO OCMS_DATA OCMS_BIN \
      OCMS_JWT_SECRET_FILE OCMS_APIM_KEYS_FILE OCMS_EDGE_LISTEN OCMS_CAS_VIP_URL OCMS_CAS_TOKEN_URL \
      OCMS_CAS_CLIENT_ID OCMS_CAS_CLIENT_SECRET_FILE OCMS_CAS_RETRY_WAITS_MS OCMS_VIP_REFRESH_AT OCMS_SMTP_URL \
      OCMS_ALERT_FROM OCMS_ALERT_TO OCMS_REPORT_DIR OCMS_CONSOLE_DIR OCMS_RETENTION_DAYS OCMS_PURGE_AT \
      OCMS_DEMO_SIZE; do
      # shellcheck disable=SC2016
      printf 'export %s="${%s:-%s}"\n' "$v" "$v" "$(printf '%s' "${!v}" | sed 's/[\\"$`]/\\&/g')"
    done
    printf 'export OCMS_PG_URL=%q\n' "$(pg_url ocms_readonly)"
    printf 'export OCMS_EDGE_PG_URL=%q\n' "$(pg_url ocmsiz_app_conn)"
    printf 'export OCMS_WORKER_PG_URL=%q\n' "$(pg_url ocms_worker)"
    printf 'export OCMS_OWNER_PG_URL=%q\n' "$(pg_url ocms_owner)"
    printf 'export OCMS_SCHEDULER_PG_URL=%q\n' "$(pg_url ocms_scheduler)"
    printf 'export OCMS_SUPPORT_PG_URL=%q\n' "$(pg_url ocms_support)"
    # a fact of topics.conf, not a setting: the purge checks the retention against it
    printf 'export OCMS_TOPIC_RETENTION_MS=%q\n' "$(topic_retention_ms)"
    # OCMS's Kafka client settings by role (producer./consumer.; each with its measurement)
    printf 'export OCMS_KAFKA_TUNING=%q\n' "$INFRA/kafka/clients.properties"
    # Kafka credentials of the principal ocms-dev (people, tests, kcat; infra/kafka/acls.conf);
    # each service gets its own (start_service). Secrets: always these, never the caller's.
    printf 'export OCMS_KAFKA_CONFIG=%q\n' "$(kafka_client_config dev)"
    printf 'export KCAT_CONFIG=%q\n' "$(kafka_client_config dev)"
    printf 'export OCMS_DEV_TOKEN=%q\n' "$(dev_token dev)"
    printf 'export OCMS_DEV_APIM_KEY=%q\n' "$(head -n1 "$SECRETS/apim.keys")"
  } >"$tmp"
  chmod 600 "$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

prepare_env_vars() {
  OCMS_JWT_ISSUER="${OCMS_JWT_ISSUER:-ocms}"
  OCMS_SCHEMAS_DIR="${OCMS_SCHEMAS_DIR:-$OCMS_REPO/schemas}"
  OCMS_JWT_SECRET_FILE="${OCMS_JWT_SECRET_FILE:-$SECRETS/jwt.key}"
  OCMS_APIM_KEYS_FILE="${OCMS_APIM_KEYS_FILE:-$SECRETS/apim.keys}"
}

# ---------------------------------------------------------------- process helpers
# pid_alive PIDFILE PATTERN: the pid in PIDFILE is running and its command line contains PATTERN
pid_alive() {
  local f="$1" pat="$2" pid
  [[ -s "$f" ]] || return 1
  pid=$(cat "$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  # a zombie is not alive
  [[ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pat"
}

# stop_pid NAME PIDFILE PATTERN TIMEOUT_S: TERM, wait, then KILL; removes the pid file
stop_pid() {
  local name="$1" f="$2" pat="$3" timeout="$4" pid
  if ! pid_alive "$f" "$pat"; then
    if [[ -e "$f" ]]; then
      log "$name: not running (removing the stale pid file)"
      rm -f "$f"
    else
      log "$name: not running"
    fi
    return 0
  fi
  pid=$(cat "$f")
  log "stopping $name (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "$name to stop" "$timeout" bash -c "! kill -0 $pid 2>/dev/null || [ \"\$(awk '/^State:/{print \$2}' /proc/$pid/status 2>/dev/null)\" = Z ]"; then
    log "$name did not stop in ${timeout}s: kill -9"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$f"
  log "$name stopped"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# free_port PORT WHAT: if a process listens on PORT, and it is an OCMS process of another
# checkout (its Kafka, PostgreSQL, edge or worker, e.g. left by a session before CI), stop it
# when OCMS_TAKE_OVER=1 (the default when CI=true); otherwise fail with its name.
free_port() {
  local port="$1" what="$2" pid cmd datadir
  pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1)
  [[ -n "$pid" ]] || return 0
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  local take="${OCMS_TAKE_OVER:-0}"
  [[ "${CI:-}" == true && -z "${OCMS_TAKE_OVER:-}" ]] && take=1
  case "$cmd" in
    *kafka.Kafka*/.data/kafka/server.properties* | *postgres*-D*/.data/pg* | *ocms-edge* | *ocms-worker* | *ocms-scheduler*) ;;
    *) die "port $port ($what) is taken by pid $pid: ${cmd:0:160} (choose another port, see infra/README.md)" ;;
  esac
  if [[ "$take" != 1 ]]; then
    die "port $port ($what) is taken by an OCMS process that this checkout's pid files do not know (another checkout, or started by hand): pid $pid: ${cmd:0:160} (stop it, or OCMS_TAKE_OVER=1 to let infra stop it)"
  fi
  log "port $port ($what) is taken by an OCMS process that this checkout's pid files do not know (pid $pid): stopping it"
  if [[ "$cmd" == *postgres*-D* ]]; then
    datadir=$(sed -n 's/.*-D \([^ ]*\).*/\1/p' <<<"$cmd")
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  else
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if ! wait_for "pid $pid to stop" 60 bash -c "! kill -0 $pid 2>/dev/null"; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
}

# ---------------------------------------------------------------- PostgreSQL
pg_ctl() { runuser -u postgres -- "$PG_BIN/pg_ctl" "$@"; }
# psql as the superuser postgres over the socket in .data/run
psql_super() { runuser -u postgres -- "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$RUN_DIR" -p "$OCMS_PG_PORT" "$@"; }

# the postmaster of .data/pg is alive (a zombie left by a kill -9 is not)
pg_running() {
  local pid
  [[ -s "$PG_DATA/postmaster.pid" ]] || return 1
  pid=$(head -n1 "$PG_DATA/postmaster.pid")
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/status" ]] || return 1
  [[ "$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null)" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q postgres
}
pg_ready() { "$PG_BIN/pg_isready" -q -h "$RUN_DIR" -p "$OCMS_PG_PORT" -U postgres -d postgres; }
pg_ready_or_dead() { pg_ready || ! pg_running; }

# user postgres must reach .data: give o+x to parent directories that lack it
ensure_postgres_can_reach() {
  if runuser -u postgres -- test -x "$OCMS_DATA"; then return 0; fi
  local d="$OCMS_DATA"
  while [[ "$d" != / ]]; do
    d=$(dirname "$d")
    if ! runuser -u postgres -- test -x "$d"; then
      log "giving user postgres access to $d (chmod o+x)"
      chmod o+x "$d"
    fi
  done
}

ensure_pg() {
  ensure_postgres_can_reach
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "PostgreSQL: creating the cluster in .data/pg ..."
    rm -rf "$PG_DATA"
    install -d -o postgres -g postgres -m 700 "$PG_DATA"
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >"$LOG_DIR/initdb.log" 2>&1 ||
      { cat "$LOG_DIR/initdb.log" >&2; die "initdb failed"; }
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# ---- OCMS (infra/lib.sh)
listen_addresses = '$OCMS_PG_HOST'
port = $OCMS_PG_PORT
unix_socket_directories = '$RUN_DIR'
password_encryption = 'scram-sha-256'
max_connections = 200
log_timezone = 'Asia/Singapore'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 1000
EOF
    # only 127.0.0.1 over TCP, scram; the socket: peer (the postgres superuser of infra)
    cat >"$PG_DATA/pg_hba.conf" <<EOF
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  peer
host    all       all   127.0.0.1/32   scram-sha-256
EOF
    chown postgres:postgres "$PG_DATA/postgresql.conf" "$PG_DATA/pg_hba.conf"
  fi
  touch "$LOG_DIR/postgresql.log"
  chown postgres "$LOG_DIR/postgresql.log" "$RUN_DIR"
  pg_settings
  if pg_running && ! pg_ready; then
    # starting up or recovering; if it dies meanwhile, it is started below
    wait_for "PostgreSQL (recovering or starting)" 60 pg_ready_or_dead || true
  fi
  if ! pg_running; then
    free_port "$OCMS_PG_PORT" "PostgreSQL"
    log "PostgreSQL: starting on $OCMS_PG_HOST:$OCMS_PG_PORT (log .data/log/postgresql.log) ..."
    STARTED+=(postgresql)
    local tries=0
    # after a kill -9 the old backends may hold the shared memory (and the dead postmaster
    # its pid) for a moment: retry
    until pg_ctl -D "$PG_DATA" -l "$LOG_DIR/postgresql.log" -o "-p $OCMS_PG_PORT -k $RUN_DIR" -w -t 60 start >/dev/null; do
      tries=$((tries + 1))
      ((tries < 10)) || { tail -n 20 "$LOG_DIR/postgresql.log" >&2; die "PostgreSQL did not start"; }
      log "PostgreSQL: start failed, retrying ($tries) ..."
      sleep 2
    done
  fi
  wait_for "PostgreSQL" 60 pg_ready || { tail -n 20 "$LOG_DIR/postgresql.log" >&2; die "PostgreSQL is not ready"; }
  ensure_pg_roles
}

ensure_pg_roles() {
  local args=() r
  for r in "${PG_ROLES[@]}"; do args+=(-v "pw_$r=$(pg_password "$r")"); done
  {
    for r in "${PG_ROLES[@]}"; do
      echo "SELECT format('CREATE ROLE %I LOGIN', '$r') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$r') \\gexec"
      echo "ALTER ROLE $r WITH LOGIN PASSWORD :'pw_$r';"
    done
    echo "SELECT 'CREATE DATABASE $OCMS_PG_DB OWNER ocms_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$OCMS_PG_DB') \\gexec"
    echo "ALTER DATABASE $OCMS_PG_DB OWNER TO ocms_owner;"
    # OCMS is in Singapore (DESIGN.md): psql sessions show local time; the code never relies on it
    echo "ALTER DATABASE $OCMS_PG_DB SET timezone = 'Asia/Singapore';"
    echo "\\connect $OCMS_PG_DB"
    echo "ALTER SCHEMA public OWNER TO ocms_owner;"
  } | psql_super -d postgres "${args[@]}" >/dev/null || die "creating the PostgreSQL roles and database failed"
}

# The settings of OCMS's write path (infra/pg/ocms.conf: each with the measurement that chose it),
# included from postgresql.conf and copied on every start, so a change reaches a cluster made
# before it. A running server reloads; a setting that needs a restart says so.
pg_settings() {
  grep -qx "include_if_exists = 'ocms.conf'" "$PG_DATA/postgresql.conf" ||
    echo "include_if_exists = 'ocms.conf'" >>"$PG_DATA/postgresql.conf"
  cmp -s "$INFRA/pg/ocms.conf" "$PG_DATA/ocms.conf" && return 0
  install -o postgres -g postgres -m 600 "$INFRA/pg/ocms.conf" "$PG_DATA/ocms.conf"
  if pg_running && pg_ready; then
    log "PostgreSQL: infra/pg/ocms.conf changed, reloading"
    psql_super -d postgres -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    local pending
    pending=$(psql_super -d postgres -At -c "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")
    [[ -z "$pending" ]] || log "PostgreSQL: $pending take effect after a restart (infra/stop && infra/run)"
  fi
}

stop_pg() {
  if [[ -f "$PG_DATA/PG_VERSION" ]] && pg_running; then
    log "stopping PostgreSQL (pid $(head -n1 "$PG_DATA/postmaster.pid")) ..."
    pg_ctl -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
    log "PostgreSQL stopped"
  else
    log "PostgreSQL: not running"
  fi
}

# ---------------------------------------------------------------- Kafka
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_LOG="$LOG_DIR/kafka.log"

kafka_java() { # JVM options and main class follow
  java -cp "$KAFKA_LIBS/*" "$@"
}

# kafka_security: "sasl" (SASL/PLAIN on the listeners, ACLs; the default for new storage,
# OCMS_KAFKA_SECURITY=none to turn it off) or "none". Fixed when the storage is formatted
# (.data/kafka/security): storage formatted before issue 14 stays "none" (its topics hold
# messages of clients without credentials; rm -rf .data/kafka after infra/stop turns it on).
kafka_security() {
  if [[ -f "$KAFKA_DATA/log/meta.properties" ]]; then
    cat "$KAFKA_DATA/security" 2>/dev/null || echo none
  else
    case "${OCMS_KAFKA_SECURITY:-sasl}" in
      none) echo none ;;
      *) echo sasl ;;
    esac
  fi
}

# kcat as the admin principal (infra's own checks); plain kcat without security
kcat_admin() {
  if [[ "$(kafka_security)" == sasl ]]; then kcat -F "$SECRETS/kafka-admin.properties" "$@"; else kcat "$@"; fi
}

kafka_metadata_ok() {
  kcat_admin -b "$OCMS_KAFKA_BROKERS" -L -m 2 -J >/dev/null 2>&1
}

render_kafka_config() {
  sed -e "s#@KAFKA_HOST@#$OCMS_KAFKA_HOST#g" \
    -e "s#@KAFKA_PORT@#$OCMS_KAFKA_PORT#g" \
    -e "s#@KAFKA_CONTROLLER_PORT@#$OCMS_KAFKA_CONTROLLER_PORT#g" \
    -e "s#@KAFKA_LOG_DIRS@#$KAFKA_DATA/log#g" \
    "$KAFKA_DIR/server.properties.in" >"$KAFKA_DATA/server.properties.tmp"
  if [[ "$(kafka_security)" == sasl ]]; then
    # Both listeners speak SASL/PLAIN with the principals of KAFKA_PRINCIPALS (why not SCRAM:
    # docs/decisions.md "Kafka: who may publish"); only ACLs give access.
    local pw users="" p
    pw=$(cat "$SECRETS/kafka_broker.password")
    for p in "${KAFKA_PRINCIPALS[@]}"; do users+=" user_ocms-$p=\"$(cat "$SECRETS/kafka_$p.password")\""; done
    sed -e "s#@KAFKA_HOST@#$OCMS_KAFKA_HOST#g" -e "s#@KAFKA_PORT@#$OCMS_KAFKA_PORT#g" \
      -e "s#@KAFKA_CONTROLLER_PORT@#$OCMS_KAFKA_CONTROLLER_PORT#g" -e "s#@BROKER_PASSWORD@#$pw#g" \
      -e "s#@USERS@#$users#g" "$KAFKA_DIR/security.properties.in" >>"$KAFKA_DATA/server.properties.tmp"
  fi
  chmod 600 "$KAFKA_DATA/server.properties.tmp"
  mv -f "$KAFKA_DATA/server.properties.tmp" "$KAFKA_DATA/server.properties"
}

# start_kafka: formats the storage once and starts the broker if it is not running (no wait)
start_kafka() {
  render_kafka_config
  if [[ ! -s "$KAFKA_DATA/cluster.id" ]]; then
    # a Kafka Uuid: 16 random bytes, base64url without padding; never with a leading '-' (Kafka's
    # own Uuid.randomUuid avoids it: a command line reads such an id as an option - it failed the
    # format of a CI run once in 64)
    local id
    id=$(openssl rand 16 | b64url)
    while [[ "$id" == -* ]]; do id=$(openssl rand 16 | b64url); done
    printf '%s\n' "$id" >"$KAFKA_DATA/cluster.id"
  fi
  if [[ ! -f "$KAFKA_DATA/log/meta.properties" ]]; then
    log "Kafka: formatting the storage (cluster id $(cat "$KAFKA_DATA/cluster.id")) ..."
    # shellcheck disable=SC2086
    local mode
    mode=$(kafka_security)
    # shellcheck disable=SC2086
    kafka_java $KAFKA_TOOL_OPTS kafka.tools.StorageTool format --cluster-id="$(cat "$KAFKA_DATA/cluster.id")" \
      -c "$KAFKA_DATA/server.properties" --ignore-formatted >"$LOG_DIR/kafka-format.log" 2>&1 ||
      { cat "$LOG_DIR/kafka-format.log" >&2; die "Kafka storage format failed"; }
    printf '%s\n' "$mode" >"$KAFKA_DATA/security"
    log "Kafka: broker security: $mode"
  fi
  if pid_alive "$KAFKA_PID" kafka.Kafka; then
    log "Kafka: running (pid $(cat "$KAFKA_PID"))"
    return 0
  fi
  rm -f "$KAFKA_PID"
  free_port "$OCMS_KAFKA_PORT" "Kafka"
  free_port "$OCMS_KAFKA_CONTROLLER_PORT" "Kafka controller"
  log "Kafka: starting on $OCMS_KAFKA_BROKERS (log .data/log/kafka.log) ..."
  # shellcheck disable=SC2086
  setsid nohup java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" -Docms.kafka.logfile="$KAFKA_LOG" \
    -Dkafka.logs.dir="$LOG_DIR" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_DATA/server.properties" \
    >>"$LOG_DIR/kafka.out" 2>&1 </dev/null &
  echo $! >"$KAFKA_PID"
  STARTED+=(kafka)
}

# wait_kafka: waits for the broker's metadata, then creates the missing topics
# ensure_acls: the ACLs of infra/kafka/acls.conf (ocms-admin acls, as ocms-admin); idempotent
ensure_acls() {
  [[ "$(kafka_security)" == sasl ]] || return 0
  [[ -x "$OCMS_BIN/ocms-admin" ]] || die "no $OCMS_BIN/ocms-admin to set the Kafka ACLs with (infra/run builds it)"
  OCMS_KAFKA_BROKERS="$OCMS_KAFKA_BROKERS" OCMS_KAFKA_CONFIG="$(kafka_client_config admin)" \
    OCMS_ACLS_CONF="$KAFKA_DIR/acls.conf" "$OCMS_BIN/ocms-admin" acls >/dev/null || die "ocms-admin acls failed"
  # The broker applies new ACLs a moment later; a service started before that gets "not
  # authorized", and an idempotent producer refused its id is dead for good: wait until the
  # worker's principal may read a command topic.
  wait_for "the Kafka ACLs to apply" 30 kcat -F "$(kafka_client_config worker)" -b "$OCMS_KAFKA_BROKERS" \
    -C -t ocms.cmd.court -p 0 -o end -e -q -m 5 || die "the Kafka ACLs did not apply"
  log "Kafka: SASL on; the ACLs of infra/kafka/acls.conf are in place"
}

wait_kafka() {
  if ! wait_for "Kafka metadata on $OCMS_KAFKA_BROKERS" 90 kafka_metadata_ok; then
    tail -n 30 "$KAFKA_LOG" "$LOG_DIR/kafka.out" >&2 || true
    die "Kafka did not answer"
  fi
  pid_alive "$KAFKA_PID" kafka.Kafka || die "Kafka answers on $OCMS_KAFKA_BROKERS but is not the broker of .data/run/kafka.pid"
  ensure_topics
  ensure_acls
}

# existing topics with their partition counts: "name count" lines
kafka_topics() {
  kcat_admin -b "$OCMS_KAFKA_BROKERS" -L -m 5 -J 2>/dev/null |
    python3 -c 'import json,sys
for t in json.load(sys.stdin)["topics"]: print(t["topic"], len(t["partitions"]))'
}

ensure_topics() {
  local existing name parts retention have missing=() pids=() failed=0 p
  existing=$(kafka_topics) || die "could not list the Kafka topics"
  while read -r name parts retention _; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    have=$(awk -v n="$name" '$1 == n {print $2}' <<<"$existing")
    if [[ -n "$have" ]]; then
      [[ "$have" == "$parts" ]] || warn "topic $name has $have partitions, topics.conf says $parts (not changed)"
      continue
    fi
    missing+=("$name $parts $retention")
  done <"$KAFKA_DIR/topics.conf"
  if ((${#missing[@]} == 0)); then
    log "Kafka: all topics of topics.conf exist"
    return 0
  fi
  # the project's own tool, once it is built
  if [[ -x "$OCMS_BIN/ocms-admin" ]]; then
    log "Kafka: ocms-admin topics (${#missing[@]} missing) ..."
    # its broker named here as well as exported: ocms-admin's own default is 127.0.0.1:9092
    OCMS_KAFKA_BROKERS="$OCMS_KAFKA_BROKERS" OCMS_KAFKA_CONFIG="$(kafka_client_config admin)" \
      OCMS_TOPICS_CONF="$KAFKA_DIR/topics.conf" "$OCMS_BIN/ocms-admin" topics || die "ocms-admin topics failed"
    return 0
  fi
  [[ "$(kafka_security)" != sasl ]] ||
    die "topics are missing and there is no $OCMS_BIN/ocms-admin to create them with the broker's credentials (infra/run builds it)"
  # until then Kafka's TopicCommand, one JVM per missing topic, in parallel
  for p in "${missing[@]}"; do
    read -r name parts retention <<<"$p"
    log "Kafka: creating topic $name ($parts partitions, retention.ms=$retention)"
    # shellcheck disable=SC2086
    kafka_java $KAFKA_TOOL_OPTS org.apache.kafka.tools.TopicCommand --bootstrap-server "$OCMS_KAFKA_BROKERS" \
      --create --if-not-exists --topic "$name" --partitions "$parts" --replication-factor 1 \
      --config "retention.ms=$retention" >>"$LOG_DIR/kafka-topics.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  ((failed == 0)) || { tail -n 30 "$LOG_DIR/kafka-topics.log" >&2; die "creating Kafka topics failed"; }
}

stop_kafka() { stop_pid Kafka "$KAFKA_PID" kafka.Kafka 60; }

# ---------------------------------------------------------------- OCMS services
svc_pid() { echo "$RUN_DIR/$1.pid"; }
svc_bin() { echo "$OCMS_BIN/ocms-$1"; }

svc_running() { pid_alive "$(svc_pid "$1")" "ocms-$1"; }

start_service() { # NAME (worker, edge, scheduler)
  local name="$1" bin pidf
  bin=$(svc_bin "$name")
  pidf=$(svc_pid "$name")
  if svc_running "$name"; then
    log "ocms-$name: running (pid $(cat "$pidf"))"
    return 0
  fi
  rm -f "$pidf"
  if [[ ! -x "$bin" ]]; then
    log "ocms-$name: no binary $bin yet: skipped"
    return 0
  fi
  case "$name" in
    edge) free_port "${OCMS_EDGE_LISTEN##*:}" "ocms-edge" ;;
    worker) free_port "${OCMS_WORKER_METRICS_LISTEN##*:}" "ocms-worker metrics" ;;
  esac
  log "ocms-$name: starting (log .data/log/ocms-$name.log)"
  (
    set -a
    # shellcheck disable=SC1090
    . "$ENV_FILE"
    set +a
    # its own Kafka principal (infra/kafka/acls.conf), not the developer's of the env file
    OCMS_KAFKA_CONFIG=$(kafka_client_config "$name")
    export OCMS_KAFKA_CONFIG
    unset KCAT_CONFIG
    cd "$OCMS_REPO" || exit 1
    exec setsid nohup "$bin" >>"$LOG_DIR/ocms-$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$pidf"
  STARTED+=("$name")
  sleep 0.2
  if ! svc_running "$name"; then
    tail -n 20 "$LOG_DIR/ocms-$name.log" >&2 || true
    die "ocms-$name exited at once"
  fi
}

stop_service() { stop_pid "ocms-$1" "$(svc_pid "$1")" "ocms-$1" 20; }

# kill9 NAME: a crash, for the chaos tests (tests/chaos, infra/chaos): kill -9 one part by its pid
# file (edge, worker, scheduler, kafka; postgresql: the postmaster and its backends at once).
# Prints the pids killed; returns 1 when the part is not running. infra/run starts it again.
kill9() {
  local pids
  case "$1" in
    edge | worker | scheduler) svc_running "$1" || return 1; pids=$(cat "$(svc_pid "$1")") ;;
    kafka) pid_alive "$KAFKA_PID" kafka.Kafka || return 1; pids=$(cat "$KAFKA_PID") ;;
    postgresql | pg | postgres)
      pg_running || return 1
      pids=$(head -n1 "$PG_DATA/postmaster.pid")
      pids="$pids $(pgrep -P "$pids" | tr '\n' ' ')" ;;
    *) die "kill9: unknown part: $1 (edge, worker, scheduler, kafka, postgresql)" ;;
  esac
  # shellcheck disable=SC2086
  kill -KILL $pids
  echo $pids
}

edge_ready() { curl -fsS -m 2 -o /dev/null "$OCMS_EDGE_URL/readyz"; }

# ---------------------------------------------------------------- migrations
run_migrations() { "$INFRA/migrate"; }
