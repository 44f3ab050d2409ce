# Shared by cron/test-wrapper.sh and cron/test-wrapper-demo.sh (sourced, not run): a scratch
# folder removed on exit, and pass/fail/expect that count failures for `finish`.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

pass() { printf 'ok   %s\n' "$1"; }
fail() { printf 'FAIL %s\n' "$1"; failures=$((failures + 1)); }
expect() { # expect NAME EXPECTED ACTUAL
    if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}
finish() { # finish WHAT: the closing line, and exit 1 when anything failed
    if ((failures > 0)); then
        printf '%d %s test(s) failed\n' "$failures" "$1"
        exit 1
    fi
    printf 'all %s tests passed\n' "$1"
}
