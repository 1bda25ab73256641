"""Turn an exception into the few lines a person needs to see."""

import os
import traceback

# Frames in this folder are optdemo calling the user's code (runner.py,
# workloads.py): the user wants to see their own file and line instead.
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def format_tail(exc_type, exc_value, exc_traceback, max_lines):
    """The last `max_lines` lines of the formatted traceback, as one string,
    without the import machinery's own frames (noise around a SyntaxError)
    and without optdemo's own frames, unless that would leave none.  An
    exception whose class says message_only (a broken workload contract)
    is its message alone."""
    if getattr(exc_type, "message_only", False):
        return str(exc_value)
    summary = traceback.TracebackException(exc_type, exc_value, exc_traceback)
    # A SyntaxError shows its file and line itself, below the frames.
    shows_location = isinstance(exc_type, type) and issubclass(exc_type, SyntaxError)
    _drop_our_frames(summary, shows_location)
    lines = "".join(summary.format()).rstrip("\n").splitlines()
    return "\n".join(lines[-max_lines:])


def _drop_our_frames(summary, shows_location):
    """Keep the frames of the user's code, here and in the exceptions this
    one was raised from (`raise ... from`, or while handling another)."""
    frames = [frame for frame in summary.stack if "frozen importlib" not in frame.filename]
    theirs = [frame for frame in frames if not _in_package(frame.filename)]
    if theirs or shows_location:
        frames = theirs
    summary.stack = traceback.StackSummary.from_list(frames)
    for chained in (summary.__cause__, summary.__context__):
        if chained is not None:
            _drop_our_frames(chained, False)


def _in_package(filename):
    return os.path.dirname(os.path.abspath(filename)) == PACKAGE_DIR
