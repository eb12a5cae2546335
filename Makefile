# Browser, Community Cloud and load checks (see docs/testing.md and docs/deploy.md).
PY ?= .venv/bin/python

.PHONY: e2e screenshots cloud-check load load-quick

e2e:            ## browser tests (Chromium), cloud readiness and quick load test
	$(PY) -m pytest tests/e2e

screenshots:    ## every page from a shared link on a fresh server, 1920 and 390 px, reloaded
	$(PY) -m scripts.screenshots

cloud-check:    ## clean venv from requirements.txt, cold start, peak memory
	$(PY) -m scripts.cloud_check --venv .cache/cloud-venv --reuse --json out/cloud_check.json

load:           ## 24 concurrent sessions, the document's grid
	$(PY) -m scripts.load_test --json out/load_test.json

load-quick:     ## the CI size: 20 sessions
	$(PY) -m scripts.load_test --quick --json out/load_test_quick.json
