"""A workload whose `after` needs a module this interpreter lacks."""

try:
    import no_such_module_for_optdemo_tests as helper
except ImportError:
    helper = None

ID = "needs_module"
TITLE = "A variant this interpreter cannot run"
SECTION = "Test fixture"
EXPLANATION = """after needs a module that is not installed: it is unavailable, not failed."""
SIZES = {"quick": 100, "default": 100, "sweep": [100]}
VARIANTS = ["before", "after"]
REQUIRES = {"after": ["no_such_module_for_optdemo_tests"]}


def setup(n):
    return list(range(n))


def before(data):
    return sum(data)


def after(data):
    return helper.total(data)
