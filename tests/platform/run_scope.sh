#!/usr/bin/env bash
# tests/platform/run_scope.sh BUILD_DIR: infra/run installs and builds what runs, infra/test the rest
# (issue 14: infra/run on a fresh machine took 10 minutes installing Chromium and clang and building
# every test before it started anything).
#   - DEB_PACKAGES (infra/run) holds none of the test-only packages (DEB_TEST_PACKAGES: chromium,
#     clang-16, ...), and infra/test and infra/fuzz ask for them;
#   - RUN_TARGETS (what infra/run builds) names a binary for every service infra/run starts
#     (OCMS_SERVICES), ocms-admin (the topics), ocms-replay and the console page the edge serves,
#     and in BUILD_DIR's build.ninja those targets compile no test source and are a part of the
#     whole build; infra/test builds everything before ctest.
# Prints the build steps of a fresh build directory: infra/run's against everything.
# shellcheck disable=SC2015  # `test && ok ... || bad ...`: ok never fails
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${1:?usage: run_scope.sh BUILD_DIR}"
REPO="${OCMS_REPO:-$(cd "$HERE/../.." && pwd)}"
# shellcheck source=infra/lib.sh
. "$REPO/infra/lib.sh"

FAILS=0
ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; FAILS=$((FAILS + 1)); }

# ---------------------------------------------------------------- packages
if [[ -z "${DEB_TEST_PACKAGES+x}" ]]; then
  bad "infra/lib.sh has no DEB_TEST_PACKAGES: every package is infra/run's"
else
  both=""
  for p in "${DEB_TEST_PACKAGES[@]}"; do
    [[ " ${DEB_PACKAGES[*]} " == *" $p "* ]] && both+="$p "
  done
  [[ -z "$both" ]] && ok "infra/run's packages hold none of the test packages (${DEB_TEST_PACKAGES[*]})" ||
    bad "infra/run installs test packages: $both"
fi
for p in chromium clang-16 libclang-rt-16-dev python3-openpyxl; do
  [[ " ${DEB_PACKAGES[*]} " != *" $p "* ]] || bad "infra/run installs $p (only tests need it)"
done
grep -Eq '^[[:space:]]*ensure_packages tests' "$REPO/infra/test" && ok "infra/test installs the test packages" ||
  bad "infra/test does not call ensure_packages tests"
grep -Eq 'ensure_packages tests' "$REPO/infra/fuzz" && ok "infra/fuzz installs the test packages (clang-16)" ||
  bad "infra/fuzz does not call ensure_packages tests"

# ---------------------------------------------------------------- targets
if [[ -z "${RUN_TARGETS+x}" ]]; then
  bad "infra/lib.sh has no RUN_TARGETS: infra/run builds everything"
  echo "run_scope: $FAILS check(s) failed"
  exit 1
fi
want=()
for s in $OCMS_SERVICES; do want+=("ocms-$s"); done
want+=(ocms-admin ocms-replay ocms_console)
absent=""
for t in "${want[@]}"; do [[ " ${RUN_TARGETS[*]} " == *" $t "* ]] || absent+="$t "; done
[[ -z "$absent" ]] && ok "infra/run builds ${RUN_TARGETS[*]}" || bad "infra/run does not build: $absent"
grep -Eq '^[[:space:]]*build_cpp all' "$REPO/infra/test" && ok "infra/test builds everything (build_cpp all)" ||
  bad "infra/test does not build everything"

[[ -f "$BUILD/build.ninja" ]] || { bad "no $BUILD/build.ninja"; echo "run_scope: $FAILS check(s) failed"; exit 1; }
known=$(ninja -C "$BUILD" -t targets all 2>/dev/null | awk -F: '{print $1}')
for t in "${RUN_TARGETS[@]}"; do
  grep -qxF "$t" <<<"$known" || bad "no build target $t in $BUILD"
done
run_cmds=$(ninja -C "$BUILD" -t commands "${RUN_TARGETS[@]}")
all_cmds=$(ninja -C "$BUILD" -t commands)
compiles() { grep -cE ' -c [^ ]*\.cpp( |$)' <<<"$1" || true; }
tests_in=$(grep -E ' -c [^ ]*\.cpp( |$)' <<<"$run_cmds" | grep -oE '[^ ]*/tests/[^ ]*\.cpp' | sort -u | head -n 5 | tr '\n' ' ' || true)
[[ -z "$tests_in" ]] && ok "infra/run's targets compile no test source" || bad "infra/run's targets compile test sources: $tests_in"
n_run=$(grep -c . <<<"$run_cmds")
n_all=$(grep -c . <<<"$all_cmds")
c_run=$(compiles "$run_cmds")
c_all=$(compiles "$all_cmds")
if ((n_run < n_all)); then
  ok "a fresh build: infra/run $n_run steps ($c_run compilations), infra/test $n_all steps ($c_all compilations)"
else
  bad "infra/run builds as much as everything ($n_run of $n_all steps)"
fi

echo
if ((FAILS)); then echo "run_scope: $FAILS check(s) failed"; exit 1; fi
echo "run_scope: all checks passed"
