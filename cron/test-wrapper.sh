#!/usr/bin/env bash
# Tests for cron/batchwatch-cron with a fake batchwatch binary (no AWS, no demo world):
# the lock (two runs at once: one checks, one refuses), exit-status pass-through,
# --quiet-problems, and the env file's permission check. Exits non-zero on any failure.
set -uo pipefail

wrapper="$(cd "$(dirname "$0")" && pwd)/batchwatch-cron"
# shellcheck source=cron/test-helpers.sh
source "$(dirname "$0")/test-helpers.sh"

# The fake records each call (arguments and whether the secret arrived), sleeps, and exits
# with FAKE_STATUS.
cat >"$work/fake-batchwatch" <<'FAKE'
#!/usr/bin/env bash
printf '%s|secret=%s\n' "$*" "${SLACK_WEBHOOK_URL:+set}" >>"$FAKE_CALLS"
sleep "${FAKE_SLEEP:-0}"
exit "${FAKE_STATUS:-0}"
FAKE
chmod 755 "$work/fake-batchwatch"

export BATCHWATCH_BIN="$work/fake-batchwatch" BATCHWATCH_LOCK="$work/batchwatch.lock"
export BATCHWATCH_ENV_FILE="$work/env" FAKE_CALLS="$work/calls"
printf 'SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T000/B000/very-secret\n' >"$work/env"
chmod 600 "$work/env"

run() { # run [wrapper args...]: sets status, stderr, calls (number of fake invocations)
    : >"$FAKE_CALLS"
    "$wrapper" "$@" 2>"$work/stderr"
    status=$?
    stderr="$(cat "$work/stderr")"
    calls=$(wc -l <"$FAKE_CALLS")
}

# Two runs at once: exactly one reaches batchwatch, the other refuses with a clear message.
: >"$FAKE_CALLS"
FAKE_SLEEP=2 FAKE_STATUS=1 "$wrapper" 2>"$work/first.err" &
first=$!
FAKE_SLEEP=2 FAKE_STATUS=1 "$wrapper" 2>"$work/second.err" &
second=$!
wait "$first"; first_status=$?
wait "$second"; second_status=$?
expect "concurrent runs: batchwatch ran once" 1 "$(wc -l <"$FAKE_CALLS")"
statuses="$(printf '%s\n' "$first_status" "$second_status" | sort | tr '\n' ' ')"
expect "concurrent runs: one passed status 1 through, the other exited 3" "1 3 " "$statuses"
refusal="another batchwatch run holds $BATCHWATCH_LOCK; not starting a second"
if grep -qF "$refusal" "$work/first.err" "$work/second.err"; then
    pass "concurrent runs: the refused run says why"
else
    fail "concurrent runs: no refusal message; stderr was: $(cat "$work/first.err" "$work/second.err")"
fi

# After both finished the lock is free again.
FAKE_STATUS=0 run
expect "lock is released after a run" "0/1" "$status/$calls"

# Exit statuses and arguments pass through.
for code in 0 1 2 3; do
    FAKE_STATUS=$code run --date 2026-11-20 --dry-run
    expect "status $code passes through" "$code" "$status"
done
expect "arguments reach 'batchwatch check'" "check --date 2026-11-20 --dry-run|secret=set" "$(cat "$FAKE_CALLS")"
if grep -q very-secret "$work/stderr"; then fail "the webhook URL leaked to stderr"; else pass "no secret on stderr"; fi

# --quiet-problems and BATCHWATCH_MAIL_ON_PROBLEMS=0 turn 1 (and only 1) into 0.
FAKE_STATUS=1 run --quiet-problems
expect "--quiet-problems: 1 becomes 0" 0 "$status"
expect "--quiet-problems is not passed to batchwatch" "check|secret=set" "$(cat "$FAKE_CALLS")"
FAKE_STATUS=3 run --quiet-problems
expect "--quiet-problems: 3 stays 3" 3 "$status"
FAKE_STATUS=1 BATCHWATCH_MAIL_ON_PROBLEMS=0 run
expect "BATCHWATCH_MAIL_ON_PROBLEMS=0: 1 becomes 0" 0 "$status"
printf 'BATCHWATCH_MAIL_ON_PROBLEMS=0\n' >>"$work/env"
FAKE_STATUS=1 run
expect "BATCHWATCH_MAIL_ON_PROBLEMS=0 in the env file: 1 becomes 0" 0 "$status"
sed -i '/BATCHWATCH_MAIL_ON_PROBLEMS/d' "$work/env"

# The env file must be private: readable by group or others means no run, status 2.
for mode in 640 604 620; do
    chmod "$mode" "$work/env"
    FAKE_STATUS=0 run
    expect "env file mode $mode: refused with status 2, batchwatch not run" "2/0" "$status/$calls"
done
if [[ "$stderr" == *"chmod 600 $work/env"* ]]; then pass "refusal says how to fix it"; else fail "refusal text: $stderr"; fi
chmod 600 "$work/env"

# A named env file that is missing is an error; the default one is optional.
BATCHWATCH_ENV_FILE="$work/missing" FAKE_STATUS=0 run
expect "missing BATCHWATCH_ENV_FILE: status 2, batchwatch not run" "2/0" "$status/$calls"
if [[ ! -e /etc/batchwatch/env ]]; then
    (unset BATCHWATCH_ENV_FILE; FAKE_STATUS=0 "$wrapper" 2>/dev/null)
    expect "default env file absent: still runs" 0 "$?"
fi

# A missing binary is a configuration error, not bash's 127.
BATCHWATCH_BIN="$work/no-such-batchwatch" run
expect "missing binary: status 2" 2 "$status"

finish "wrapper"
