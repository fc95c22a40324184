#!/bin/sh
# install-deps.sh - install, with apt-get, everything authgate needs on
# Debian 12 to build, run, demonstrate and test. Run as root. Idempotent:
# when every package is there it does nothing.
#
# Postfix is preseeded with "No configuration", so installing it does not
# set up or start a system mail server; the demo and the tests run their
# own private instance. No service is started while installing (a
# temporary policy-rc.d): the tests start their own redis-server too.
# prometheus is there for promtool, which checks the /metrics page;
# postgresql for the DMARC report store a fleet shares (its own server,
# started by the test).
set -eu

BUILD="build-essential autoconf automake autoconf-archive pkg-config
	libmilter-dev libspf2-dev libopendkim-dev libopendmarc-dev
	libc-ares-dev libconfuse-dev libpsl-dev publicsuffix libidn2-dev
	libhiredis-dev libsystemd-dev libmicrohttpd-dev libsqlite3-dev libpq-dev
	zlib1g-dev libssl-dev"
TEST="libcmocka-dev libjansson-dev libyaml-dev nsd miltertest postfix python3
	python3-dkim python3-authres python3-nacl iproute2 clang libclang-rt-14-dev redis-server
	debhelper dpkg-dev lintian prometheus curl libmail-dmarc-perl
	libxml2-utils postgresql"
DEMO="swaks"
PACKAGES=$(echo $BUILD $TEST $DEMO)

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing:$missing" >&2
	echo "install-deps: run as root to install them" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
apt-get update -q
# the tests start their own redis-server on a port of their own: keep
# the package from starting (and leaving running) a system-wide one
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
fi
status=0
apt-get install -y -q --no-install-recommends $missing || status=$?
[ -z "$policy" ] || rm -f "$policy"
exit $status
