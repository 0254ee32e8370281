"""One JOSE stack for every JWT identity verifies, on the provider side (:mod:`identity.jwt`,
:mod:`identity.oauth2`) and the client side (:mod:`identity.client.oidc`) alike:

* :mod:`~identity.core.jose.keyset` fetches and keeps another party's JWK Set;
* :mod:`~identity.core.jose.decode` verifies a JWS against a key lookup, under
* :mod:`~identity.core.jose.policy`: size caps, refused header parameters, accepted ``typ``;
* :mod:`~identity.core.jose.algorithms`: the one list of accepted public-key algorithms;
* :mod:`~identity.core.jose.issuer`: this site's issuer identifier.

It imports nothing from either side, so the client side never imports the provider side.
"""

from __future__ import annotations

from identity.core.jose.algorithms import half_hash

__all__ = ["half_hash"]
