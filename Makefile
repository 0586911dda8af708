# shareit — build, run, test, cross, release, bench, lint.
GO      ?= go
BIN     ?= bin/shareit
SHARED  ?= ../shared
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
# Platforms as GOOS/GOARCH: `make cross` builds and vets each, `make release` ships each.
TARGETS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 freebsd/amd64
DIST    ?= dist
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Tools the tests drive for real; installed when missing (CI runs as root).
TEST_TOOLS  := strace tmux curl ip openssl unzip chromium
BENCH_TOOLS := wrk nginx caddy curl npm tmux
# The linux/arm64 binary runs under qemu-user in `make qemu-smoke`.
QEMU_TOOLS  := qemu-aarch64-static curl jq

# Fuzz targets as package:Target; `go test -fuzz` takes one target at a time.
# `make test` runs each for FUZZTIME_SHORT, `make fuzz` for FUZZTIME.
FUZZ_TARGETS := fileserver:FuzzClean fileserver:FuzzServeHTTP fileserver:FuzzRange \
	fileserver:FuzzUploadName fileserver:FuzzListingPage fileserver:FuzzListingJSON fileserver/accel:FuzzParseQuick \
	transfer:FuzzPrintable transfer:FuzzLogLine
FUZZTIME       ?= 2m
FUZZTIME_SHORT ?= 8s
# The soak (docs/SOAK.md): mixed load on a server for SOAK_DURATION.
SOAK_DURATION  ?= 10m

.PHONY: build run test deps vet cross qemu-smoke release bench lint clean fuzz fuzz-short soak

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/shareit

run: build
	./$(BIN) .

# Cheap first: vet, every platform's build, the arm64 binary under qemu (a link from the
# cache `cross` filled), then the suite on the default path and on the portable one (the path
# macOS, Windows and FreeBSD get), then the fuzz targets.
test: deps vet cross qemu-smoke
	$(GO) test -race -count=1 ./...
	$(GO) test -race -count=1 -tags portable ./...
	@$(MAKE) --no-print-directory fuzz-short

# go build and go vet (tests included) for each of TARGETS, stopping at the first that fails.
cross:
	@set -e; for t in $(TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; echo "cross $$t: go build ./... && go vet ./..."; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build ./... && \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) vet ./... || \
		{ echo "make cross: FAILED for $$t (GOOS=$$os GOARCH=$$arch CGO_ENABLED=0)"; exit 1; }; \
	done; echo "make cross: ok for $(TARGETS)"

qemu-smoke:
	@./.ci/need $(QEMU_TOOLS)
	GO=$(GO) VERSION=$(VERSION) ./.ci/qemu-smoke

# Static binaries for TARGETS in DIST as shareit-VERSION-OS-ARCH[.exe], and SHA256SUMS.
# The binary for this machine, when built, must print its version.
release:
	@mkdir -p $(DIST) && rm -f $(DIST)/shareit-* $(DIST)/SHA256SUMS
	@set -e; for t in $(TARGETS); do \
		os=$${t%/*}; arch=$${t#*/}; ext=; if [ $$os = windows ]; then ext=.exe; fi; \
		out=$(DIST)/shareit-$(VERSION)-$$os-$$arch$$ext; echo "release $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch \
			$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out ./cmd/shareit || \
		{ echo "make release: FAILED for $$t (GOOS=$$os GOARCH=$$arch CGO_ENABLED=0)"; exit 1; }; \
	done
	@cd $(DIST) && sum=sha256sum && { command -v $$sum >/dev/null || sum="shasum -a 256"; } && \
		$$sum shareit-$(VERSION)-* > SHA256SUMS && $$sum -c --quiet SHA256SUMS
	@echo "wrote $(DIST)/SHA256SUMS"
	@bin=$(DIST)/shareit-$(VERSION)-$$($(GO) env GOHOSTOS)-$$($(GO) env GOHOSTARCH); \
	if [ -x $$bin ]; then got=$$($$bin --version); echo "$$bin --version: $$got"; \
		[ "$$got" = "shareit $(VERSION)" ] || { echo "make release: want 'shareit $(VERSION)'"; exit 1; }; fi

fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT)

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; echo "fuzz $$name in ./$$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime=$(FUZZTIME) ./$$pkg; \
	done

soak:
	SOAK_DURATION=$(SOAK_DURATION) SOAK_OUT=$(CURDIR)/docs/soak $(GO) test -tags soak -run '^TestSoak$$' \
		-count=1 -v -timeout 0 ./fileserver

vet:
	$(GO) vet ./...

deps:
	@./.ci/need $(TEST_TOOLS) $(QEMU_TOOLS)

bench: build
	@./.ci/need $(BENCH_TOOLS)
	SHARED=$(SHARED) BIN=$(BIN) ./.ci/bench

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin $(DIST)
