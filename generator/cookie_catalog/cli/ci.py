"""Whether we run in continuous integration: one rule for the code and the tests.

CI services set ``CI`` (``true`` on GitHub, GitLab, Travis, CircleCI, Buildkite;
``True`` on AppVeyor; the service's name on Woodpecker), and ``.ci/run`` sets
``CI=true``. Any value counts except empty and the usual words for "no", so
``CI=false`` or ``CI=0`` in a developer's shell means not CI. Under CI the
progress bar stays out of logs, property tests run more examples, and tests
that need Chromium fail instead of skipping when it is missing.
"""

from __future__ import annotations

import os

_NO = {"", "0", "false", "no", "off"}


def in_ci() -> bool:
    """True when the ``CI`` environment variable says so (read on every call, so tests may set it)."""
    return os.environ.get("CI", "").strip().lower() not in _NO
