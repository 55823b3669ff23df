#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Build the tiny initramfs of `make vmtest`'s qemu backend:
#   tools/vm/mkinitramfs.sh KVER OUT
# It holds a static busybox, the virtio/9p modules of kernel KVER (from this
# host's /lib/modules; none when they are built in) and an /init that mounts
# the host root over 9p and switch_roots into the guest init named on the
# kernel command line. The output is an uncompressed cpio: no decompression
# under TCG.
set -euo pipefail

usage() { echo "usage: $0 KVER OUT" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
kver=$1
out=$2
busybox=${BUSYBOX:-/bin/busybox}

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[[ -x $busybox ]] || die "no $busybox; install busybox-static (tools/deps.sh --vm)"
# The initramfs has no libc: busybox must be the static build.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static (tools/deps.sh --vm)"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$root/bin/busybox"
# init's stdio before devtmpfs is mounted.
mknod -m 0600 "$root/dev/console" c 5 1
for applet in sh mount umount insmod switch_root poweroff cat sleep echo; do
	ln -s busybox "$root/bin/$applet"
done

# Modules in load order, each once; compressed ones are unpacked because
# busybox insmod takes plain .ko files only.
: >"$root/modules"
if [[ -d /lib/modules/$kver ]]; then
	deps=$(modprobe -S "$kver" -a --show-depends virtio_pci 9pnet_virtio 9p) ||
		die "modprobe cannot resolve virtio_pci/9pnet_virtio/9p for $kver"
	while read -r ko; do
		name=$(basename "$ko")
		case $ko in
		*.ko.xz)  xz -dc "$ko" >"$root/lib/modules/${name%.xz}"; name=${name%.xz} ;;
		*.ko.zst) zstd -qdc "$ko" >"$root/lib/modules/${name%.zst}"; name=${name%.zst} ;;
		*.ko.gz)  gzip -dc "$ko" >"$root/lib/modules/${name%.gz}"; name=${name%.gz} ;;
		*)        cp "$ko" "$root/lib/modules/$name" ;;
		esac
		echo "$name" >>"$root/modules"
	done < <(awk '$1 == "insmod" && !seen[$2]++ { print $2 }' <<<"$deps")
else
	echo "mkinitramfs: no /lib/modules/$kver: assuming virtio and 9p are built in" >&2
fi

cat >"$root/init" <<'EOF'
#!/bin/sh
# Stage 1 of the vmtest guest: load virtio/9p, mount the host root read-only,
# hand over to the guest init.
fail() {
	echo "vmtest-initramfs: $*"
	poweroff -f
	sleep 60
}
mount -t proc proc /proc
mount -t devtmpfs dev /dev
while read -r m; do
	insmod "/lib/modules/$m" || echo "vmtest-initramfs: insmod $m failed"
done </modules

init=
for arg in $(cat /proc/cmdline); do
	case $arg in
	vmtest.init=*) init=${arg#vmtest.init=} ;;
	esac
done
[ -n "$init" ] || fail "no vmtest.init= on the kernel command line"

mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose /dev/root /newroot ||
	fail "cannot mount the host root over 9p (virtio/9p modules missing for $(cat /proc/sys/kernel/osrelease)?)"
[ -x "/newroot$init" ] || fail "guest init $init is not executable"
umount /proc
umount /dev
exec switch_root /newroot "$init"
EOF
chmod 0755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) \
	>"$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
