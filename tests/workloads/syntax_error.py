"""A workload file that does not parse."""

ID = "syntax_error"
def setup(n)
    return n
