"""optnative built for an interpreter that cannot import numpy (a CPython
3.13 here: Debian's numpy is built for 3.11): native/bind_arrays_none.c
stands in for the NumPy kernels.  The module has the same names; each
kernel raises ImportError saying why, and IntSet iterates what it is given.
Under an interpreter with numpy the file is skipped (test_optnative_numpy.py
tests the kernels there).

Run by meson with PYTHONPATH=<build>/native.
"""
import importlib.util

import pytest

import optnative

if importlib.util.find_spec("numpy") is not None:
    pytest.skip("this interpreter has numpy: test_optnative_numpy.py", allow_module_level=True)

KERNELS = ["sum", "dot", "multiply", "sqrt", "sqrt_sum", "count_int64"]


@pytest.mark.parametrize("name", KERNELS)
def test_every_kernel_is_there_and_raises_import_error(name):
    with pytest.raises(ImportError, match="built without NumPy"):
        getattr(optnative, name)([1.0, 2.0])


def test_intset_iterates_what_it_is_given():
    s = optnative.IntSet(range(10))
    assert s.count_contained([1, 2, 11]) == 2
    assert s.count_contained(bytes([1, 2, 200])) == 2
