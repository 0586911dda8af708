# shareit — build, run, test, bench, lint.
GO      ?= go
BIN     ?= bin/shareit
SHARED  ?= ../shared
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

# Tools the tests drive for real; installed when missing (CI runs as root).
TEST_TOOLS  := strace tmux curl ip openssl unzip chromium
BENCH_TOOLS := wrk nginx caddy curl npm tmux

# Fuzz targets as package:Target; `go test -fuzz` takes one target at a time.
# `make test` runs each for FUZZTIME_SHORT, `make fuzz` for FUZZTIME.
FUZZ_TARGETS := fileserver:FuzzClean fileserver:FuzzServeHTTP fileserver:FuzzRange \
	fileserver:FuzzUploadName fileserver:FuzzListingPage fileserver:FuzzListingJSON fileserver:FuzzParseQuick \
	transfer:FuzzPrintable transfer:FuzzLogLine
FUZZTIME       ?= 2m
FUZZTIME_SHORT ?= 8s
# The soak (docs/SOAK.md): mixed load on a server for SOAK_DURATION.
SOAK_DURATION  ?= 10m

.PHONY: build run test deps vet bench lint clean fuzz fuzz-short soak

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/shareit

run: build
	./$(BIN) .

test: deps vet
	$(GO) test -race -count=1 ./...
	@$(MAKE) --no-print-directory fuzz-short

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
	@./.ci/need $(TEST_TOOLS)

bench: build
	@./.ci/need $(BENCH_TOOLS)
	SHARED=$(SHARED) BIN=$(BIN) ./.ci/bench

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin
