#!/bin/sh
# demo.sh - the README's first command: install what is needed, build
# authgate, and watch it filter real mail with its built-in defaults.
#
#	sh contrib/demo.sh [--keep]      (as root)
#
# Everything runs in a private network namespace that has only a loopback
# interface and its own /etc/resolv.conf ("nameserver 127.0.0.1"): a DNS
# server (nsd) serves the demo domain shop.example, authgate runs with no
# configuration file at all (built-in defaults, DNS from resolv.conf), a
# private Postfix uses it as its milter and delivers to smtp-sink, and
# swaks sends messages claiming different client addresses (XCLIENT):
# one authorized, one forged, one carrying a forged Authentication-Results,
# a hosting platform's relay (a second authgate behind a second Postfix,
# port 2527) refusing a customer whose DNS still names its old host in
# its Domain Lockdown record, then delivering once the record is fixed,
# and one while the DNS server is down. Nothing outside the namespace is touched, except that a
# system user "authgate" is created (if missing) for the daemon to run
# as, with the postfix user in its group so Postfix can use the socket.
# --keep leaves it all running until Ctrl-C, for your own experiments.
set -eu
# nsd, postfix and smtp-sink live in /usr/sbin, often not in a CI PATH
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")/.."
SRC=$(pwd)

if [ "${1:-}" = "--inner" ]; then
	shift
	DEMO="$1"
	KEEP="$2"
	. "$SRC/tests/lib/postfix.sh"
	say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
	pids=""
	inner_stop() {
		set +e		# a process already gone is not an error here
		pf_stop "$DEMO/postfix" 2>/dev/null
		pf_stop "$DEMO/relay-postfix" 2>/dev/null
		for p in $pids; do kill "$p" 2>/dev/null; done
		[ -s "$DEMO/nsd.pid" ] && kill "$(cat "$DEMO/nsd.pid")" 2>/dev/null
		# libmilter notices SIGTERM only at its next 5 s poll timeout:
		# wait (bounded) so that nothing outlives the demo
		i=0
		for p in $pids; do
			while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
				sleep 0.1
				i=$((i + 1))
			done
		done
	}
	trap inner_stop EXIT
	ip link set lo up

	# the DNS: nsd on 127.0.0.1:53, the namespace's only nameserver
	cat > "$DEMO/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$SRC/contrib/demo"
    zonelistfile: "$DEMO/zone.list"
    xfrdfile: "$DEMO/xfrd.state"
    xfrdir: "$DEMO"
    pidfile: "$DEMO/nsd.pid"
    logfile: "$DEMO/nsd.log"
    rrl-ratelimit: 0
    zonefiles-write: 0
remote-control:
    control-enable: no
zone:
    name: shop.example
    zonefile: shop.example.zone
zone:
    name: esp.example
    zonefile: esp.example.zone
zone:
    name: 2.0.192.in-addr.arpa
    zonefile: 2.0.192.in-addr.arpa.zone
zone:
    name: .
    zonefile: root.zone
zone:
    name: bakery.example
    zonefile: $DEMO/bakery.example.zone
EOF
	# the relay customer's zone, changed in the middle of the demo
	bakery_zone() {	# serial record
		cat > "$DEMO/bakery.example.zone" <<ZONE
\$ORIGIN bakery.example.
\$TTL 1
@		SOA	ns.bakery.example. hostmaster.bakery.example. $1 3600 600 86400 1
@		NS	ns
ns		A	127.0.0.1
@		TXT	"v=spf1 -all"
_mailchannels	TXT	"$2"
ZONE
	}
	bakery_zone 1 "v=mc1 auth=oldhost"
	nsd -c "$DEMO/nsd.conf"

	# start_authgate NAME [ARGS] - a daemon as user authgate with its
	# socket NAME.sock and log NAME.log in the demo directory
	start_authgate() {
		name=$1
		shift
		"$SRC/build/milter/authgate" -f -u authgate "$@" \
		    -p "unix:$DEMO/$name.sock" > "$DEMO/$name.log" 2>&1 &
		pids="$pids $!"
		i=0
		while [ ! -S "$DEMO/$name.sock" ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	}
	# authgate: no config file, built-in defaults
	start_authgate authgate

	# the relay: a second authgate with a small config, behind a second
	# Postfix (port 2527) that relays through the same smtp-sink
	cat > "$DEMO/relay.conf" <<EOF
authserv_id = relay.hosting.example
sender_identity {
  relay_ids = "newhost"
  logins = { "bakery-web bakery" }
}
sender_login {
  owners = { "@bakery.example account:bakery" }
}
lockdown {
  enabled = yes
}
EOF
	start_authgate relay -c "$DEMO/relay.conf"

	pf_sink_start "$DEMO" 2526
	pids="$pids $PF_SINK_PID"
	pf_setup "$DEMO/postfix" 2525 2526 "unix:$DEMO/authgate.sock"
	pf_start "$DEMO/postfix"
	pf_setup "$DEMO/relay-postfix" 2527 2526 "unix:$DEMO/relay.sock"
	pf_start "$DEMO/relay-postfix"

	say "authgate started with its built-in defaults (no config file):"
	sed 's/^/    /' "$DEMO/authgate.log"

	swaks_show() {	# swaks args: the dialogue, without the noise
		swaks --server 127.0.0.1 --xclient-name "[UNAVAILABLE]" \
		    --to alice@rcpt.example "$@" 2>&1 | tr -d '\r' |
		    grep -E '^ *(<-|<\*\*|->|~>)' |
		    grep -vE '^ *-> (Date|To|From|Message-Id|X-Mailer|Subject):|^ *<-  250-|^ *-> *$|^ *-> This is a test|^ *-> \.$' |
		    sed 's/^/    /' || true
	}
	send() {	# client-ip helo sender subject [extra swaks args]
		ip=$1 helo=$2 from=$3 subject=$4
		shift 4
		swaks_show --port 2525 --xclient-addr "$ip" \
		    --xclient-helo "$helo" --ehlo "$helo" --from "$from" \
		    --header "Subject: $subject" "$@"
	}
	delivered() {	# subject: show our header fields of the delivered copy
		i=0
		while [ $i -lt 50 ]; do
			f=$(grep -l "Subject: $1" "$DEMO"/sink/* 2>/dev/null | head -1)
			[ -n "$f" ] && break
			sleep 0.1
			i=$((i + 1))
		done
		echo "    delivered to smtp-sink; the Authentication-Results fields of the copy:"
		# the header block only; each A-R field with its folded lines
		awk '/^$/ { exit }
		    /^[^ \t]/ { keep = tolower($0) ~ /^authentication-results:/ }
		    keep { print "      " $0 }' "$f"
	}

	say "1. shop.example's own server (192.0.2.25) sends a newsletter:"
	send 192.0.2.25 mail.shop.example news@shop.example "Newsletter"
	delivered "Newsletter"

	say "2. A server shop.example does not list (203.0.113.66) claims to be shop.example:"
	send 203.0.113.66 bulk.mailer.invalid news@shop.example "Fake invoice"

	say "3. An email service (198.51.100.10, authorized by esp.example's SPF record) sends with From: news@shop.example but without a shop.example DKIM signature. SPF passes for esp.example, which is not shop.example, and shop.example publishes a DMARC p=reject policy:"
	send 198.51.100.10 mail.esp.example bounces@esp.example "Promotion" \
	    --header "From: Shop <news@shop.example>"

	say "4. The good server again, but the message carries a forged Authentication-Results that claims our authserv-id:"
	me=$(hostname)
	send 192.0.2.25 mail.shop.example news@shop.example "Forged results" \
	    --header "Authentication-Results: $me; spf=pass smtp.mailfrom=paypal.example"
	delivered "Forged results"

	say "5. The same authgate on a hosting platform's shared relay (account ID newhost). A bakery moved its mail to this platform, but its DNS still carries the Domain Lockdown record of its previous host, _mailchannels.bakery.example TXT \"v=mc1 auth=oldhost\". Its web shop logs in as bakery-web and sends an order confirmation:"
	relay_send() {	# login sender subject [extra swaks args]
		login=$1 from=$2 subject=$3
		shift 3
		swaks_show --port 2527 --xclient-addr 192.0.2.80 \
		    --xclient-login "$login" --ehlo shop.bakery.example \
		    --from "$from" --header "Subject: $subject" "$@"
	}
	relay_send bakery-web orders@bakery.example "Order 1001"
	say "   The bakery changes the record to \"v=mc1 auth=newhost\" (nsd reloads the zone); the same message again:"
	bakery_zone 2 "v=mc1 auth=newhost"
	kill -HUP "$(cat "$DEMO/nsd.pid")"
	sleep 2
	relay_send bakery-web orders@bakery.example "Order 1002"
	delivered "Order 1002"
	say "   The web shop's login tries to send as another customer's address; the relay refuses it:"
	relay_send bakery-web billing@shop.example "Not ours"

	say "6. The DNS server stops. A server of shop.example not seen before (192.0.2.26, HELO mx2.shop.example) cannot be checked: authgate answers 451, try again later - never an unchecked accept:"
	kill "$(cat "$DEMO/nsd.pid")"
	sleep 1
	send 192.0.2.26 mx2.shop.example billing@shop.example "Unchecked"

	say "authgate's log (one summary line per message):"
	grep -v "starting" "$DEMO/authgate.log" | sed 's/^/    /'
	say "The relay's authgate log:"
	grep -v "starting" "$DEMO/relay.log" | sed 's/^/    /'

	if [ "$KEEP" = "--keep" ]; then
		say "Still running. In another shell, as root, try for example:"
		echo "    ip netns exec $(ip netns identify $$) swaks --server 127.0.0.1 --port 2525 \\"
		echo "        --xclient-addr 198.51.100.7 --from you@shop.example --to bob@rcpt.example"
		echo "    tail -f $DEMO/authgate.log"
		echo "Press Ctrl-C to stop."
		trap 'exit 0' INT TERM
		while :; do sleep 1; done
	fi
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (it installs packages and starts Postfix)"; exit 1; }
sh contrib/install-deps.sh
if [ ! -x build/milter/authgate ] || [ -n "$(find lib milter -newer build/milter/authgate -name '*.[ch]' 2>/dev/null | head -1)" ]; then
	echo "==== building authgate"
	[ -x configure ] || autoreconf -fi
	mkdir -p build
	[ -f build/Makefile ] || (cd build && "$SRC/configure" -q)
	make -C build -j"$(nproc)" milter/authgate >/dev/null
fi

getent group authgate >/dev/null || groupadd --system authgate
id authgate >/dev/null 2>&1 ||
    useradd --system --gid authgate --home-dir /nonexistent --shell /usr/sbin/nologin authgate
id -nG postfix | grep -qw authgate || usermod -a -G authgate postfix

DEMO=$(mktemp -d /tmp/authgate-demo.XXXXXX)
chmod 755 "$DEMO"
NS="authgate-demo-$$"
cleanup() {
	set +e
	ip netns del "$NS" 2>/dev/null
	rm -rf "/etc/netns/$NS" "$DEMO"
}
trap cleanup EXIT
ip netns add "$NS"
mkdir -p "/etc/netns/$NS"
echo "nameserver 127.0.0.1" > "/etc/netns/$NS/resolv.conf"
ip netns exec "$NS" sh "$SRC/contrib/demo.sh" --inner "$DEMO" "${1:-}"
