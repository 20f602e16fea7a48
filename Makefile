# Development conveniences. The README's two commands are `swift run prepdeck` and `swift test`.
PREFIX ?= /usr/local

.PHONY: build release test install uninstall bench

build:
	swift build

release:
	swift build -c release

test:
	swift test

# Installs the binary and the bundled bank: PREFIX/bin/prepdeck finds PREFIX/share/prepdeck/Assets.
install: release
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets" "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets/grading"
	install -m 755 "$$(swift build -c release --show-bin-path)/prepdeck" "$(DESTDIR)$(PREFIX)/bin/prepdeck"
	install -m 644 Assets/*.json "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets/"
	install -m 644 Assets/grading/*.json "$(DESTDIR)$(PREFIX)/share/prepdeck/Assets/grading/"

# Release-build benchmarks on synthetic data (20,000 questions, 1,000,000 reviews); see docs/performance.md.
bench:
	scripts/bench.sh

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/prepdeck"
	rm -rf "$(DESTDIR)$(PREFIX)/share/prepdeck"
