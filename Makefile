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

.PHONY: build run test deps vet bench lint clean

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/shareit

run: build
	./$(BIN) .

test: deps vet
	$(GO) test -race -count=1 ./...

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
