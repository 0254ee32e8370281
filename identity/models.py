"""Registers every built-in mechanism's models under the one ``identity`` app label.

Each manifest names its models module. All of identity's own mechanisms are imported, enabled
or not, so the migrations never depend on ``IDENTITY["MECHANISMS"]``."""

from __future__ import annotations

from importlib import import_module

from identity.core import mechanisms

for _module in mechanisms.modules("models", mechanisms.builtin):
    import_module(_module)
