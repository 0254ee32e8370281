"""The authorization server's views, one module per endpoint family."""
