# Retort: one-command set-up, build, tests and quickstart on a fresh Debian machine.
SWIFT ?= swift
CONFIG ?= release
APT_PACKAGES := libopenblas-dev libzstd-dev libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev dataset-fashion-mnist libopenmpi-dev openmpi-bin pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build lint test consumer bench bench-compare quickstart clean

## deps: install the Debian packages the build and the tests need (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## build: release build of the library, the CLI and the benchmarks.
build: deps
	$(SWIFT) build -c $(CONFIG)

## lint: module boundaries (no Kernels imports above TensorCore outside .lint/kernels-import-allowlist.txt,
## no @_exported imports, Package.swift dependency lists equal to the imports); plain bash, under a second.
lint:
	.lint/check.sh

## test: the whole test suite, built in release mode (numerical code in debug Swift is slow).
test: deps
	$(SWIFT) build -c $(CONFIG) --build-tests
	$(SWIFT) test -c $(CONFIG) --skip-build --disable-swift-testing

## consumer: build and run Tests/Consumer, a package that depends on Retort through a tagged file:// git URL
## (as on a remote version) and uses the public API only; CI runs it after the tests.
consumer: deps
	Tests/Consumer/run.sh

## bench: every benchmark suite (prints ratios against baselines measured in the same run).
bench: build
	.build/$(CONFIG)/retort-bench

## bench-compare: Retort against PyTorch CPU, alternating per workload (needs `pip install torch`; ROUNDS=5;
## COMPARE_FLAGS=--emulate-avx2 runs both as an AVX2-only machine would).
ROUNDS ?= 5
COMPARE_FLAGS ?=
bench-compare: build
	python3 Benchmarks/compare.py --rounds $(ROUNDS) $(COMPARE_FLAGS)

clean:
	rm -rf .build

## quickstart: set up, build, make the Fashion-MNIST stores, train Recipes/quickstart.yaml, probe it.
RETORT := .build/$(CONFIG)/retort
quickstart: build
	@mkdir -p data
	@[ -f data/fmnist-train.rstore ] || $(RETORT) store build fashion-mnist --split train --out data/fmnist-train.rstore
	@[ -f data/fmnist-test.rstore ] || $(RETORT) store build fashion-mnist --split test --out data/fmnist-test.rstore
	rm -rf runs/quickstart
	$(RETORT) train Recipes/quickstart.yaml --run-dir runs/quickstart
	$(RETORT) probe runs/quickstart/checkpoints/last.safetensors --train data/fmnist-train.rstore --test data/fmnist-test.rstore
