#!/usr/bin/env bash
# cron/batchwatch-cron against the demo world (issue 5): the wrapper, run twice at once with the
# real batchwatch, runs one check and refuses the second with a clear message.
#
#   cron/test-wrapper-demo.sh [BATCHWATCH_BINARY]     (default .build/debug/batchwatch)
#
# Starts a private test bed seeded with the demo night (testbed/worlds/demo.py serve) and gives
# the wrapper a private lock file and the demo's env file (mode 600, the only source of the AWS
# endpoint and credentials). Needs scripts/bootstrap to have run (.testbed/python). Builds
# batchwatch (debug, product only) when the binary is missing. Exits non-zero on any failure.
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"

# Outside: resolve the binary, then run this script again inside the seeded demo world.
if [[ -z "${BATCHWATCH_DEMO_CONFIG:-}" ]]; then
    binary="${1:-$repo/.build/debug/batchwatch}"
    if [[ ! -x "$binary" ]]; then
        echo "test-wrapper-demo: building batchwatch (swift build --product batchwatch)" >&2
        (cd "$repo" && swift build --product batchwatch >&2) || exit 1
        binary="$(cd "$repo" && swift build --show-bin-path)/batchwatch"
    fi
    python="${BATCHWATCH_TESTBED_PYTHON:-$(cat "$repo/.testbed/python" 2>/dev/null)}"
    if [[ -z "$python" ]]; then
        echo "test-wrapper-demo: no test bed Python; run scripts/bootstrap first" >&2
        exit 1
    fi
    exec "$python" "$repo/testbed/worlds/demo.py" serve -- "$0" "$(realpath "$binary")"
fi

# Inside: the demo world is up (BATCHWATCH_DEMO_* come from demo.py serve).
binary="$1"
wrapper="$repo/cron/batchwatch-cron"
# shellcheck source=cron/test-helpers.sh
source "$(dirname "$0")/test-helpers.sh"
calls_total() { # signed AWS requests that reached the test bed since the last reset
    curl -fsS "$BATCHWATCH_DEMO_ENDPOINT/_testbed/calls" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p'
}
reset_calls() {
    curl -fsS -X POST -H 'Content-Type: application/json' -d '{}' \
        "$BATCHWATCH_DEMO_ENDPOINT/_testbed/calls/reset" >/dev/null
}
is_digest() { # is_digest FILE: the demo night's text digest
    grep -q "^2 failed, 1 timed out, 1 missing, 1 late, 1 running long, 1 alarm — $BATCHWATCH_DEMO_DATE Asia/Tokyo$" "$1" &&
        grep -q 'missing  *partner-export' "$1" && grep -q 'checked: 12 jobs' "$1"
}

export BATCHWATCH_LOCK="$work/batchwatch.lock" BATCHWATCH_ENV_FILE="$BATCHWATCH_DEMO_ENV_FILE"
unset BATCHWATCH_MAIL_ON_PROBLEMS
check_args=(--date "$BATCHWATCH_DEMO_DATE" --now "$BATCHWATCH_DEMO_NOW" --config "$BATCHWATCH_DEMO_CONFIG")
expect "the env file is private" 600 "$(stat -L -c '%a' "$BATCHWATCH_ENV_FILE")"

# Two runs at once. Whichever takes the lock first must still hold it when the other one tries,
# however fast the check is, so BATCHWATCH_BIN is a gate: it notes that it started, waits until
# the test opens it, then execs the real binary (the same process, so the wrapper's lock stays
# held throughout the real check). The refused run never reaches the gate.
cat >"$work/gated-batchwatch" <<'GATE'
#!/usr/bin/env bash
printf '%s\n' "$$" >>"$GATE_DIR/started"
for ((i = 0; i < 600; i++)); do
    [[ -e "$GATE_DIR/open" ]] && exec "$GATE_REAL_BINARY" "$@"
    sleep 0.05
done
echo "gated-batchwatch: the test never opened the gate" >&2
exit 99
GATE
chmod 755 "$work/gated-batchwatch"
: >"$work/started"

declare -A pids
reset_calls
for run in a b; do
    BATCHWATCH_BIN="$work/gated-batchwatch" GATE_DIR="$work" GATE_REAL_BINARY="$binary" \
        "$wrapper" "${check_args[@]}" >"$work/$run.out" 2>"$work/$run.err" &
    pids[$run]=$!
done
wait -n -p first_done "${pids[a]}" "${pids[b]}"
first_status=$?
touch "$work/open"
for run in a b; do
    if [[ "${pids[$run]}" == "$first_done" ]]; then refused=$run; else checked=$run; fi
done
wait "${pids[$checked]}"
checked_status=$?
concurrent_calls="$(calls_total)"

expect "concurrent runs: the first to finish was refused with status 3" 3 "$first_status"
expect "concurrent runs: batchwatch started once" 1 "$(wc -l <"$work/started")"
expect "concurrent runs: the other ran the check and passed its status 1 through" 1 "$checked_status"
if is_digest "$work/$checked.out"; then
    pass "concurrent runs: the check printed the demo night's digest"
else
    fail "concurrent runs: no digest on stdout: $(cat "$work/$checked.out" "$work/$checked.err")"
fi
refusal="batchwatch-cron: another batchwatch run holds $BATCHWATCH_LOCK; not starting a second"
expect "concurrent runs: the refused run says why, and nothing else" "$refusal" "$(cat "$work/$refused.err")"
expect "concurrent runs: the refused run printed no digest" "" "$(cat "$work/$refused.out")"

# The same check alone, with BATCHWATCH_BIN the real binary: the lock was released, and the
# test bed saw exactly one check's worth of AWS calls from the two runs above.
reset_calls
BATCHWATCH_BIN="$binary" "$wrapper" "${check_args[@]}" >"$work/alone.out" 2>"$work/alone.err"
alone_status=$?
alone_calls="$(calls_total)"
expect "a run alone afterwards: the lock is free, status 1" 1 "$alone_status"
if is_digest "$work/alone.out"; then pass "a run alone afterwards: digest"; else fail "a run alone: $(cat "$work/alone.err")"; fi
if ((alone_calls > 0)) && [[ "$concurrent_calls" == "$alone_calls" ]]; then
    pass "the two concurrent runs made one check's AWS calls ($alone_calls)"
else
    fail "AWS calls: $concurrent_calls from the concurrent runs, $alone_calls from one check"
fi
if grep -qF "$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$BATCHWATCH_ENV_FILE")" "$work"/*.out "$work"/*.err; then
    fail "the secret access key appeared in the output"
else
    pass "no secret in any output"
fi

finish "demo wrapper"
