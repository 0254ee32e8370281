"""CAS 3.0 endpoints under ``/cas/`` (CAS Protocol 3.0 §2, the contract's paths)."""

from __future__ import annotations

from django.urls import path

from identity.cas.views import login, validation

cas_urlpatterns = [
    path("cas/login", login.login, name="cas-login"),
    path("cas/logout", login.logout, name="cas-logout"),
    path("cas/validate", validation.validate, name="cas-validate"),
    path("cas/serviceValidate", validation.service_validate, name="cas-service-validate"),
    path("cas/proxyValidate", validation.proxy_validate, name="cas-proxy-validate"),
    path("cas/proxy", validation.proxy, name="cas-proxy"),
    path("cas/p3/serviceValidate", validation.p3_service_validate, name="cas-p3-service-validate"),
    path("cas/p3/proxyValidate", validation.p3_proxy_validate, name="cas-p3-proxy-validate"),
    path("cas/samlValidate", validation.saml_validate, name="cas-saml-validate"),
]
