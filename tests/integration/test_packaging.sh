#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# What an SRE installs: the man page is clean (mandoc -Tlint) and lists
# exactly the options of --help; `make install` puts the binary, the man
# page, the service and its settings in place, and systemd-analyze verify
# finds nothing to say about the service; `make deb` packages them with the
# library packages the binary links as Depends; the Prometheus rules are
# installed and their promtool tests pass where they are installed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FT_BUILD:-$top/build}
FLUXTRACE=${FLUXTRACE:-$build/fluxtrace}
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*" >&2; exit 77; }
for t in mandoc systemd-analyze dpkg-deb dpkg-shlibdeps; do
	command -v $t >/dev/null || skip "needs $t (run 'make deps')"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
man=$top/tools/man/fluxtrace.8

lint=$(mandoc -Tlint -W warning "$man" 2>&1) || true
[[ -z $lint ]] || fail "mandoc -Tlint: $lint"

# Long options of --help and of the man page's OPTIONS section, sorted.
"$FLUXTRACE" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' |
	sort -u >"$work/help"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$man" | grep -E '^\.(B|BR|BI) ' | sed 's/\\-/-/g' |
	grep -oE -- '--[a-z-]+' | sort -u >"$work/man"
[[ -s $work/help ]] || fail "no options read from --help"
diff -u "$work/help" "$work/man" >"$work/diff" ||
	fail "the man page and --help list different options (- help, + man): $(cat "$work/diff")"

# make install into a scratch prefix: the unit's ExecStart follows PREFIX.
make -s -C "$top" install BUILD="$build" PREFIX="$work/usr" UNITDIR="$work/units" \
	SYSCONFDIR="$work/etc" >/dev/null
rules=usr/share/fluxtrace/prometheus
for f in usr/sbin/fluxtrace usr/share/man/man8/fluxtrace.8 units/fluxtrace.service \
	 etc/default/fluxtrace $rules/fluxtrace.rules.yml $rules/fluxtrace.rules.test.yml; do
	[[ -f $work/$f ]] || fail "make install did not install $f"
done
grep -q "^ExecStart=$work/usr/sbin/fluxtrace " "$work/units/fluxtrace.service" ||
	fail "the installed unit does not run the installed binary"
out=$(systemd-analyze verify --man=no "$work/units/fluxtrace.service" 2>&1) ||
	fail "systemd-analyze verify: $out"
[[ -z $out ]] || fail "systemd-analyze verify has remarks: $out"
for cap in CAP_BPF CAP_PERFMON CAP_NET_ADMIN; do
	grep -q "^AmbientCapabilities=.*$cap" "$work/units/fluxtrace.service" &&
		grep -q "^CapabilityBoundingSet=.*$cap" "$work/units/fluxtrace.service" ||
		fail "the unit does not grant $cap"
done
grep -qE '^(AmbientCapabilities|CapabilityBoundingSet)=.*CAP_SYS_ADMIN' \
	"$work/units/fluxtrace.service" && fail "the unit grants CAP_SYS_ADMIN"
if command -v promtool >/dev/null; then
	out=$(promtool test rules "$work/$rules/fluxtrace.rules.test.yml" 2>&1) ||
		fail "promtool test rules on the installed rules: $out"
fi

# make deb: the files, a conffile, and the linked libraries' packages.
deb=$(make -s -C "$top" deb BUILD="$build" | sed -n 's/^deb: \([^ ]*\.deb\) .*/\1/p')
[[ -f $deb ]] || fail "make deb made no package"
dpkg-deb -c "$deb" | awk '{ print $6 }' >"$work/files"
for f in ./usr/sbin/fluxtrace ./usr/share/man/man8/fluxtrace.8.gz \
	 ./lib/systemd/system/fluxtrace.service ./etc/default/fluxtrace \
	 ./$rules/fluxtrace.rules.yml ./$rules/fluxtrace.rules.test.yml; do
	grep -qx "$f" "$work/files" || fail "$deb lacks $f"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/default/fluxtrace || fail "no conffile"
depends=$(dpkg-deb -f "$deb" Depends)
for pkg in libbpf1 zlib1g libmicrohttpd12; do
	[[ $depends == *"$pkg "* || $depends == *"$pkg," || $depends == *"$pkg" ]] ||
		fail "Depends lacks $pkg: $depends"
done
rm -f "$deb"
echo ok
