# ticketctl — common tasks. `make help` lists them.
SHELL := /bin/bash
GO ?= go
BIN := bin/ticketctl
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo none)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
TEST_TIMEOUT ?= 20m
GORELEASER ?= github.com/goreleaser/goreleaser/v2@v2.15.1

.PHONY: help build test lint completions demo bench eval release-check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/ticketctl
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ticketctl

test: ## run every test against an embedded FerretDB (or TICKETCTL_TEST_MONGODB_URI)
	$(GO) test -timeout $(TEST_TIMEOUT) -count=1 ./...

lint: ## gofmt check and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

completions: build ## write completions/ticketctl.{bash,zsh,fish,ps1}
	@mkdir -p completions
	$(BIN) completion bash > completions/ticketctl.bash
	$(BIN) completion zsh > completions/ticketctl.zsh
	$(BIN) completion fish > completions/ticketctl.fish
	$(BIN) completion powershell > completions/ticketctl.ps1

demo: build ## load testdata/demo into the local store, list it and distribute it
	@bash scripts/demo.sh $(BIN)

bench: build ## start-up time next to /bin/true, and the Go benchmarks
	@bash scripts/bench.sh $(BIN)

eval: build ## measure triage on ../shared/data (DATA=…) through ticketctl: Banking77 router, bitext FAQs
	@DATA=$(or $(DATA),../shared/data) bash scripts/eval.sh $(BIN)

release-check: ## validate .goreleaser.yaml and build a snapshot
	$(GO) run $(GORELEASER) check
	$(GO) run $(GORELEASER) release --snapshot --clean --skip=publish

clean: ## remove build outputs
	rm -rf bin dist
