# sysctl-guard - see README.md. `make help` lists the targets.

# ---- variables ----
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   := $(PREFIX)/bin
DATADIR  := $(PREFIX)/share/sysctl-guard
LENSDIR  := $(DATADIR)/lenses
POLICYDIR:= $(DATADIR)/policies
CATALOGDIR:= $(DATADIR)/catalog
MANDIR   := $(PREFIX)/share/man/man1

CC       ?= cc
PKGS     := augeas libxml-2.0 libcjson libarchive
CFLAGS   ?= -O2 -g
WARN     := -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
# libarchive is not linked: bootimg.c loads it when an image needs it.
PKG_LIBS   = -Wl,--as-needed -Wl,-O1 \
             $(shell pkg-config --libs $(filter-out libarchive,$(PKGS)))
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -DSG_LENSDIR='"$(LENSDIR)"' \
             -DSG_POLICYDIR='"$(POLICYDIR)"' -DSG_SRCDIR='"$(CURDIR)"' \
             -I$(B)
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all

B        := build
# The core (base: utilities; kernel: versions, the key catalog; tree:
# reading a tree into its model; judge: policies, findings) and the remedy
# (planning, writing): the library every front end and unit test links.
CORE_DIRS:= plugin/core/base plugin/core/kernel plugin/core/tree \
            plugin/core/judge plugin/remedy
CORE_SRC := $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c))
# What the unit tests and fuzz targets include by name.
CORE_INC := $(addprefix -I,$(CORE_DIRS))
# The run (one run as data) and its views: a library of their own, which
# the front ends and the views' unit test link.
VIEWS_SRC:= $(wildcard plugin/run/*.c plugin/views/*.c plugin/report/*.c)
CLI_SRC  := $(wildcard plugin/cli/*.c plugin/cli/plan/*.c plugin/ansible/*.c \
            plugin/data/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# The lens and the shipped policies, built into the binary (embedded.c).
EMBED    := lenses/sysctl_guard.aug policies/policy.rng $(wildcard policies/*.xml) \
            catalog/keys.tsv catalog/history.tsv catalog/docs.tsv
EMBED_INC:= $(B)/embedded.inc
# The functions every sh plan defines (plugin/cli/plan/sh.c builds it in).
PLAN_SH  := plugin/cli/plan/functions.sh

BIN      := $(B)/sysctl-guard
# The Ansible module: the binary under the module's name, its docs beside it.
MODULE   := $(B)/ansible/sysctl_guard
ASAN_BIN := $(B)/asan/sysctl-guard
UNIT     := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
ASAN_UNIT:= $(UNIT_SRC:tests/unit/%.c=$(B)/asan/unit/%)

.PHONY: all deps deps-test run test test-layers test-unit test-catalog catalog catalog-defaults verify-catalog test-lens test-cases test-valgrind test-policy \
        test-fix test-plan test-cli test-live test-first-screen test-report test-integration test-ansible test-salt \
        test-precommit test-sarif test-lint screenshot \
        install uninstall \
        bench fuzz clean help

# ---- build ----
all: $(BIN) $(MODULE)

# The Ansible module: a text header (ansible-doc -l reads its stub) and
# the binary after it (scripts/module.sh).
$(MODULE): $(BIN) plugin/ansible/sysctl_guard.sh plugin/ansible/sysctl_guard.yml \
           scripts/module.sh
	@mkdir -p $(B)/ansible
	sh scripts/module.sh plugin/ansible/sysctl_guard.sh \
	    plugin/ansible/sysctl_guard.yml $(BIN) $@
	cp plugin/ansible/sysctl_guard.yml $(B)/ansible/

# The shipped policies are validated here, once: the binary trusts these
# exact bytes (embedded.c sg_embedded_trusted) and validates every other.
$(EMBED_INC): $(EMBED) | $(B)
	@xmllint --noout --relaxng policies/policy.rng $(filter policies/%.xml,$(EMBED)) \
	    2>$@.log || { cat $@.log; rm -f $@.log; exit 1; }; rm -f $@.log
	@i=0; for f in $(EMBED); do i=$$((i+1)); \
	    printf 'SG_EMBED("%s", "%s", "%s", sg_blob%d)\n' "$${f%%/*}" \
	        "$${f##*/}" "$(CURDIR)/$$f" $$i; done >$@

# The shipped policies as the loader leaves them (policy_image.h), made by
# the loader itself from the files embedded.inc carries: a run whose
# policies are those files reads this instead of their XML.
POLICY_IMG := $(B)/policies.img
POLICY_IMG_INC := $(B)/policy_image.inc
$(POLICY_IMG): $(B)/policy-image policies/policy.rng $(wildcard policies/*.xml)
	$(B)/policy-image $@ policies/policy.rng policies
$(POLICY_IMG_INC): $(POLICY_IMG)
	printf 'SG_POLICY_IMAGE("%s")\n' "$(CURDIR)/$(POLICY_IMG)" >$@

# The catalog's rows as C: the binary carries them parsed.
CATALOG_INC := $(B)/catalog_rows.inc
CATALOG_REL_INC := $(B)/catalog_relations.inc $(B)/catalog_defaults.inc
$(CATALOG_INC): catalog/keys.tsv scripts/catalog/tsv2c.awk | $(B)
	awk -f scripts/catalog/tsv2c.awk catalog/keys.tsv >$@.tmp && mv $@.tmp $@
# relations.tsv and defaults.tsv likewise (rel2c.awk, def2c.awk)
$(B)/catalog_relations.inc: catalog/keys.tsv catalog/relations.tsv \
    scripts/catalog/series.awk scripts/catalog/rel2c.awk | $(B)
	awk -f scripts/catalog/series.awk -f scripts/catalog/rel2c.awk \
	    catalog/keys.tsv catalog/relations.tsv \
	    >$@.tmp && mv $@.tmp $@
$(B)/catalog_defaults.inc: catalog/keys.tsv catalog/defaults.tsv \
    scripts/catalog/series.awk scripts/catalog/def2c.awk | $(B)
	awk -f scripts/catalog/series.awk -f scripts/catalog/def2c.awk \
	    catalog/keys.tsv catalog/defaults.tsv \
	    >$@.tmp && mv $@.tmp $@

# Every source is compiled once per variant (plain, ASan+UBSan) into
# build/obj and build/asan/obj; the core is one static library per variant
# that the binary and every unit test link. -MMD: each object's header
# dependencies (build/**/*.d).
CORE_OBJ := $(CORE_SRC:%.c=$(B)/obj/%.o)
VIEWS_OBJ:= $(VIEWS_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/obj/%.o)
ASAN_CORE_OBJ := $(CORE_SRC:%.c=$(B)/asan/obj/%.o)
ASAN_VIEWS_OBJ:= $(VIEWS_SRC:%.c=$(B)/asan/obj/%.o)
ASAN_CLI_OBJ  := $(CLI_SRC:%.c=$(B)/asan/obj/%.o)
CORE_LIB := $(B)/libsgcore.a
VIEWS_LIB:= $(B)/libsgviews.a
ASAN_CORE_LIB := $(B)/asan/libsgcore.a
ASAN_VIEWS_LIB:= $(B)/asan/libsgviews.a

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/asan/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -MMD -MP -c -o $@ $<

# What the compiler's -MMD cannot see: .incbin'd files and generated .inc.
$(B)/obj/plugin/data/embedded.o $(B)/asan/obj/plugin/data/embedded.o: \
    $(EMBED) $(EMBED_INC) $(CATALOG_INC) $(CATALOG_REL_INC) $(POLICY_IMG_INC)
$(B)/obj/plugin/cli/plan/sh.o $(B)/asan/obj/plugin/cli/plan/sh.o: $(PLAN_SH)

$(CORE_LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# The policy image's generator: the core library's loader (below CORE_LIB's
# definition, which a prerequisite needs when the rule is read).
$(B)/policy-image: scripts/policy_image.c $(CORE_LIB) | $(B)
	$(CC) $(ALL_CFLAGS) $(CORE_INC) -o $@ $< $(CORE_LIB) $(PKG_LIBS)

$(ASAN_CORE_LIB): $(ASAN_CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(VIEWS_LIB): $(VIEWS_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(ASAN_VIEWS_LIB): $(ASAN_VIEWS_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(VIEWS_LIB) $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(VIEWS_LIB) $(CORE_LIB) $(PKG_LIBS)

$(ASAN_BIN): $(ASAN_CLI_OBJ) $(ASAN_VIEWS_LIB) $(ASAN_CORE_LIB)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $(ASAN_CLI_OBJ) $(ASAN_VIEWS_LIB) $(ASAN_CORE_LIB) $(PKG_LIBS)

$(B)/unit/%: tests/unit/%.c $(VIEWS_LIB) $(CORE_LIB)
	@mkdir -p $(B)/unit
	$(CC) $(ALL_CFLAGS) -MMD -MP $(CORE_INC) -o $@ $< $(VIEWS_LIB) $(CORE_LIB) $(PKG_LIBS)

$(B)/asan/unit/%: tests/unit/%.c $(ASAN_VIEWS_LIB) $(ASAN_CORE_LIB)
	@mkdir -p $(B)/asan/unit
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -MMD -MP $(CORE_INC) -o $@ $< $(ASAN_VIEWS_LIB) $(ASAN_CORE_LIB) $(PKG_LIBS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

$(B):
	@mkdir -p $(B)

# What building and running need (a compiler, pkg-config, the libraries'
# -dev packages); deps-test adds what the tests need (scripts/deps.sh).
deps:
	@sh scripts/deps.sh build

deps-test:
	@sh scripts/deps.sh test

# Install what is missing, build, and check this machine: findings (exit
# 1) are the answer, not a failure of `make run`; exit 2 is.
run: deps
	@$(MAKE) --no-print-directory all
	./$(BIN) check || [ $$? -eq 1 ]

# ---- test ----
test: deps-test
	@$(MAKE) --no-print-directory -j2 all $(ASAN_BIN) $(UNIT) $(ASAN_UNIT)
	@$(MAKE) --no-print-directory test-layers test-lens test-unit test-catalog test-policy \
	    test-valgrind test-cases test-fix test-plan test-cli test-live test-report \
	    test-integration test-first-screen

# The house's shape: #include arrows run down the flow (front ends -> run
# -> views -> remedy, report, data -> core: judge -> tree -> kernel ->
# base), and no modules form a circle.
test-layers:
	python3 tests/layers/run.py

# The catalog generator on synthetic kernel sources (tests/catalog).
test-catalog:
	python3 tests/catalog/test_gen.py

# Regenerate catalog/keys.tsv from Debian's kernel source packages
# (catalog/README.md; downloads ~0.8 GB, unpacks ~6 GB under build/catalog).
catalog:
	sh scripts/catalog/regen.sh

# Boot the Debian kernels under QEMU twice each (a small and a large
# machine) for catalog/defaults.tsv, the boot values both agree on.
catalog-defaults:
	sh scripts/catalog/defaults.sh

# Boot the Debian kernels under QEMU and compare them with the catalog
# (catalog/VERIFY.md); after `make catalog`.
verify-catalog:
	sh scripts/catalog/verify/all.sh

test-lens:
	augparse -I lenses tests/lens/test_sysctl_guard.aug
	@echo "lens: augparse tests passed"

test-unit: $(UNIT) $(ASAN_UNIT)
	@set -e; for t in $(UNIT) $(ASAN_UNIT); do \
	    echo "== $$t"; SYSCTL_GUARD_LENSDIR=lenses \
	    SYSCTL_GUARD_POLICYDIR=policies $$t; done

# valgrind finds what ASan+UBSan do not: reads of uninitialised memory
# (and leaks at exit). The ASan+UBSan binary runs every case tree in every
# suite; valgrind runs the unit tests and one tree per code path of the
# binary: the famous advice and real package trees (every rule pack), bad
# files, line ends, Latin-1, CRLF, odd spellings, slash keys, globs, "-"
# prefixes, masking, merged /usr, absolute symlinks, a package's winner,
# /proc/sys read live, the catalog's rules (module, value, history), the
# two semantics disagreeing, sysctl.conf under procps, edits that plans
# and fixes write (UTF-8 and not), files that are no *.conf, duplicates.
VALGRIND := valgrind -q --error-exitcode=9 --leak-check=full \
             --errors-for-leak-kinds=definite
VALGRIND_TREES := check-famous-advice check-stock-debian12 stock-ubuntu2204 \
    source-cmdline-show \
    bad-files line-endings latin1-text check-crlf-inline key-has-blank \
    check-odd-spellings slash-keys globs dash-prefix precedence-masking \
    lib-merged-usr dir-symlinks-absolute check-vendor-winner live \
    rule-key-unknown-live rule-key-module-not-loaded rule-value-rejected \
    rule-key-missing-history rule-semantics-disagree sysctl-conf-linked-procps \
    plan-edits plan-edits-latin1 fix-vendor-winner fix-exposed-lower \
    non-conf-files duplicates
VALGRIND_SARIF := check-famous-advice line-endings latin1-text \
    fix-vendor-winner fix-exposed-lower rule-key-module-not-loaded plan-edits-latin1
test-valgrind: $(UNIT) $(BIN)
	@set -e; for t in $(UNIT); do \
	    SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies \
	        $(VALGRIND) $$t >/dev/null; done; \
	for n in $(VALGRIND_TREES); do c=tests/cases/$$n/root; \
	    [ -d $$c ] || { echo "valgrind: no case tree $$c"; exit 1; }; \
	    for cmd in show check; do \
	    SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies \
	        $(VALGRIND) ./$(BIN) $$cmd --kernel 6.1 \
	        --live --format json --root $$c >/dev/null 2>&1 || \
	    [ $$? -ne 9 ] || { echo "valgrind: errors on $$cmd $$c"; exit 1; }; \
	done; done
	@set -e; for n in $(VALGRIND_SARIF); do c=tests/cases/$$n/root; \
	    SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies \
	        $(VALGRIND) ./$(BIN) check --kernel 6.1 --format sarif \
	        --root $$c >/dev/null 2>&1 || \
	    [ $$? -ne 9 ] || { echo "valgrind: errors on sarif $$c"; exit 1; }; \
	done
	@set -e; r=examples/roots/time-wait-advice; \
	for f in salt stateful; do \
	    SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies \
	        $(VALGRIND) ./$(BIN) fix --dry-run --kernel 6.1 --format $$f \
	        --root $$r >/dev/null 2>&1 || \
	    { echo "valgrind: errors on fix --format $$f"; exit 1; }; done; \
	a=$$(mktemp); printf '{"root": "%s", "kernel": "6.1", "state": "fixed", "_ansible_check_mode": true, "_ansible_diff": true}' "$$r" >$$a; \
	SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies \
	    $(VALGRIND) ./$(BIN) $$a >/dev/null 2>&1 || [ $$? -ne 9 ] || \
	    { rm -f $$a; echo "valgrind: errors in module mode"; exit 1; }; rm -f $$a
	@set -e; d=$$(mktemp -d); cp $(BIN) $$d/sysctl_guard; \
	env -u SYSCTL_GUARD_LENSDIR -u SYSCTL_GUARD_POLICYDIR TMPDIR=$$d \
	    $(VALGRIND) $$d/sysctl_guard check --kernel 6.1 \
	    --root examples/roots/time-wait-advice >/dev/null 2>&1 || \
	    [ $$? -ne 9 ] || { rm -rf $$d; echo "valgrind: errors with the built-in data"; exit 1; }; \
	rm -rf $$d
	@set -e; for c in plan-edits plan-edits-latin1; do \
	    for e in sh ansible salt; do o=$$(mktemp -d); \
	    SYSCTL_GUARD_LENSDIR=lenses $(VALGRIND) ./$(BIN) plan --emit $$e \
	        --kernel 6.1 --policy tests/cases/plan-edits/policy.xml \
	        --output $$o/plan --root tests/cases/$$c/root >/dev/null 2>&1 || \
	    [ $$? -ne 9 ] || { rm -rf $$o; echo "valgrind: errors on plan --emit $$e $$c"; exit 1; }; \
	    rm -rf $$o; done; done
	@echo "valgrind: unit tests; show and check on $(words $(VALGRIND_TREES)) case trees, sarif on $(words $(VALGRIND_SARIF)); salt, stateful, module mode, built-in data, plan (sh, ansible, salt) clean"

test-policy: $(BIN) $(ASAN_BIN)
	sh tests/policy/run.sh ./$(BIN)
	sh tests/policy/run.sh ./$(ASAN_BIN)

test-fix: $(BIN) $(ASAN_BIN)
	python3 tests/fix/run.py ./$(BIN)
	python3 tests/fix/run.py ./$(ASAN_BIN)
	python3 tests/fix/attack.py ./$(BIN)
	python3 tests/fix/attack.py ./$(ASAN_BIN) --quick

test-cli: $(BIN)
	python3 tests/cli/run.py ./$(BIN)

test-plan: $(BIN)
	python3 tests/plan/run.py ./$(BIN)

# The README's Quick start block, line by line, as root in a fresh Debian
# 12 chroot (debootstrap, cached as a tarball in /var/cache/sysctl-guard-test,
# root's alone), from a clone.
test-first-screen:
	python3 tests/firstscreen/run.py

# check --live against a real kernel's reading of real values: the net.*
# lines of a corpus written in a network namespace of the test's own.
test-live: $(BIN) $(ASAN_BIN)
	python3 tests/live/run.py ./$(BIN) ./$(ASAN_BIN)

# The fleet report: case trees, module/callback/Salt inputs, baseline,
# malformed inputs; plain, ASan+UBSan and valgrind; then a real browser.
test-report: $(BIN) $(ASAN_BIN)
	python3 tests/report/run.py ./$(BIN) ./$(ASAN_BIN)
	python3 tests/report/run.py --valgrind ./$(BIN)
	python3 tests/report/browser.py ./$(BIN)

# The README's picture of the report: examples/report/fleet.sh's report of
# the sample fleet, as headless Chromium (no network) shows it.
screenshot: deps-test $(BIN)
	SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies \
	    sh examples/report/fleet.sh ./$(BIN) $(B)/fleet >/dev/null || [ $$? -eq 1 ]
	unshare -n chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	    --user-data-dir=$(B)/fleet/profile --window-size=1100,1500 \
	    --screenshot=$(CURDIR)/examples/report/fleet.png \
	    file://$(CURDIR)/$(B)/fleet/report.html 2>/dev/null

test-cases: $(BIN) $(ASAN_BIN)
	python3 tests/cases/run.py $(BIN) $(ASAN_BIN)

# Integrations: the real ansible-playbook and pre-commit; Salt's contracts;
# SARIF 2.1.0. The formats also run under ASan+UBSan.
test-integration: test-ansible test-salt test-precommit test-sarif test-lint

test-ansible: $(BIN) $(MODULE) $(ASAN_BIN)
	python3 tests/integration/ansible.py ./$(BIN)
	python3 tests/integration/ansible.py ./$(ASAN_BIN) --direct-only

test-salt: $(BIN) $(ASAN_BIN)
	python3 tests/integration/salt.py ./$(BIN)
	python3 tests/integration/salt.py ./$(ASAN_BIN)

test-precommit: $(BIN)
	python3 tests/integration/precommit.py ./$(BIN)

# yamllint (.yamllint) on every YAML shipped or emitted, ansible-lint
# --profile production on the Ansible examples and the plans.
test-lint: $(BIN) $(MODULE)
	python3 tests/integration/lint.py ./$(BIN)

test-sarif: $(BIN) $(ASAN_BIN)
	python3 tests/integration/sarif.py ./$(BIN)
	python3 tests/integration/sarif.py ./$(ASAN_BIN)

# ---- install ----
install: $(BIN) $(MODULE)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LENSDIR) $(DESTDIR)$(MANDIR) \
	    $(DESTDIR)$(POLICYDIR) $(DESTDIR)$(CATALOGDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/sysctl-guard
	install -m 0644 lenses/sysctl_guard.aug $(DESTDIR)$(LENSDIR)/
	install -m 0644 policies/*.xml policies/policy.rng $(DESTDIR)$(POLICYDIR)/
	install -m 0644 catalog/keys.tsv catalog/history.tsv catalog/docs.tsv catalog/defaults.tsv catalog/relations.tsv \
	    $(DESTDIR)$(CATALOGDIR)/
	install -m 0644 doc/sysctl-guard.1 $(DESTDIR)$(MANDIR)/
	install -d $(DESTDIR)$(DATADIR)/ansible
	install -m 0755 $(MODULE) $(DESTDIR)$(DATADIR)/ansible/sysctl_guard
	install -m 0644 plugin/ansible/sysctl_guard.yml $(DESTDIR)$(DATADIR)/ansible/
	install -d $(DESTDIR)$(DATADIR)/salt/_states
	install -m 0644 plugin/salt/_states/sysctl_guard.py \
	    $(DESTDIR)$(DATADIR)/salt/_states/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	./$(BIN) completion bash > \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sysctl-guard
	./$(BIN) completion zsh > \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sysctl-guard

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sysctl-guard $(DESTDIR)$(MANDIR)/sysctl-guard.1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sysctl-guard \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sysctl-guard
	rm -rf $(DESTDIR)$(DATADIR)

# ---- bench, fuzz ----
bench: deps-test $(BIN)
	python3 tests/bench/bench.py $(BIN)

FUZZ_SECS ?= 60
FUZZERS  := fuzz_parse fuzz_policy fuzz_catalog fuzz_source
FUZZ_CC  := clang -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
            -D_GNU_SOURCE -DSG_SRCDIR='"$(CURDIR)"' -DSG_LENSDIR='"$(LENSDIR)"' \
            -DSG_POLICYDIR='"$(POLICYDIR)"' $(CORE_INC)
# Run fuzzer $(1) for FUZZ_SECS on its corpus $(B)/fuzz/$(2), seeded from
# tests/fuzz/$(2), with libFuzzer options $(3) and the environment $(4).
# Its output goes to $(B)/fuzz/$(1).log (a crash's input beside it,
# $(1)-crash-*); one line says how many inputs ran and how fast (its
# final stats); a crash prints the end of the log and stops make.
FUZZ_DATA := SYSCTL_GUARD_LENSDIR=lenses SYSCTL_GUARD_POLICYDIR=policies
# What fuzz_module_args keeps from one run to the next (see its head).
FUZZ_ARGS_WRAP := -Wl,--wrap=sg_data_policies,--wrap=sg_policies_free \
                  -Wl,--wrap=sg_parser_new,--wrap=sg_parser_free
# One compiled copy of each of the lens's regular expressions for the
# whole run, which Augeas otherwise recompiles after every put (see its head).
FUZZ_MEMO := tests/fuzz/regex_memo.c
define fuzz_run
@mkdir -p $(B)/fuzz/$(2)
@$(4) $(B)/fuzz/$(1) -max_total_time=$(FUZZ_SECS) $(3) -print_final_stats=1 \
    -artifact_prefix=$(B)/fuzz/$(1)- $(B)/fuzz/$(2) tests/fuzz/$(2) \
    >$(B)/fuzz/$(1).log 2>&1 || { tail -n 40 $(B)/fuzz/$(1).log; \
    echo "fuzz: $(1) failed (log: $(B)/fuzz/$(1).log)"; exit 1; }
@awk '/^stat::number_of_executed_units:/ { n = $$2 } \
    /^stat::average_exec_per_sec:/ { e = $$2 } \
    END { printf "fuzz: %-17s %9d inputs in %s s, %6d exec/s\n", \
          "$(1)", n, "$(FUZZ_SECS)", e }' $(B)/fuzz/$(1).log
endef
fuzz: deps-test $(EMBED_INC) $(CATALOG_INC) $(CATALOG_REL_INC) $(POLICY_IMG_INC)
	@mkdir -p $(B)/fuzz
	@set -e; for f in $(FUZZERS); do \
	    $(FUZZ_CC) -o $(B)/fuzz/$$f tests/fuzz/$$f.c $(FUZZ_MEMO) $(CORE_SRC) \
	        $(PKG_LIBS); \
	done
	$(FUZZ_CC) -Iplugin/cli -o $(B)/fuzz/fuzz_config tests/fuzz/fuzz_config.c \
	    plugin/cli/config.c plugin/cli/trust.c $(CORE_SRC) $(PKG_LIBS)
	$(FUZZ_CC) -Iplugin/report -o $(B)/fuzz/fuzz_report tests/fuzz/fuzz_report.c \
	    $(wildcard plugin/report/*.c) plugin/views/fleet.c \
	    plugin/views/fleet_html.c $(CORE_SRC) $(PKG_LIBS)
	$(MAKE) --no-print-directory $(EMBED_INC)
	$(FUZZ_CC) -I$(B) -Dmain=sysctl_guard_main -o $(B)/fuzz/fuzz_module_args \
	    $(FUZZ_ARGS_WRAP) tests/fuzz/fuzz_module_args.c $(FUZZ_MEMO) $(CORE_SRC) \
	    $(VIEWS_SRC) $(CLI_SRC) $(PKG_LIBS)
	$(call fuzz_run,fuzz_parse,corpus,-max_len=4096,$(FUZZ_DATA))
	$(call fuzz_run,fuzz_policy,policy-corpus,-max_len=65536,$(FUZZ_DATA))
	$(call fuzz_run,fuzz_catalog,catalog-corpus,-max_len=8192,)
	$(call fuzz_run,fuzz_source,source-corpus,-max_len=4096,)
	$(call fuzz_run,fuzz_config,config-corpus,-max_len=4096 \
	    -dict=tests/fuzz/config.dict,)
	$(call fuzz_run,fuzz_report,report-corpus,-max_len=65536,)
	$(call fuzz_run,fuzz_module_args,args-corpus,-max_len=4096,$(FUZZ_DATA))

clean:
	rm -rf $(B)

help:
	@echo "make            build $(BIN)"
	@echo "make run        install missing packages, build, show this machine's sysctl config"
	@echo "make test       layers (include arrows), lens (augparse), unit (plain, ASan/UBSan, valgrind), catalog generator, policy, case,"
	@echo "                fix and plan tests (real ansible-playbook, sh, shellcheck), check --live against"
	@echo "                a real kernel in a network namespace of its own, the fleet report, the README's first screen in a fresh Debian 12 chroot,"
	@echo "                integrations (Ansible module, Salt, pre-commit, SARIF),"
	@echo "                yamllint and ansible-lint --profile production"
	@echo "make install    install to \$$DESTDIR\$$PREFIX (PREFIX=$(PREFIX))"
	@echo "make bench      time show on a host tree and a 1000-file tree vs augtool"
	@echo "make fuzz       libFuzzer: lens + model, policy loader + evaluation, catalog, project config, module args (FUZZ_SECS=$(FUZZ_SECS) each)"
	@echo "make deps       install the Debian packages building and running need (scripts/deps.sh)"
	@echo "make deps-test  ... and those the tests need (Ansible, Chromium, valgrind, Salt's python3 packages)"
	@echo "make catalog    regenerate catalog/keys.tsv from Debian kernel sources (catalog/README.md)"
	@echo "make catalog-defaults  catalog/defaults.tsv: Debian kernels booted under QEMU, small and large"
	@echo "make clean      remove build/"
