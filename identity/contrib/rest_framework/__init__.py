"""Everything of identity that uses Django REST framework, and the only modules that import it:
the authentication class, the scope permissions, the exception handler and API base view, and
identity's own JSON endpoints (``/api/auth/token/``, ``/api/auth/jwt/…``). The core, the
middleware and every page are plain Django; the URL lists of tokens and JWTs are the only
modules outside this package that import it. ``tests/contrib/rest_framework/test_drf_imports.py``
keeps both statements true."""
