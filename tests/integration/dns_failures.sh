#!/bin/sh
# dns_failures.sh - integration: when DNS fails, SPF is temperror and the
# answer is 451, never a pass and never a 550: DNS server stopped
# (connection refused), a server that never answers (timeouts), and a
# zone that answers SERVFAIL.
. "$(dirname "$0")/../lib/common.sh"
ag_init dns_failures
ag_need miltertest
ag_nsd_start
AG_DNS_TIMEOUT=300ms ag_write_conf "$AG_WORK/authgate.conf" 'spf {
  timeout = 3s
}'
ag_authgate_start "$AG_WORK/authgate.conf"

run() {	# qid domain expect
	ag_miltertest "$top_srcdir/tests/integration/dns_failures.lua" \
	    -D qid="$1" -D domain="$2" -D expect="$3"
}

run Q-UP pass.authgate.example accept
ag_expect_log 'Q-UP: .*verdict=accept' "DNS up: accepted"

# 1. the DNS server is stopped: lookups are refused at once
ag_nsd_stop
run Q-DOWN neutral.authgate.example refuse
ag_expect_log 'Q-DOWN: .*spf_mailfrom=temperror.*verdict=tempfail 451 4\.7\.1' \
    "DNS stopped: 451 4.7.1"
if ag_log_has 'Q-DOWN: .*(verdict=reject|verdict=accept)'; then
	ag_fail "DNS stopped must give neither 550 nor accept"
fi
ag_expect_log 'Q-DOWN: .*reply="SPF temperror: .*try again later' \
    "the 451 text says it is temporary"
ag_authgate_stop

# 2. a server that never answers: every lookup times out
python3 - "$AG_WORK/blackhole.port" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(120)	# receives, never answers; stopped by PID
PY
AG_PIDS="$AG_PIDS $!"
ag_wait_for 10 test -s "$AG_WORK/blackhole.port" || ag_fail "no black hole"
AG_DNS_PORT=$(cat "$AG_WORK/blackhole.port")
AG_DNS_TIMEOUT=200ms ag_write_conf "$AG_WORK/blackhole.conf" 'spf {
  timeout = 2s
}'
AG_SOCKET="unix:$AG_WORK/blackhole.sock"
ag_authgate_start "$AG_WORK/blackhole.conf"
run Q-HOLE pass.authgate.example refuse
ag_expect_log 'Q-HOLE: .*spf_mailfrom=temperror\(pass\.authgate\.example: no reply for pass\.authgate\.example/TXT \(timed out' \
    "timeouts: temperror that says so"
ag_expect_log 'Q-HOLE: .*verdict=tempfail 451 4\.7\.1' "timeouts: 451 4.7.1"
ag_expect_log 'Q-HOLE: .*stage=rcpt time=[0-9]+ms dns_wait=rcpt:[0-9]+ms' \
    "timeouts: the log line says how long the verdict waited for DNS"
ag_no_errors_logged
echo "all DNS failure checks passed"
