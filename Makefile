# SPDX-License-Identifier: GPL-2.0
#
# make              build module/ptun.ko against KDIR and userspace/ptun
# make deps         install everything with apt-get (idempotent)
# make check        every check and every test (see README.md)
# make check-vm     the VM suite on both Debian kernels
# make check-debug  the VM suite on the debug kernel (KASAN, lockdep, ...)
# make check-policy the route policy topology test (policy.sh)
# make style        checkpatch and sparse on module/
# make dkms-check   dkms add/build against every installed kernel, privately
# make regen        regenerate uapi header and policy tables from the spec
# make demo         a VM with two namespaces and ptun links
# make install / uninstall

# The running kernel's build tree when it exists, else the newest installed.
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -d $$d ] && echo $$d || \
	ls -1d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1)
KSRC ?= /var/cache/ptun/linux-source-6.12
PREFIX ?= /usr/local
DESTDIR ?=

CHECKPATCH = $(KSRC)/scripts/checkpatch.pl --no-tree --strict --show-types \
	--ignore FILE_PATH_CHANGES
MODULE_SRC = $(filter-out module/%.mod.c,$(wildcard module/*.c module/*.h))

.PHONY: all module tool clean deps check check-host check-vm check-debug check-data check-policy bench \
	style dkms-check regen regen-check demo install uninstall

all: module tool

module:
	@[ -n "$(KDIR)" ] && [ -d "$(KDIR)" ] || \
		{ echo "no kernel build tree: install headers (make deps) or set KDIR"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool:
	$(MAKE) -C userspace

clean:
	[ -z "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf build

deps:
	scripts/deps.sh

regen:
	KSRC=$(KSRC) scripts/regen.sh

# The committed generated files must be what the spec generates.
regen-check:
	KSRC=$(KSRC) scripts/regen.sh --check

# checkpatch on everything in module/; compat.h is the one place allowed
# to test LINUX_VERSION_CODE. Then sparse on every installed kernel.
style:
	$(CHECKPATCH) -q -f $(filter-out module/compat.h,$(MODULE_SRC))
	$(CHECKPATCH) -q --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f module/compat.h
	scripts/sparse.sh

dkms-check:
	scripts/dkms-check.sh

check-vm: tool
	selftests/vm/run-suite.sh debian

check-debug: tool
	selftests/vm/run-suite.sh debug

# Only the data-plane selftests (also part of make check), Debian kernels.
check-data: tool
	PTUN_TESTS=data selftests/vm/run-suite.sh debian

# The route policy end to end on a LAN/router/server topology (policy.sh),
# Debian kernels: not part of make check (it takes most of an hour).
check-policy: tool
	PTUN_TESTS=policy.sh selftests/vm/run-suite.sh debian

# A benchmark, not a test: one VM boot, see Documentation/performance.md.
bench: tool
	scripts/bench.sh

# Everything CI runs: see scripts/check.sh.
check:
	scripts/check.sh

demo:
	scripts/demo.sh

# Debian's headers report their upstream version as kernelrelease: install
# under the release the kernel itself reports (utsrelease.h), as DKMS does.
KREL = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

# Where make install puts things. With DESTDIR (staging for a package) the
# module goes under it too and depmod is left to the package's scripts;
# without, depmod runs for KDIR's release (under INSTALL_MOD_PATH if set).
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= /usr/share/bash-completion/completions
UNITDIR ?= /lib/systemd/system
INSTALL ?= install
MOD_ROOT = $(or $(INSTALL_MOD_PATH),$(DESTDIR))
# DESTDIR without INSTALL_MOD_PATH: staging, no depmod (Kbuild's neither).
STAGED = $(and $(DESTDIR),$(if $(INSTALL_MOD_PATH),,1))
DEPMOD_CMD = $(if $(STAGED),@echo "DESTDIR set: not running depmod",\
	depmod -a $(if $(MOD_ROOT),-b $(MOD_ROOT)) $(KREL))
MAN5 = $(wildcard Documentation/*.5)
# Kbuild may compress it (.ko.xz on Debian's 6.12).
MOD_BASE = $(MOD_ROOT)/lib/modules/$(KREL)/updates/module/ptun.ko
MOD_FILES = $(MOD_BASE) $(addprefix $(MOD_BASE),.gz .xz .zst)

install: all
	@[ -n "$(KREL)" ] || { echo "no kernel release for KDIR=$(KDIR)"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KREL) \
		INSTALL_MOD_PATH=$(MOD_ROOT) INSTALL_MOD_DIR=updates \
		$(if $(STAGED),DEPMOD=true) modules_install
	$(DEPMOD_CMD)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR)
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0644 Documentation/ptun.8 $(DESTDIR)$(MANDIR)/man8/ptun.8
	$(if $(MAN5),$(INSTALL) -d $(DESTDIR)$(MANDIR)/man5)
	$(foreach f,$(MAN5),$(INSTALL) -m 0644 $(f) $(DESTDIR)$(MANDIR)/man5/$(notdir $(f));)
	$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 0644 completion/ptun.bash $(DESTDIR)$(BASHCOMPDIR)/ptun
	$(INSTALL) -d $(DESTDIR)$(UNITDIR)
	sed 's|^\(Exec[A-Za-z]*=-\?\)ptun |\1$(SBINDIR)/ptun |' systemd/ptun@.service \
		> $(DESTDIR)$(UNITDIR)/ptun@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ptun@.service

# Removes what install installed, and nothing else.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ptun
	rm -f $(DESTDIR)$(MANDIR)/man8/ptun.8
	$(if $(MAN5),rm -f $(foreach f,$(MAN5),$(DESTDIR)$(MANDIR)/man5/$(notdir $(f))))
	rm -f $(DESTDIR)$(BASHCOMPDIR)/ptun
	rm -f $(DESTDIR)$(UNITDIR)/ptun@.service
	@[ -n "$(KREL)" ] || { echo "no kernel release for KDIR=$(KDIR)"; exit 1; }
	rm -f $(MOD_FILES)
	$(DEPMOD_CMD)
