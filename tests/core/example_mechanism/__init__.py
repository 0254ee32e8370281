"""A small mechanism defined in the test suite: "badges", signed usernames presented as
``Authorization: Badge <signed>``. It lives in this folder alone; ``settings.py`` beside it is
the test suite's settings plus the one line that enables it."""
