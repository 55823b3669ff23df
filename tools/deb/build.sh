#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# `make deb`: a Debian package of `make install PREFIX=/usr` (binary, man
# page, systemd unit, /etc/default/fluxtrace as a conffile, Prometheus
# alerting rules in /usr/share/fluxtrace/prometheus). Its Depends are
# the library packages the binary links, as dpkg-shlibdeps finds them.
#   tools/deb/build.sh [BUILD]   -> BUILD/fluxtrace_VERSION_ARCH.deb
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath -m "${1:-build}")

die() { echo "deb: $*" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps; do
	command -v $tool >/dev/null || die "no $tool; run 'make deps' (dpkg-dev)"
done
[[ -x $build/fluxtrace ]] || die "no $build/fluxtrace; run make first"

# Debian versions sort: 0.1 for a tagless tree, then +gitN.HASH for commits.
desc=$(git describe --tags --always --dirty 2>/dev/null || echo 0.1)
if [[ $desc =~ ^v?([0-9][0-9.]*)(-([0-9]+)-g([0-9a-f]+))?(-dirty)?$ ]]; then
	version=${BASH_REMATCH[1]}${BASH_REMATCH[3]:++git${BASH_REMATCH[3]}.${BASH_REMATCH[4]}}
else
	version=0.1+git$(git rev-list --count HEAD 2>/dev/null || echo 0).${desc%-dirty}
fi
[[ $desc == *-dirty ]] && version+=.dirty
arch=$(dpkg --print-architecture)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
make --no-print-directory -s install BUILD="$build" DESTDIR="$stage" PREFIX=/usr >/dev/null
gzip -9n "$stage/usr/share/man/man8/fluxtrace.8"
install -d "$stage/usr/share/doc/fluxtrace"
cat >"$stage/usr/share/doc/fluxtrace/copyright" <<'COPY'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: fluxtrace

Files: *
License: LGPL-2.1 or BSD-2-Clause
 On Debian systems the LGPL-2.1 is in /usr/share/common-licenses/LGPL-2.1.
COPY

# dpkg-shlibdeps reads debian/control from where it runs.
mkdir -p "$work/debian"
printf 'Source: fluxtrace\n\nPackage: fluxtrace\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$stage/usr/sbin/fluxtrace" 2>/dev/null |
	  sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || die "dpkg-shlibdeps found no dependencies for $build/fluxtrace"

install -d "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CTRL
Package: fluxtrace
Version: $version
Architecture: $arch
Maintainer: fluxtrace developers <fluxtrace@localhost>
Section: net
Priority: optional
Depends: $depends
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Homepage: https://localhost/fluxtrace
Description: return-path asymmetry and ARP flux, seen from the kernel
 fluxtrace attaches BPF programs to tc (or XDP) and the neighbour tracepoints
 and reports, per flow, return-path and next-hop mismatches, one-way flows
 with the stack's drop reason, multipath and ICMP errors; per address,
 duplicate owners, ARP flux and flapping neighbour entries. Each finding
 names the sysctl or route to check. Includes a sandboxed systemd service
 (not enabled by default: systemctl enable --now fluxtrace) and Prometheus
 alerting rules (/usr/share/fluxtrace/prometheus/fluxtrace.rules.yml).
CTRL
echo /etc/default/fluxtrace >"$stage/DEBIAN/conffiles"
# The service is not enabled on install: attaching to every interface of a
# production host is the administrator's decision.
for script in postinst postrm; do
	cat >"$stage/DEBIAN/$script" <<'SH'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
SH
	chmod 0755 "$stage/DEBIAN/$script"
done
cat >"$stage/DEBIAN/prerm" <<'SH'
#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then
	systemctl stop fluxtrace.service >/dev/null 2>&1 || true
fi
SH
chmod 0755 "$stage/DEBIAN/prerm"

out=$build/fluxtrace_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "deb: $out (Depends: $depends)"
