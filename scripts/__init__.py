"""Scripts that drive the running app: browser checks, Community Cloud readiness, load tests."""
