"""The fuzzer of issue 11 against the live demo pair: every endpoint identity serves gets
hostile requests (tests/fuzz/strategies.py) over real HTTP, through the whole WSGI stack and
its middleware, and every answer must be the protocol's own (tests/fuzz/expect.py). Each test
is a batch: afterwards no stored row of site A has changed and valid requests still succeed.

Reproducible: hypothesis runs derandomized with no example database, so a failure shows the
same (shrunk) request on every run; rerun one batch with ``-k 'a:/oauth/token/'``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.endpoints import ENDPOINTS, Endpoint, Reach
from tests.fuzz.expect import check
from tests.fuzz.harness import Fuzzer
from tests.fuzz.rows import changed, snapshot

pytestmark = pytest.mark.e2e

#: Examples per batch (endpoint × how it is reached): the whole fuzz stays well under 3 minutes.
#: IDENTITY_FUZZ_EXAMPLES=200 runs a deeper (longer) fuzz locally.
EXAMPLES = int(os.environ.get("IDENTITY_FUZZ_EXAMPLES", "15"))
BATCHES = [
    pytest.param(endpoint, reach, id=f"{endpoint.id}[{reach.value}]")
    for endpoint in ENDPOINTS
    for reach in endpoint.reach
]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a live server's latency is not the property under test
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def fuzzer(demo_sites: Any) -> Fuzzer:
    return Fuzzer(*demo_sites)


@pytest.fixture
def unchanged(fuzzer: Fuzzer) -> Iterator[None]:
    """No stored row changes during a batch, and valid requests still succeed after it."""
    before = snapshot(fuzzer.site_a.database)
    yield
    tables = changed(before, snapshot(fuzzer.site_a.database))
    assert not tables, f"hostile requests changed stored rows in {tables}"
    fuzzer.healthy()


@pytest.mark.parametrize(("endpoint", "reach"), BATCHES)
@FUZZ
@given(data=st.data())
def test_hostile_requests(
    fuzzer: Fuzzer, unchanged: None, endpoint: Endpoint, reach: Reach, data: st.DataObject
) -> None:
    case = data.draw(fuzzer.strategy(endpoint, reach), label="case")
    reply = fuzzer.send(endpoint, case)
    check(endpoint, case, reply)
