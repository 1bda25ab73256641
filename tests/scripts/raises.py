"""A program that fails: `optdemo profile` must exit 1 with its traceback."""


def fail():
    raise ValueError("planted failure")


print("before the failure", flush=True)
fail()
