"""Parallel validations of one ticket on PostgreSQL: exactly one succeeds (CAS §3.1.1, one
validation attempt per ticket), through real concurrent HTTP requests to a live server."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from django.test import Client

from identity.cas.models import CasService, ServiceTicket
from tests.cas.conftest import APP, get_ticket
from tests.conftest import sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24


def _validate_all_at_once(base_url: str, ticket: str) -> list[bytes]:
    barrier = threading.Barrier(THREADS)
    answers: list[bytes] = []
    lock = threading.Lock()

    def attempt(index: int) -> None:
        path = ["/cas/validate", "/cas/serviceValidate", "/cas/p3/serviceValidate", "/cas/proxyValidate"][index % 4]
        barrier.wait()
        body = requests.get(f"{base_url}{path}?{urlencode({'ticket': ticket, 'service': APP})}", timeout=30).content
        with lock:
            answers.append(body)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_exactly_one_of_many_parallel_validations_succeeds(live_server: Any, alice: Any) -> None:
    CasService.objects.create(name="App", pattern="https://app.example.com/", match_type="prefix")
    browser = Client()
    sign_in(browser)
    for _ in range(3):  # a few rounds: a lost race shows up as two successes in one of them
        ticket = get_ticket(browser)
        answers = _validate_all_at_once(live_server.url, ticket)
        successes = [a for a in answers if a.startswith(b"yes\n") or b"authenticationSuccess" in a]
        assert len(answers) == THREADS
        assert len(successes) == 1, successes
        assert all(b"authenticationFailure" in a or a == b"no\n\n" for a in answers if a not in successes)
        row = ServiceTicket.objects.get(ticket=ticket)
        assert row.consumed_at is not None and row.succeeded
