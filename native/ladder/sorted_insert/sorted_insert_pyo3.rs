// sorted_insert's loop in Rust with PyO3 0.17: insert each item, in arrival
// order, into a sorted Vec<i64> by binary search plus insert -- what
// bisect.insort does to a list -- and return it as a list (= sorted(items)).
// Writing it: ~45 lines of code; `partition_point` and `Vec::insert` are the
// algorithm. Buys (side-by-side timing on a noisy machine): about 4x faster
// than `after` (bisect.insort) and 25x (n = 500) to 55-70x (n = 5,000) faster
// than `before`.
//
// Design: the items are copied into a Vec<i64> first (exact ints read in
// place: PyO3 0.17's own extraction registers each item in a per-call pool);
// the inserts then compare machine ints instead of calling int's rich
// comparison, and memmove 8-byte ints as insort memmoves 8-byte pointers.
// The inserts run with the GIL released: no Python calls, about 1 ms at
// n = 5,000 and 0.1 s at 50,000 (the memmoves are O(n^2)). Measured no faster
// or slower than holding it (0.81 vs 0.81 ms at 5,000), so the release is only
// for other threads' sake.

use pyo3::prelude::*;
use pyo3::types::PyList;
use pyo3::{ffi, AsPyPointer};

/// Item `index` of `list` as an i64; the caller has checked index < len.
/// An exact int is read in place (PyLong_AsLongLong runs no Python code for
/// one); anything else goes through PyO3's extraction holding its own
/// reference, outside PyO3's pool.
fn int_at(list: &PyList, index: usize) -> PyResult<i64> {
    debug_assert!(index < list.len());
    let py = list.py();
    // SAFETY: index < len (the caller's check), with the GIL held.
    unsafe {
        let item = ffi::PyList_GET_ITEM(list.as_ptr(), index as ffi::Py_ssize_t);
        if ffi::PyLong_CheckExact(item) != 0 {
            let value = ffi::PyLong_AsLongLong(item);
            if value == -1 {
                if let Some(error) = PyErr::take(py) {
                    return Err(error);
                }
            }
            return Ok(value);
        }
        PyObject::from_borrowed_ptr(py, item).extract::<i64>(py)
    }
}

/// Insert `item` after any equal ones, keeping `ordered` sorted (bisect.insort_right).
fn insort(ordered: &mut Vec<i64>, item: i64) {
    let position = ordered.partition_point(|&existing| existing <= item);
    ordered.insert(position, item);
}

/// The list that inserting items one by one into a sorted list builds.
#[pyfunction]
fn insort_all(py: Python<'_>, items: &PyList) -> PyResult<Vec<i64>> {
    let mut arrivals = Vec::with_capacity(items.len());
    let mut index = 0;
    while index < items.len() {
        arrivals.push(int_at(items, index)?);
        index += 1;
    }
    let ordered = py.allow_threads(move || {
        let mut ordered = Vec::with_capacity(arrivals.len());
        for item in arrivals {
            insort(&mut ordered, item);
        }
        ordered
    });
    Ok(ordered)
}

#[pymodule]
fn sorted_insert_pyo3(_py: Python<'_>, module: &PyModule) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(insort_all, module)?)?;
    Ok(())
}
