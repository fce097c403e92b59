# Kassa: `make run` sets up and starts the service on its embedded defaults; `make test` sets up
# and runs every test. Both install the system packages they need, idempotently.

SWIFT ?= swift
CONFIG ?= config/kassa.yaml
DATA ?= ./data
# System packages: SQLite for the projection, libpq and the PostgreSQL server for the load
# test's baseline, the device libraries for the lane, socat for pseudo-terminal tests, and gcc
# for the fault-injection shim the journal tests build, umockdev for the USB tests without
# hardware, Python with pip for the PyPI tools the tests compare with or drive, and e2fsprogs
# for filefrag, which shows the journal's next segment is written zeros.
APT_PACKAGES := e2fsprogs libsqlite3-dev libpq-dev postgresql libserialport-dev libusb-1.0-0-dev pkg-config socat gcc umockdev gir1.2-umockdev-1.0 python3-gi python3 python3-pip

.PHONY: deps pydeps build release run test bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# schemathesis (PyPI) checks the running service against docs/openapi.yaml in `make test`;
# lifetimes (PyPI) is the independent reference the lifetime-value test compares Kassa with;
# emupos (PyPI) plays the lane's printer, drawer, scanner and scale in KassaTillTests, installed
# into its own directory and rewritten for Python 3.11 (docs/emupos.md).
pydeps:
	@python3 -m pip show schemathesis >/dev/null 2>&1 || python3 -m pip install -q 'schemathesis>=4,<5'
	@scripts/analytics/setup-lifetimes.sh
	@scripts/emupos/install.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product kassa

run: release
	$$($(SWIFT) build -c release --show-bin-path)/kassa serve --config $(CONFIG) --data $(DATA)

test: deps pydeps
	scripts/clickhouse.sh install
	$(SWIFT) build --build-tests
	# The tests' data directories (journals of preallocated segments, about 2 GB a run) go under
	# a temporary directory of the run's own, removed afterwards whatever the outcome; open to
	# every user, since the PostgreSQL baseline's initdb runs as postgres.
	tmp=$$(mktemp -d /tmp/kassa-tests.XXXXXX) && chmod 1777 "$$tmp" && \
	  { TMPDIR="$$tmp" $(SWIFT) test --skip-build; status=$$?; rm -rf "$$tmp"; exit $$status; }
	scripts/schemathesis.sh $$($(SWIFT) build --show-bin-path)/kassa

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress

clean:
	rm -rf .build
