# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# fluxtrace: `make` builds build/fluxtrace (with build/fluxtrace.bpf.o),
# `make check` runs every test, `make demo` shows a lab, `make bench` measures.

BUILD ?= build
ifeq ($(SANITIZE),1)
BUILD := build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CLANG ?= clang
BPFTOOL ?= bpftool
PKG_CONFIG ?= pkg-config
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null || echo $(shell uname -m)-linux-gnu)
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1)
PREFIX ?= /usr/local

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	  -Wno-unused-parameter -Iinclude -Iuser -I$(BUILD) -MMD -MP \
	  -DFT_VERSION='"$(VERSION)"' $(SAN_FLAGS) $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LDFLAGS += $(SAN_FLAGS)
LDLIBS := $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz -lmicrohttpd
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
	      -Ibpf -Iinclude -I/usr/include/$(MULTIARCH) -MMD -MP

BPF_OBJ := $(BUILD)/fluxtrace.bpf.o
SKEL := $(BUILD)/fluxtrace.skel.h
# user/ holds one folder per stage of the data's journey (README, "Where
# the code lives"); every .c below it is built.
USER_OBJS := $(patsubst user/%.c,$(BUILD)/user/%.o,$(wildcard user/*.c user/*/*.c))
LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
UNIT_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,\
	     $(wildcard tests/unit/*.c tests/unit/lib/*.c))
BIN := $(BUILD)/fluxtrace
UNIT_BIN := $(BUILD)/unit-tests

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all deps check unit integration e2e demo bench vmtest fuzz install deb clean run-check \
	run-demo run-bench run-vmtest

all: $(BIN) $(UNIT_BIN)

deps:
	$(Q)tools/deps.sh

$(BUILD)/bpf/%.tmp.o: bpf/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Linking through bpftool drops DWARF and checks the object the way libbpf will.
$(BUILD)/%.bpf.o: $(BUILD)/bpf/%.tmp.o
	$(call msg,LINK-BPF,$@)
	$(Q)$(BPFTOOL) gen object $@ $<

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/user/%.o: user/%.c $(SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/unit/%.o: tests/unit/%.c $(SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests/unit -c $< -o $@

$(BIN): $(USER_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcriterion -o $@

$(BUILD)/bpf:
	$(Q)mkdir -p $@

# The test suites: unit (criterion, incl. BPF programs through
# BPF_PROG_TEST_RUN), integration (namespaces, real traffic), e2e (labs).
# Packages first, then a fresh make that sees them (pkg-config flags are
# read when the Makefile is parsed), even under -j.
check demo bench vmtest:
	$(Q)tools/deps.sh $(if $(filter vmtest,$@),--vm)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory run-$@

run-check:
	$(Q)tools/include-graph.sh --check >/dev/null
	$(Q)tools/run-tests.sh $(BUILD)

unit: all
	$(Q)tools/run-tests.sh $(BUILD) unit

integration: all
	$(Q)tools/run-tests.sh $(BUILD) integration

e2e: all
	$(Q)tools/run-tests.sh $(BUILD) e2e

run-demo:
	$(Q)tools/lab/demo.sh $(BUILD)

# PEER_SRC=DIR: a checkout of netobserv-ebpf-agent, measured beside fluxtrace.
run-bench:
	$(Q)PEER_SRC="$(PEER_SRC)" tools/bench/run.sh $(BUILD)

run-vmtest:
	$(Q)tools/vmtest.sh $(BUILD)

# libFuzzer on the trace reader, FUZZ_SECONDS (default 60) long.
fuzz: deps
	$(Q)tools/fuzz.sh $(BUILD)

# The binary, the man page, the service (its ExecStart names this PREFIX) and
# the Prometheus alerting rules with their promtool tests.
# UNITDIR: /lib/systemd/system for a package, /etc/systemd/system by hand.
SYSCONFDIR ?= /etc
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,/etc/systemd/system)
install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/sbin/fluxtrace
	install -D -m 0644 tools/man/fluxtrace.8 $(DESTDIR)$(PREFIX)/share/man/man8/fluxtrace.8
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/sbin/fluxtrace|$(PREFIX)/sbin/fluxtrace|' tools/systemd/fluxtrace.service \
		>$(DESTDIR)$(UNITDIR)/fluxtrace.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/fluxtrace.service
	install -D -m 0644 tools/systemd/fluxtrace.default $(DESTDIR)$(SYSCONFDIR)/default/fluxtrace
	install -d $(DESTDIR)$(PREFIX)/share/fluxtrace/prometheus
	install -m 0644 tools/prometheus/fluxtrace.rules.yml tools/prometheus/fluxtrace.rules.test.yml \
		$(DESTDIR)$(PREFIX)/share/fluxtrace/prometheus/

# A Debian package of what `make install PREFIX=/usr` puts in place.
deb: $(BIN)
	$(Q)tools/deb/build.sh $(BUILD)

clean:
	rm -rf build build-san

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d $(BUILD)/*/*/*/*.d)
