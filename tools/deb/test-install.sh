#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# CI, as root on a scratch machine: build the package, install it with apt
# (which brings its Depends), run the installed fluxtrace --check and a lab
# with it, then purge it and check that nothing it installed is left.
#   tools/deb/test-install.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath -m "${1:-build}")
fail() { echo "deb-install: FAIL: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (it installs a package)"
dpkg-query -W -f='${Status}' fluxtrace 2>/dev/null | grep -q 'ok installed' &&
	fail "a fluxtrace package is already installed; remove it first"
deb=$(tools/deb/build.sh "$build" | sed -n 's/^deb: \([^ ]*\.deb\) .*/\1/p')
[[ -f $deb ]] || fail "no package built"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }')

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
trap 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq fluxtrace >/dev/null 2>&1 || true' EXIT
[[ $(command -v fluxtrace) == /usr/sbin/fluxtrace ]] || fail "fluxtrace is not /usr/sbin/fluxtrace"
/usr/sbin/fluxtrace --check >/dev/null || fail "the installed fluxtrace --check failed"
man -w fluxtrace >/dev/null 2>&1 || [[ -f /usr/share/man/man8/fluxtrace.8.gz ]] ||
	fail "no man page installed"
FT_BIN=/usr/sbin/fluxtrace FLUXTRACE=/usr/sbin/fluxtrace FT_BUILD=$build FT_TOP=$PWD \
	bash tests/e2e/test_asym.sh >/tmp/deb-install-lab.log 2>&1 ||
	{ tail -n 30 /tmp/deb-install-lab.log; fail "a lab with the installed binary failed"; }

DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq fluxtrace >/dev/null
trap - EXIT
dpkg-query -W -f='${Status}' fluxtrace 2>/dev/null | grep -q 'installed' &&
	fail "the package is still installed after purge"
for f in $files; do
	[[ -e $f ]] && fail "$f is left after purge"
done
rm -f "$deb"
echo "deb-install: $(basename "$deb") installed, traced a lab, purged cleanly"
