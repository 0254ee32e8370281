"""The JSON parser of identity's API views: :func:`identity.core.parsing.parse_json` (size, depth
and encoding checked, no recursion) instead of DRF's. Form bodies keep DRF's parsers: the
view's guard (:func:`identity.core.parsing.guarded`) has checked them before DRF reads them.
What the parser refuses is a :class:`~identity.core.parsing.BadInput`, which the API view
answers in its JSON error shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.parsers import JSONParser

from identity.conf import identity_settings
from identity.core import parsing


class IdentityJSONParser(JSONParser):
    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        if stream is None:  # DRF hands over no stream for an empty body
            return {}
        # One byte over the limit is enough to know the body is too large.
        data = stream.read(identity_settings.REQUEST_MAX_BYTES + 1)
        return parsing.parse_json(data)
