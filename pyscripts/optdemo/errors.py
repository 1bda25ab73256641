"""Turn an exception into the few lines a person needs to see."""

import traceback


def format_tail(exc_type, exc_value, exc_traceback, max_lines):
    """The last `max_lines` lines of the formatted traceback, as one string,
    without the import machinery's own frames (noise around a SyntaxError)."""
    summary = traceback.TracebackException(exc_type, exc_value, exc_traceback)
    summary.stack = traceback.StackSummary.from_list(
        [frame for frame in summary.stack if not frame.filename.startswith("<frozen importlib")])
    lines = "".join(summary.format()).rstrip("\n").splitlines()
    return "\n".join(lines[-max_lines:])
