"""The fuzzer of issue 11: hostile HTTP requests against the live demo sites (the tests are
``tests/e2e/test_fuzz_*.py``, beside the session's live servers; the helpers live here)."""
