#!/bin/sh
# bench.sh - a benchmark, not a test: pushes messages through a private
# Postfix (tests/lib/postfix.sh) three times in one run - without a milter,
# with authgate on a unix socket, and with authgate over TCP - and prints
# messages/s, latency percentiles and authgate's CPU and memory side by side.
#
#	sudo tests/bench/bench.sh [--messages N] [--sessions C] [--authgate BIN]
#	    [--config TEXT]
#
# Defaults: 2000 messages, 4 sessions, the authgate binary of the build
# tree in the current directory (./milter/authgate). Client addresses vary
# through XCLIENT; the DNS is nsd on 127.0.0.1 serving tests/zones.
# The machines are noisy: compare the columns of one run, quote medians of
# several runs.
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
top_builddir=$(pwd)
MESSAGES=2000
SESSIONS=4
AG_BIN="$top_builddir/milter/authgate"
EXTRA_CONF=""
while [ $# -gt 0 ]; do
	case "$1" in
	--messages) MESSAGES="$2"; shift 2 ;;
	--sessions) SESSIONS="$2"; shift 2 ;;
	--authgate) AG_BIN="$2"; shift 2 ;;
	--config) EXTRA_CONF="$2"; shift 2 ;;
	*) echo "usage: $0 [--messages N] [--sessions C] [--authgate BIN]" \
	    "[--config TEXT]"; exit 2 ;;
	esac
done
. "$top_srcdir/tests/lib/common.sh"
. "$top_srcdir/tests/lib/postfix.sh"
[ "$(id -u)" -eq 0 ] || { echo "bench.sh needs root (Postfix)"; exit 1; }
[ -x "$AG_BIN" ] || { echo "no authgate binary at $AG_BIN (build first, or --authgate)"; exit 1; }

AG_WORK=$(mktemp -d /tmp/authgate-bench.XXXXXX)
chmod 755 "$AG_WORK"
AG_KEEP=${AG_KEEP:-}
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
AG_CLEANUP_HOOK=bench_stop
bench_stop() {
	[ -n "${PF:-}" ] && pf_stop "$PF"
}

ag_nsd_start
ag_write_conf "$AG_WORK/authgate.conf" "socket_mode = \"0666\"
log_level = info
$EXTRA_CONF"
SINK_PORT=$(ag_free_port)
pf_sink_start "$AG_WORK" "$SINK_PORT" || exit 1
AG_PIDS="$AG_PIDS $PF_SINK_PID"

# cpu_ticks PID - user+system clock ticks of a process so far
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# pss_kb PID - proportional set size
pss_kb() {
	awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0
}

# queue_empty DIR - nothing left to deliver
queue_empty() {
	[ -z "$(find "$1/spool/incoming" "$1/spool/active" "$1/spool/deferred" \
	    -type f 2>/dev/null | head -1)" ]
}

# phase NAME MILTER_SOCKET AUTHGATE_SOCKET - one measured run
phase() {
	name="$1"
	PF="$AG_WORK/pf-$name"
	agpid=""
	if [ -n "$3" ]; then
		AG_SOCKET="$3"
		ag_authgate_start "$AG_WORK/authgate.conf"
		agpid=$AG_AUTHGATE_PID
	fi
	port=$(ag_free_port)
	pf_setup "$PF" "$port" "$SINK_PORT" "$2"
	pf_start "$PF" || exit 1
	# warm up: process start, DNS cache (not measured)
	python3 "$top_srcdir/tests/bench/loadgen.py" --port "$port" \
	    --messages 50 --sessions 2 --seed 1 --out "$AG_WORK/warm.json"
	[ -n "$agpid" ] && t0=$(cpu_ticks "$agpid")
	python3 "$top_srcdir/tests/bench/loadgen.py" --port "$port" \
	    --messages "$MESSAGES" --sessions "$SESSIONS" \
	    --out "$AG_WORK/$name.json"
	cpu="-"
	pss="-"
	if [ -n "$agpid" ]; then
		t1=$(cpu_ticks "$agpid")
		hz=$(getconf CLK_TCK)
		cpu=$(python3 -c "print('%.3f' % (($t1 - $t0) * 1000.0 / $hz / $MESSAGES))")
		pss=$(python3 -c "print('%.1f' % ($(pss_kb "$agpid") / 1024.0))")
	fi
	i=0
	while ! queue_empty "$PF" && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	pf_stop "$PF"
	[ -n "$agpid" ] && ag_stop_pid "$agpid"
	python3 - "$AG_WORK/$name.json" "$name" "$cpu" "$pss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["replies"]
print("| %-15s | %5d | %7.1f | %6.1f | %6.1f | %6.1f | %4d/%d/%d/%d | %8s | %6s |" % (
    sys.argv[2], r["messages"], r["msgs_per_s"], r["lat_ms"]["p50"],
    r["lat_ms"]["p95"], r["lat_ms"]["p99"], c.get("2xx", 0), c.get("4xx", 0),
    c.get("5xx", 0), c.get("error", 0), sys.argv[3], sys.argv[4]))
PY
}

echo "authgate benchmark: $MESSAGES messages, $SESSIONS sessions, $(nproc) cores"
echo "| setup           |  msgs |  msgs/s | p50 ms | p95 ms | p99 ms | 2xx/4xx/5xx/err | CPU ms/msg | PSS MB |"
echo "|-----------------|------:|--------:|-------:|-------:|-------:|-----------------|-----------:|-------:|"
phase no-milter "" ""
phase authgate-unix "unix:$AG_WORK/authgate.sock" "unix:$AG_WORK/authgate.sock"
tcp=$(ag_free_port)
phase authgate-tcp "inet:127.0.0.1:$tcp" "inet:$tcp@127.0.0.1"
echo "(CPU and PSS are authgate's own; 5xx are the SPF fails of the mix)"
