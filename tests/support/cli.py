"""Running the CLI in-process so that a crash reaches the test, and telling a crash from a refusal."""

from __future__ import annotations

import re

from click.testing import CliRunner


class PropagatingRunner(CliRunner):
    """click's CliRunner, except that an exception a command raises reaches the test.

    A plain CliRunner reports a crash as exit code 1 with no traceback in the
    output: exactly what a refusal looks like, so a test of a refusal would pass
    on a crash. ``sys.exit`` (how the commands refuse) still gives an exit code.
    """

    def invoke(self, cli, args=None, **kwargs):
        if kwargs.pop("catch_exceptions", False):
            raise TypeError("tests let exceptions propagate: drop catch_exceptions")
        return super().invoke(cli, args, catch_exceptions=False, **kwargs)


def no_traceback(text: str) -> bool:
    """True when ``text`` shows no Python traceback: a refusal, not a crash."""
    return "Traceback" not in text and not re.search(r'File ".*", line \d+', text)
