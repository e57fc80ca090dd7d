# Hotline - build, test, demo.
#
#   make              build/hotline and build/hotlined
#   make check        unit and integration tests, built with ASan+UBSan
#   make demo         two parties exchange an envelope
#   make fuzz         run every fuzz target for FUZZ_SECONDS (clang)
#   make bench        benchmarks (each beside the floor it measured)
#   make install      binaries, docs, man pages, console, service under PREFIX
#   make man          check the manual pages (docs/man/) with groff
#   make pot          refresh po/hotline.pot and merge it into po/*.po
#   make i18n         the console's catalogues from po/*.po
#
# Missing Debian packages are installed when run as root (tools/deps.sh).

O ?= build
SAN ?= 0
PKGS := libsodium sqlite3 libpq jansson libmicrohttpd libcurl gnutls liboath

ifeq ($(filter clean help man,$(MAKECMDGOALS)),)
DEPS_SETS := build $(if $(filter check unit,$(MAKECMDGOALS)),check) \
	$(if $(filter check,$(MAKECMDGOALS)),browser) $(if $(filter demo,$(MAKECMDGOALS)),demo)
DEPS_OK := $(shell tools/deps.sh $(DEPS_SETS) && echo ok)
ifneq ($(DEPS_OK),ok)
$(error missing dependencies, see above)
endif
endif

CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wno-missing-field-initializers
HL_CFLAGS := -std=c11 -D_GNU_SOURCE -fstack-protector-strong $(WARN) \
	-Isrc/core -Isrc/party -Isrc/store -Isrc/cli -Isrc/daemon -Isrc/desk \
	$(shell pkg-config --cflags $(PKGS))
LIBS := $(shell pkg-config --libs $(PKGS)) -lpthread
ifeq ($(SAN),1)
CFLAGS := -O1 -g -fno-omit-frame-pointer
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
# GCC's shared libubsan carries 6 MB of zeroed globals that LeakSanitizer
# reads through at every exit (1,400 page faults, a third of a short
# command's); linked in, UBSan brings only what it uses.  Clang links
# its sanitizers statically already and knows no such option.
SANFLAGS += $(shell $(CC) -static-libubsan -E -x c /dev/null >/dev/null 2>&1 && \
	echo -static-libubsan)
endif

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2)
endif

LIB_SRC := $(wildcard src/core/*.c src/party/*.c src/store/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
DAEMON_SRC := $(wildcard src/daemon/*.c src/desk/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
TOOL_SRC := $(wildcard tests/tools/*.c)
BENCH_SRC := $(wildcard bench/bench_*.c)
PRELOAD_SRC := $(wildcard tests/preload/*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(O)/%.o)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(O)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(O)/tests/tools/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(O)/bench/%)
PRELOAD_LIB := $(PRELOAD_SRC:tests/preload/%.c=$(O)/tests/preload/%.so)

PREFIX ?= /usr/local

# The message catalogues (po/LL.po), compiled beside the binaries so that
# a build tree runs translated; installed under PREFIX/share/locale.
LINGUAS := ar en es fr ru zh
MO := $(LINGUAS:%=$(O)/locale/%/LC_MESSAGES/hotline.mo)
$(O)/src/cli/i18n.o: HL_CFLAGS += -DHL_LOCALEDIR='"$(PREFIX)/share/locale"'

# The console's files (console/, served as they are) go under DATADIR,
# console.root's default.
DATADIR ?= $(PREFIX)/share
CONSOLE_FILES := $(shell find console -type f -name '[a-z0-9]*' 2>/dev/null)
$(O)/src/party/config.o: HL_CFLAGS += -DHL_DATADIR='"$(DATADIR)"'

.PHONY: all unit check demo fuzz bench clean help install man pot i18n
all: $(O)/hotline $(O)/hotlined $(MO)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) $(SANFLAGS) -MMD -MP -c $< -o $@

$(O)/libhotline.a: $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/hotline: $(CLI_OBJ) $(O)/libhotline.a
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/hotlined: $(DAEMON_OBJ) $(O)/libhotline.a
	$(call say,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(O)/libhotline.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< \
		$(O)/libhotline.a $(LIBS) $(shell pkg-config --libs cmocka)

# Unit tests of the desk (test_desk_*.c) link the daemon's objects but
# its main, as hotlined does.
DESK_TEST_OBJ := $(filter-out $(O)/src/daemon/hotlined.o,$(DAEMON_OBJ))
$(O)/tests/test_desk_%: tests/unit/test_desk_%.c $(DESK_TEST_OBJ) $(O)/libhotline.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< \
		$(DESK_TEST_OBJ) $(O)/libhotline.a $(LIBS) $(shell pkg-config --libs cmocka)
# The event hub lives with the daemon (src/desk/events.c); its test
# links it beside the library.
$(O)/tests/test_events: tests/unit/test_events.c $(O)/src/desk/events.o $(O)/libhotline.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< \
		$(O)/src/desk/events.o $(O)/libhotline.a $(LIBS) $(shell pkg-config --libs cmocka)
# The desk's own unit test runs the desk itself likewise.
$(O)/tests/test_desk: tests/unit/test_desk.c $(DESK_TEST_OBJ) $(O)/libhotline.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< $(DESK_TEST_OBJ) \
		$(O)/libhotline.a $(LIBS) $(shell pkg-config --libs cmocka)

# Helper programs for the integration tests (like git's t/helper).
$(O)/tests/tools/%: tests/tools/%.c tests/tools/tool.h $(O)/libhotline.a
	@mkdir -p $(dir $@)
	$(call say,TOOL,$@)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ $< $(O)/libhotline.a $(LIBS)

$(O)/bench/%: bench/%.c $(wildcard bench/*.h) $(O)/libhotline.a
	@mkdir -p $(dir $@)
	$(call say,BENCH,$@)
	$(Q)$(CC) $(HL_CFLAGS) $(CFLAGS) -o $@ $< $(O)/libhotline.a $(LIBS)

# Libraries the integration tests preload (tests/preload/), built
# without sanitizers: they stand in for the system under the program.
$(O)/tests/preload/%.so: tests/preload/%.c
	@mkdir -p $(dir $@)
	$(call say,SHLIB,$@)
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

unit: $(UNIT_BIN) $(TOOL_BIN) $(PRELOAD_LIB)

$(O)/locale/%/LC_MESSAGES/hotline.mo: po/%.po
	@mkdir -p $(dir $@)
	$(call say,MSGFMT,$<)
	$(Q)msgfmt --check -o $@ $<

# Maintainer: run after changing messages, then translate what msgmerge marks
# fuzzy or leaves empty.  hl_strerror's table (error.c) has no markers:
# every string there is a message.
XGETTEXT := xgettext --from-code=UTF-8 --package-name=Hotline --msgid-bugs-address= \
	--package-version=$(shell sed -n 's/.*HL_VERSION "\(.*\)"/\1/p' src/core/version.h)
pot:
	$(XGETTEXT) --add-comments=TRANSLATORS: --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
		--keyword=hl_desk_fail:3 --flag=hl_desk_fail:3:c-format \
		-o po/hotline.pot src/cli/*.c src/desk/*.c src/core/vocab.c src/store/case.c
	$(XGETTEXT) --extract-all --join-existing -o po/hotline.pot src/core/error.c
	$(XGETTEXT) --language=JavaScript --keyword= --keyword=t --join-existing \
		-o po/hotline.pot console/*.js console/pages/*.js
	for l in $(LINGUAS); do \
		msgmerge --quiet --update --backup=none po/$$l.po po/hotline.pot || exit 1; \
	done

# The console's catalogues (console/i18n/LL.json, committed) from po/:
# run after the po files change; t0213 fails while one is stale.
i18n:
	for l in $(LINGUAS); do \
		perl tools/po2json.pl po/$$l.po >console/i18n/$$l.json.tmp && \
		mv console/i18n/$$l.json.tmp console/i18n/$$l.json || exit 1; \
	done

# The tests run the sanitized build: unit tests (cmocka, TAP) and the
# integration tests (tests/tNNNN-*.sh) under one prove.  The optimized
# build is made too: -O2 warns where -O1 does not, and make demo uses it.
# Many tests wait on daemons and deadlines more than they compute, so
# prove runs CHECK_JOBS at once, and the longest start first
# (CHECK_FIRST, longest first), so that none runs alone at the end:
# the browser tests among them, which else come last in name order.
# Three at once kept 2 cores busier, but with browsers and ASan daemons
# side by side the tests that time deadlines (t0016, t0051, t0213)
# failed now and then: two.  The unit tests run before them all: after
# them, test_transcript (8 to 20 s under ASan, fourth from the end) ran
# on one core while the other had nothing left to run; so did
# t0245-pg-escalate-failover (15 s, last in name order) for 14 s: it
# comes last in CHECK_FIRST now.  tools/check.sh runs prove beside a
# throw-away PostgreSQL cluster, HOTLINE_TEST_PG.
CHECK_JOBS ?= 2
CHECK_FIRST := $(addprefix tests/,t0005-batch.sh t0185-hub-scale.sh t0018-cases.sh t0006-proof.sh \
	t0219-console-groups.sh t0216-console-suspend.sh t0182-clock-many.sh \
	t0184-group-board.sh t0186-group-case.sh t0007-crash.sh t0164-rotate.sh t0012-refused.sh \
	t0215-console-terms.sh t0016-check-scheduled.sh t0213-console-pages.sh \
	t0011-crash.sh t0003-envelope.sh t0015-escalate.sh t0010-delivery.sh t0241-pg-store.sh \
	t0243-pg-failover.sh t0246-pg-suite.sh t0245-pg-escalate-failover.sh)
CHECK_TESTS := $(wildcard $(CHECK_FIRST)) \
	$(filter-out $(CHECK_FIRST),$(wildcard tests/t[0-9]*.sh))
check:
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory O=build/asan SAN=1 all unit
	CMOCKA_MESSAGE_OUTPUT=TAP HOTLINE_BUILD=$(CURDIR)/build/asan tools/check.sh \
		prove -j$(CHECK_JOBS) --timer build/asan/tests/test_* $(CHECK_TESTS)

demo: all
	@KEEP=$(KEEP) tools/demo.sh $(O)

fuzz:
	@tools/deps.sh fuzz
	@tools/fuzz.sh $${FUZZ_SECONDS:-60}

bench: $(O)/hotline $(BENCH_BIN)
	@tools/bench.sh $(O)

# Where the service's files go; the unit's /usr/local paths become PREFIX.
UNITDIR ?= /etc/systemd/system
SYSUSERSDIR ?= /etc/sysusers.d
TMPFILESDIR ?= /etc/tmpfiles.d
MANDIR ?= $(PREFIX)/share/man
MANPAGES := docs/man/hotline.1 docs/man/hotlined.8 docs/man/hotline.conf.5

# Without DESTDIR (an install on this machine), the hotline user and its
# /var/lib/hotline are made at once, as a package's postinst would.
install: $(O)/hotline $(O)/hotlined $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/hotline \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(O)/hotline $(O)/hotlined $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 docs/*.md docs/*.json $(DESTDIR)$(PREFIX)/share/doc/hotline/
	sed 's|/usr/local/|$(PREFIX)/|g' dist/systemd/hotlined.service \
		>$(DESTDIR)$(UNITDIR)/hotlined.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/hotlined.service
	install -m 0644 dist/sysusers.d/hotline.conf $(DESTDIR)$(SYSUSERSDIR)/hotline.conf
	install -m 0644 dist/tmpfiles.d/hotline.conf $(DESTDIR)$(TMPFILESDIR)/hotline.conf
	for m in $(MANPAGES); do \
		install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/} || exit 1; \
	done
	for f in $(CONSOLE_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DATADIR)/hotline/$$f || exit 1; \
	done
	for l in $(LINGUAS); do \
		install -D -m 0644 $(O)/locale/$$l/LC_MESSAGES/hotline.mo \
			$(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/hotline.mo || exit 1; \
	done
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v systemd-sysusers >/dev/null; then \
		echo "systemd-sysusers and systemd-tmpfiles: the hotline user, /var/lib/hotline"; \
		systemd-sysusers $(SYSUSERSDIR)/hotline.conf && \
		systemd-tmpfiles --create $(TMPFILESDIR)/hotline.conf && \
		{ systemctl daemon-reload 2>/dev/null || :; }; \
	fi

# The manual pages, checked: groff's warnings are errors.
man: $(MANPAGES)
	@for m in $(MANPAGES); do \
		out=$$(groff -man -Tutf8 -z -ww $$m 2>&1) && [ -z "$$out" ] || \
			{ echo "$$m: $$out"; exit 1; }; \
	done
	@echo "manual pages OK: $(MANPAGES)"

clean:
	rm -rf build

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d)
