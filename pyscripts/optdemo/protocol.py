"""What every request handler shares: the error a request answers with,
and the call into a workload's (or a lab's, or a solution's) own code."""

import sys

from optdemo import errors

TRACEBACK_LINES = 6        # the tail of a traceback an error response shows


class Failure(Exception):
    """A request that gets an error response.  kind is "exception" (the
    workload's code raised), "contract" (the workload broke the contract) or
    "protocol" (a malformed or out-of-order request: a host bug)."""

    def __init__(self, kind, text, output=None):
        super().__init__(text)
        self.kind = kind
        self.text = text
        self.output = output

    def response(self):
        response = {"ok": False, "kind": self.kind, "error": self.text}
        if self.output is not None:
            response["output"] = self.output
        return response


def call_workload(function, *args):
    """Call the workload's code.  What it raises becomes a Failure with the
    traceback's tail; so does sys.exit(), which must not end a worker.
    KeyboardInterrupt is left alone: in-process, the host stops the run."""
    try:
        return function(*args)
    except (Exception, SystemExit):
        raise Failure("exception", traceback_tail()) from None


def traceback_tail():
    """The last lines of the exception being handled, the workload's frames
    rather than ours (errors.format_tail)."""
    return errors.format_tail(*sys.exc_info(), TRACEBACK_LINES)
