# Development conveniences. The README's two commands are `swift run prepdeck` and `swift test`.
PREFIX ?= /usr/local

.PHONY: build release test install uninstall bench man

build:
	swift build

release:
	swift build -c release

test:
	swift test

# Man pages from the command line's own help (swift-argument-parser's generate-manual plugin): prepdeck.1
# (every command on one page, also at the top of the checkout: `man ./prepdeck.1`) and one page per
# command (man/prepdeck.COMMAND.1).
MANOUT = .build/plugins/GenerateManual/outputs/prepdeck
man:
	swift package plugin generate-manual --multi-page
	mkdir -p man
	cp $(MANOUT)/prepdeck.*.1 man/
	swift package plugin generate-manual
	cp $(MANOUT)/prepdeck.1 prepdeck.1
	cp $(MANOUT)/prepdeck.1 man/prepdeck.1

# Installs the binary, the bundled bank and the man pages: PREFIX/bin/prepdeck finds PREFIX/share/prepdeck/Assets.
install: release man
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets" "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets/grading"
	install -m 755 "$$(swift build -c release --show-bin-path)/prepdeck" "$(DESTDIR)$(PREFIX)/bin/prepdeck"
	install -m 644 Assets/*.json "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets/"
	install -m 644 Assets/grading/*.json "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets/grading/"
	install -d "$(DESTDIR)$(PREFIX)/share/man/man1"
	install -m 644 man/*.1 "$(DESTDIR)$(PREFIX)/share/man/man1/"

# Release-build benchmarks on synthetic data (20,000 questions, 1,000,000 reviews); see docs/performance.md.
bench:
	scripts/bench.sh

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/prepdeck" "$(DESTDIR)$(PREFIX)"/share/man/man1/prepdeck.*1
	rm -rf "$(DESTDIR)$(PREFIX)/share/prepdeck"
