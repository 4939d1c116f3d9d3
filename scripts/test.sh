#!/usr/bin/env bash
# Sets up everything the tests need on this machine and runs them all:
# formatting, lint, type-check, unit and integration tests (jest; the suites
# on a real Kubernetes data plane in a jest run of their own beside the
# others), and the browser tests (Playwright driving Debian's Chromium
# against the started portal). Ends with one line, "N passed, N failed",
# summing every runner.
#
#   scripts/test.sh                  every stage
#   scripts/test.sh unit browser     only the named stages
#
# Stages: format lint types unit browser (unit includes the Kubernetes
# suites, counted as `kube`). Every stage runs even when an
# earlier one failed, so one run shows everything that is wrong; the exit
# status is non-zero when anything failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/kube-assets.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/engine-images.sh"

ALL_STAGES=(format lint types unit browser)
STAGES=("$@")
[ ${#STAGES[@]} -eq 0 ] && STAGES=("${ALL_STAGES[@]}")
for stage in "${STAGES[@]}"; do
  [[ " ${ALL_STAGES[*]} " == *" $stage "* ]] || die "unknown stage '$stage'; stages are: ${ALL_STAGES[*]}"
done
wants() { [[ " ${STAGES[*]} " == *" $1 "* ]]; }

RESULTS="$BASALT_ROOT/test-results"
PASSED=0
FAILED=0
SUMMARY=()

record() { # stage passed failed
  PASSED=$((PASSED + $2))
  FAILED=$((FAILED + $3))
  SUMMARY+=("$(printf '%-8s %4d passed, %d failed' "$1" "$2" "$3")")
}

# A check that is one command: it counts as one test.
run_check() { # stage command...
  local stage=$1
  shift
  step "$stage: $*"
  if (cd "$BASALT_ROOT" && "$@"); then record "$stage" 1 0; else record "$stage" 0 1; fi
}

# Reads "passed failed" from a runner's JSON report; a missing or unreadable
# report means the runner crashed, which counts as one failure.
counts_from() { # file node-expression-over-report
  node -e '
    const fs = require("fs");
    try {
      const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      const [p, f] = ('"$2"')(r);
      console.log(`${p} ${f}`);
    } catch { console.log("0 1"); }
  ' "$1"
}

ensure_node
ensure_dependencies
ensure_engine_access
# Tests run real engines (PostgreSQL and Redis from Debian) and a real browser.
apt_needs=()
if wants unit || wants browser; then
  apt_needs+=(/usr/lib/postgresql/15/bin/postgres:postgresql redis-server:redis-server)
fi
# Volume tests: loop-mounted xfs images (grown online with xfs_growfs).
if wants unit; then apt_needs+=(mkfs.xfs:xfsprogs); fi
# The browser tests read TechDocs, which Debian's mkdocs builds (Material
# theme).
if wants browser; then
  apt_needs+=(chromium:chromium mkdocs:mkdocs
    /usr/share/mkdocs/themes/material:mkdocs-material)
fi
if [ ${#apt_needs[@]} -gt 0 ]; then ensure_apt "${apt_needs[@]}"; fi
# The Kubernetes runtime's tests: a real Kubernetes (API server, etcd,
# controller-manager, kubelet on containerd), built and cached once
# (KUBEBUILDER_ASSETS), and the images its Pods run, built from images/.
if wants unit; then
  ensure_kube_assets
  ensure_engine_images
fi
mkdir -p "$RESULTS"

wants format && run_check format yarn prettier --check --loglevel warn .
wants lint && run_check lint yarn backstage-cli repo lint --max-warnings 0
wants types && run_check types yarn tsc

# Suites on the real Kubernetes data plane (`*.kube.test.ts`) take the
# machine's kubelets one at a time: they run in band, in a jest run of their
# own beside the others, and count as the `kube` stage.
KUBE_SUITES='\.kube\.test\.ts$'
if wants unit; then
  step "unit: jest over every package (unit and integration tests); kube: the real Kubernetes data plane's suites beside it"
  rm -f "$RESULTS/jest.json" "$RESULTS/jest-kube.json"
  (cd "$BASALT_ROOT" && CI=true yarn backstage-cli repo test --runInBand \
    --testPathPatterns "$KUBE_SUITES" --json --outputFile="$RESULTS/jest-kube.json" \
    >"$RESULTS/jest-kube.log" 2>&1) &
  kube_run=$!
  (cd "$BASALT_ROOT" && CI=true yarn backstage-cli repo test \
    --testPathIgnorePatterns "$KUBE_SUITES" --json --outputFile="$RESULTS/jest.json") || true
  wait "$kube_run" || true
  step "kube: the suites on the real Kubernetes data plane (their output)"
  cat "$RESULTS/jest-kube.log"
  jest_counts='r => { const f = r.numFailedTests + r.numRuntimeErrorTestSuites; return [r.numPassedTests, f || (r.success ? 0 : 1)]; }'
  read -r p f < <(counts_from "$RESULTS/jest.json" "$jest_counts")
  record unit "$p" "$f"
  read -r p f < <(counts_from "$RESULTS/jest-kube.json" "$jest_counts")
  record kube "$p" "$f"
fi

if wants browser; then
  step "browser: Playwright + $(chromium --version 2>/dev/null || echo chromium) against the started portal"
  rm -f "$RESULTS/playwright.json"
  (cd "$BASALT_ROOT" && PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/playwright.json" yarn playwright test --reporter=list,json) || true
  read -r p f < <(counts_from "$RESULTS/playwright.json" \
    'r => [r.stats.expected + r.stats.flaky, r.stats.unexpected + (r.errors || []).length]')
  record browser "$p" "$f"
fi

step "Summary"
printf '    %s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
