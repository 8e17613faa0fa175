"""The CSP middleware that builds its header once (imo.core.middleware.FixedCSPMiddleware) writes what
django-csp writes, and leaves to django-csp every response that changes the policy."""

from __future__ import annotations

from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from imo.core.middleware import FixedCSPMiddleware

HEADER = "Content-Security-Policy"


def _answer(middleware_class, *, prepare=lambda request, response: None):
    request = RequestFactory().get("/news/")
    response = HttpResponse("page")
    middleware = middleware_class(lambda request: response)
    middleware.process_request(request)
    prepare(request, response)
    return request, middleware.process_response(request, response)


def test_a_page_gets_django_csps_header_and_the_same_again(settings):
    settings.DEBUG = False
    _, expected = _answer(CSPMiddleware)
    middleware = FixedCSPMiddleware(lambda request: HttpResponse())
    for _ in range(2):  # built the first time, reused the second
        request = RequestFactory().get("/")
        middleware.process_request(request)
        response = middleware.process_response(request, HttpResponse())
        assert response[HEADER] == expected[HEADER]
        assert "script-src 'self'" in response[HEADER] and "'unsafe-inline'" not in response[HEADER]
    assert middleware._built is not None


def test_a_view_that_changes_the_policy_gets_django_csps_own_answer(settings):
    settings.DEBUG = False

    def update(request, response):
        response._csp_update = {"img-src": ["https://maps.example.ru"]}

    _, response = _answer(FixedCSPMiddleware, prepare=update)
    assert "https://maps.example.ru" in response[HEADER]


def test_a_page_that_used_a_nonce_is_answered_by_django_csp(settings, monkeypatch):
    settings.DEBUG = False
    delegated = []
    original = CSPMiddleware.process_response

    def spy(self, request, response):
        delegated.append(request)
        return original(self, request, response)

    monkeypatch.setattr(CSPMiddleware, "process_response", spy)
    request, response = _answer(FixedCSPMiddleware, prepare=lambda request, response: str(request.csp_nonce))
    assert delegated == [request] and HEADER in response


def test_a_nonce_asked_for_after_the_header_is_an_error(settings):
    import pytest
    from csp.exceptions import CSPNonceError

    settings.DEBUG = False
    request, _ = _answer(FixedCSPMiddleware)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_an_exempt_response_gets_no_header(settings):
    settings.DEBUG = False

    def exempt(request, response):
        response._csp_exempt = True

    _, response = _answer(FixedCSPMiddleware, prepare=exempt)
    assert HEADER not in response
