"""Django's autodiscover imports only ``identity.admin``: this imports the admin module each
enabled mechanism's manifest names."""

from __future__ import annotations

from importlib import import_module

from identity.core import mechanisms

for _module in mechanisms.modules("admin"):
    import_module(_module)
