#!/bin/sh
# coldcache.sh - a benchmark, not a test: latency with a cold cache. Every
# message comes from a sender domain seen once (tests/bench/coldcache.py:
# SPF records of nine shapes, include chains 1-4 deep, three includes side
# by side, a/mx, an exists macro, redirect; DKIM keys; DMARC at the domain or inherited), served by
# nsd behind a forwarder that delays every answer (tests/lib/dns_proxy.py),
# pushed through the private Postfix once without a milter and then with
# authgate, started afresh (an empty cache) for each delay. Prints, per
# SPF shape and overall, latency p50/p95/p99, what authgate adds over
# Postfix alone, and the DNS round trips on the critical path (the time
# authgate's verdicts waited for DNS, from its log line, over the delay).
#
#	sudo sh tests/bench/coldcache.sh [--domains N] [--delays "10 30 50"]
#	    [--authgate BIN] [--config TEXT] [--dns TEXT]  # from a build tree
#
# --config adds top-level lines (reject_stage = eom), --dns lines of the
# dns section (cache_size = 0).
#
# Defaults: 450 domains (50 of each shape), delays 10, 30 and 50 ms, the
# build tree's milter/authgate. One session: latency, not throughput.
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$(pwd)
DOMAINS=450
DELAYS="10 30 50"
AG_BIN="$top_builddir/milter/authgate"
EXTRA_CONF=""
while [ $# -gt 0 ]; do
	case "$1" in
	--domains) DOMAINS="$2"; shift 2 ;;
	--delays) DELAYS="$2"; shift 2 ;;
	--authgate) AG_BIN="$2"; shift 2 ;;
	--config) EXTRA_CONF="$2"; shift 2 ;;
	--dns) export AG_DNS_EXTRA="$2"; shift 2 ;;
	*) echo "usage: $0 [--domains N] [--delays \"MS ...\"]" \
	    "[--authgate BIN] [--config TEXT] [--dns TEXT]"; exit 2 ;;
	esac
done
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/postfix.sh"
[ "$(id -u)" -eq 0 ] || { echo "coldcache.sh needs root (Postfix)"; exit 1; }
[ -x "$AG_BIN" ] || { echo "no authgate binary at $AG_BIN"; exit 1; }
ag_python_dkim

AG_WORK=$(mktemp -d /tmp/authgate-coldcache.XXXXXX)
chmod 755 "$AG_WORK"
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
AG_CLEANUP_HOOK=cold_stop
cold_stop() {
	[ -n "${PF:-}" ] && pf_stop "$PF"
}

COLD="$top_srcdir/tests/bench/coldcache.py"
KEYS="$top_srcdir/tests/keys"
mkdir -p "$AG_WORK/zones"
"$AG_PYTHON" "$COLD" zone --domains "$DOMAINS" --key "$KEYS/rsa2048.txt" \
    > "$AG_WORK/zones/cold.example.zone" || ag_fail "the corpus"
"$AG_PYTHON" "$COLD" rzone --domains "$DOMAINS" \
    > "$AG_WORK/zones/18.198.in-addr.arpa.zone" || ag_fail "the clients"
ag_nsd_start
ag_dns_proxy_start fast 3600
SINK_PORT=$(ag_free_port)
pf_sink_start "$AG_WORK" "$SINK_PORT" || ag_fail "smtp-sink"
AG_PIDS="$AG_PIDS $PF_SINK_PID"

# run NAME MILTERS - the corpus through a Postfix of its own
run() {
	PF="$AG_WORK/pf-$1"
	port=$(ag_free_port)
	pf_setup "$PF" "$port" "$SINK_PORT" "$2"
	pf_start "$PF" || ag_fail "postfix"
	"$AG_PYTHON" "$COLD" send --port "$port" --domains "$DOMAINS" \
	    --dkim-key "$KEYS/rsa2048.pem" --out "$AG_WORK/$1.json" ||
		ag_fail "sending ($1)"
	pf_stop "$PF"
	PF=""
}

run base ""
echo "Postfix alone: done"
for delay in $DELAYS; do
	echo "slow $delay" > "$AG_WORK/dns.mode"
	AG_DNS_TIMEOUT=5s ag_write_conf "$AG_WORK/authgate.conf" \
	    "socket_mode = \"0666\"
log_level = info
$EXTRA_CONF"
	: > "$AG_WORK/authgate.log"
	AG_SOCKET="unix:$AG_WORK/ag-$delay.sock"
	ag_authgate_start "$AG_WORK/authgate.conf"
	run "with-$delay" "$AG_SOCKET"
	sleep 1		# the last log line
	ag_authgate_stop
	cp "$AG_WORK/authgate.log" "$AG_WORK/authgate-$delay.log"
	"$AG_PYTHON" "$COLD" report --delay "$delay" --base "$AG_WORK/base.json" \
	    --with "$AG_WORK/with-$delay.json" --log "$AG_WORK/authgate-$delay.log"
	echo
done
