#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# PID 1 of the qemu backend's guest, started by the initramfs' switch_root
# on the read-only host root: mounts the bare system and the writable shares,
# runs tools/vm/guest.sh, leaves its exit status where the host looks for it
# and powers off. qemu exits 0 whatever happens in the guest, so the status
# file is the only verdict the host trusts.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LC_ALL=C.UTF-8

here=${0%/*}
mount -t proc proc /proc
# No CR before LF: the host keeps the console output as a log.
stty -onlcr 2>/dev/null

run_dir='' shares=''
for arg in $(</proc/cmdline); do
	case $arg in
	vmtest.run=*) run_dir=${arg#vmtest.run=} ;;
	vmtest.shares=*) shares=${arg#vmtest.shares=} ;;
	esac
done

# The shares go on top of the tmpfs mounts, so a build directory under /tmp
# stays visible. vmtest.shares=TAG:PATH,TAG:PATH, at their host paths.
mount -a -T "$here/fstab"
for share in ${shares//,/ }; do
	mkdir -p "${share#*:}" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=mmap "${share%%:*}" "${share#*:}" ||
		echo "vmtest: cannot mount the writable share ${share#*:}"
done

if [[ -n $run_dir && -d $run_dir ]]; then
	"$here/guest.sh" "$run_dir"
	echo $? >"$run_dir/status"
else
	echo "vmtest: the run directory '$run_dir' (vmtest.run=) is not in the guest"
fi
sync
# Debian's poweroff asks systemd, which is not running here.
busybox poweroff -f
echo o >/proc/sysrq-trigger
sleep 60
