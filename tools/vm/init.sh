#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# PID 1 of the qemu backend's guest, started by the initramfs' switch_root:
# runs tools/vm/guest.sh, leaves its exit status where the host looks for it
# and powers off. qemu exits 0 whatever happens in the guest, so the status
# file is the only verdict the host trusts.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LC_ALL=C.UTF-8

mount -t proc proc /proc
run_dir=
for arg in $(</proc/cmdline); do
	[[ $arg == vmtest.run=* ]] && run_dir=${arg#vmtest.run=}
done

# No CR before LF: the host keeps the console output as a log.
stty -onlcr 2>/dev/null

if [[ -n $run_dir && -d $run_dir ]]; then
	"$(dirname "$0")/guest.sh" "$run_dir"
	echo $? >"$run_dir/status"
else
	echo "vmtest: no run directory '$run_dir' in the guest (vmtest.run= on the kernel command line)"
fi
sync
# Debian's poweroff asks systemd, which is not running here.
busybox poweroff -f
echo o >/proc/sysrq-trigger
sleep 60
