"""Turn an exception into the few lines a person needs to see."""

import traceback


def format_tail(exc_type, exc_value, exc_traceback, max_lines):
    """The last `max_lines` lines of the formatted traceback, as one string."""
    lines = traceback.format_exception(exc_type, exc_value, exc_traceback)
    text = "".join(lines).rstrip("\n").splitlines()
    return "\n".join(text[-max_lines:])
