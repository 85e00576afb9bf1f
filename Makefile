# Entry points; the work is done by scripts/ (see the comments at the top of each).
#   make run                  app with demo data on http://127.0.0.1:8000/ (PORT=8001 make run)
#   make test [ARGS="-k x"]   lint + migration check + pytest (PostgreSQL when available);
#                             FAST=1 leaves out the tests marked slow, for a quick loop
#   make bench                synthetic data, every page and export measured (not in test)
#   make loadtest             load with PostgreSQL stopped and started mid-run (not in test)
#   make lint | format | clean

.PHONY: help run test bench loadtest lint format clean

help:
	@sed -n '2,7s/^# //p' Makefile

run:
	scripts/run.sh

test:
	FAST="$(FAST)" scripts/test.sh $(ARGS)

bench:
	scripts/bench.sh

loadtest:
	scripts/loadtest.sh

lint:
	scripts/lint.sh

format:
	scripts/lint.sh --fix

clean:
	scripts/clean.sh
