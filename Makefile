# aisight: build, test and run. `make help` lists the targets.
SHELL := /bin/bash
GO ?= go
BIN := bin/aisight
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
TOOLS := $(CURDIR)/.cache/bin
STATICCHECK := $(TOOLS)/staticcheck
FUZZTIME ?= 20s
EXAMPLE := testdata/repos/acme-assistant
# Build with the toolchain go.mod names (a patched Go, downloaded once from
# the module proxy) even where the machine's go env pins GOTOOLCHAIN=local.
export GOTOOLCHAIN := auto

.PHONY: help build test lint vulncheck scan demo bench fuzz e2e-deps generate image clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/aisight
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/aisight

scan: build ## scan the example repository and print the inventory table
	./$(BIN) scan $(EXAMPLE)

demo: ## scan the embedded sample estate through local emulators of every cloud and provider
	@echo "==> building bin/aisight (the first time: the Go toolchain and modules are downloaded and compiled, about 9 minutes on 2 cores; then seconds)" >&2
	@$(MAKE) --no-print-directory build
	@echo "==> aisight demo: starting the emulators and scanning the sample estate (under a minute)" >&2
	./$(BIN) demo

test: ## install what the tests need, lint, check for known vulnerabilities, and run every test (AISIGHT_E2E=1 makes missing components fail); about 30 minutes cold on 2 cores, 6-10 warm
	@echo "==> [1/4] test dependencies: Debian packages and the kube-apiserver (6-11 minutes the first time, cached per machine)" >&2
	@$(MAKE) --no-print-directory e2e-deps
	@echo "==> [2/4] lint: gofmt, go vet, staticcheck (a few minutes the first time)" >&2
	@$(MAKE) --no-print-directory lint
	@echo "==> [3/4] govulncheck (the vulnerability database is indexed once)" >&2
	@$(MAKE) --no-print-directory vulncheck
	@echo "==> [4/4] every test, with the race detector (5-15 minutes on 2 cores)" >&2
	$(GO) test -race -count=1 ./...

lint: $(STATICCHECK) ## gofmt, go vet and staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

vulncheck: ## govulncheck against the Go vulnerability database (fetched from the module proxy, indexed once)
	@.ci/vulncheck

$(STATICCHECK):
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2

e2e-deps: ## install the Debian packages and build the components the tests use (idempotent)
	@.ci/deps

bench: ## run the benchmarks (source scan vs ripgrep; 20,000 pods vs a raw list and kubectl; scoring 100,000 assets; the 30,000-asset HTML report in Chromium; AWS and the whole organisation-scale estate vs their rate-limit lower bounds; serve over 500 scans of the demo estate, heap and goroutines flat); fails on a missed target (internal/testenv/benchtest/targets.yaml)
	@.ci/deps bench
	$(GO) test -timeout 60m -run '^$$' -bench . -benchtime 5x ./collectors/source/
	$(GO) test -timeout 60m -run '^$$' -bench . -benchtime 3x ./collectors/kube/
	$(GO) test -timeout 60m -run '^$$' -bench Assess -benchtime 3x ./scoring/
	$(GO) test -timeout 60m -run '^$$' -bench HTMLReportLoad -benchtime 3x ./internal/output/
	$(GO) test -timeout 60m -run '^$$' -bench OrganisationScale -benchtime 3x ./collectors/aws/
	$(GO) test -timeout 60m -run '^$$' -bench . -benchtime 1x ./internal/testenv/scale/

fuzz: ## run every fuzz target for FUZZTIME each (default 20s); findings are kept in testdata/fuzz
	@for pkg in ./collectors/source ./internal/detect/fingerprint ./internal/detect/workload ./internal/detect/iac ./collectors/aws ./internal/redact ./internal/bounded ./internal/detect/anchors; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep ^Fuzz); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean: ## remove build output
	rm -rf bin

generate: ## regenerate the generated AI dependency catalog (internal/detect/fingerprint/sdk_generated.yaml, from registry/candidates.tsv and review.yaml), docs/controls.md, docs/iac.md, the Grafana dashboard (deploy/grafana), the collector ClusterRole (deploy/kubernetes/base) and the output wall's key prefixes (internal/redact)
	$(GO) run ./internal/detect/fingerprint/sdkgen generate > internal/detect/fingerprint/sdk_generated.yaml.tmp && mv internal/detect/fingerprint/sdk_generated.yaml.tmp internal/detect/fingerprint/sdk_generated.yaml
	$(GO) run ./internal/redact/prefixgen > internal/redact/keyprefixes.go.tmp && mv internal/redact/keyprefixes.go.tmp internal/redact/keyprefixes.go
	$(GO) run ./cmd/aisight controls list -o markdown > docs/controls.md.tmp && mv docs/controls.md.tmp docs/controls.md
	$(GO) run ./internal/detect/iac/docgen > docs/iac.md.tmp && mv docs/iac.md.tmp docs/iac.md
	$(GO) run ./collectors/kube/clusterrolegen > deploy/kubernetes/base/clusterrole.yaml.tmp && mv deploy/kubernetes/base/clusterrole.yaml.tmp deploy/kubernetes/base/clusterrole.yaml
	$(GO) run ./internal/dashboard/gen > deploy/grafana/aisight-dashboard.json.tmp && mv deploy/grafana/aisight-dashboard.json.tmp deploy/grafana/aisight-dashboard.json

image: ## build the container image aisight:VERSION (VERSION defaults to git describe; needs a Docker daemon)
	docker build --build-arg VERSION=$(VERSION) -t aisight:$(VERSION) .
