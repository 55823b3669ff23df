#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Install the Debian 12 packages fluxtrace needs to build, test and benchmark.
# Quiet and quick when everything is already there. `--vm` adds what
# `make vmtest` needs (a 6.1 kernel, qemu, busybox).
set -euo pipefail

packages=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libcriterion-dev pkg-config
	  make gcc iproute2 iputils-ping tcpdump socat python3 iperf3 netsniff-ng hping3
	  libmicrohttpd-dev valgrind libclang-rt-14-dev curl iptables nftables
	  mandoc dpkg-dev systemd util-linux prometheus)
vm_packages=(qemu-system-x86 busybox-static kmod)

want=("${packages[@]}")
if [[ "${1:-}" == --vm ]]; then
	want+=("${vm_packages[@]}")
	ls /boot/vmlinuz-6.1.*-amd64 >/dev/null 2>&1 || want+=(linux-image-amd64-6.1)
fi

missing=()
for p in "${want[@]}"; do
	[[ $p == linux-image-amd64-6.1 ]] && { missing+=("$p"); continue; }
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing packages: ${missing[*]}; run 'sudo make deps'" >&2
	exit 1
fi

# The newest Debian 12 6.1 kernel image for VM tests (installing it does not
# change what this machine boots into unless it is the newest kernel).
for i in "${!missing[@]}"; do
	if [[ ${missing[$i]} == linux-image-amd64-6.1 ]]; then
		apt-get update -qq
		missing[$i]=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
			      awk '{print $1}' | sort -V | tail -1)
	fi
done

echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# prometheus is here for its binaries: the tests run their own server, on
# loopback inside a lab's network namespace, with their own config. The
# service the package starts (every interface, :9090, no authentication)
# is stopped and disabled when this script installed it; a Prometheus that
# was installed before is the administrator's and left alone.
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
	if [[ -d /run/systemd/system ]]; then
		systemctl disable --now prometheus.service >/dev/null 2>&1 || true
	else
		update-rc.d prometheus disable >/dev/null 2>&1 || true
		/etc/init.d/prometheus stop >/dev/null 2>&1 || true
	fi
fi
