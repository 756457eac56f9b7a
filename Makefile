# The benchmark suite (see bench/__init__.py); the tests are `scripts/test`.
.PHONY: bench bench-smoke

bench:
	scripts/bench

bench-smoke:
	scripts/bench --smoke --out bench-results-smoke.json
