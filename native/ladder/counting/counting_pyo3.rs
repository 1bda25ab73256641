// counting's loop in Rust with PyO3 0.17: how often each int occurs in a list,
// as a dict whose keys come in first-occurrence order like `before`'s. Writing
// it: ~65 lines of code -- a hash map, a fast path for reading ints, and a
// hasher, because std's default one is measurably slow for int keys. Buys
// (side-by-side timing on a noisy machine): about 4x faster than `after`
// (Counter) and 6-9x faster than `before` (n = 50,000 and 1,000,000).
//
// Design: counts live in a Vec of (item, count) in first-occurrence order,
// found through a HashMap from item to its slot in that Vec; the dict is
// built once at the end (~1000 set_item calls, not one per item). Measured
// for 1,000,000 items, against extracting every item with PyO3's
// `extract::<i64>()`, which registers each item in a per-call pool and calls
// PyNumber_Index: ~25 ms; reading exact ints in place with
// PyLong_AsLongLong: ~12 ms. std's SipHash costs ~5 ns an item more than
// the multiplicative hash below. Copying into a Vec<i64> first and counting
// with the GIL released measured no faster, so counting runs in place.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3::{ffi, AsPyPointer};

/// A hash for i64 keys only: one multiply by 2^64 / golden ratio (Fibonacci
/// hashing). The table takes its bucket from the low bits and a tag from the
/// top 7; an odd multiplier keeps distinct low bits distinct. Not
/// DoS-resistant, which counting a list of ints does not need.
#[derive(Default)]
struct IntHasher {
    hash: u64,
}

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.hash
    }

    fn write(&mut self, _bytes: &[u8]) {
        unreachable!("IntHasher hashes i64 keys only");
    }

    fn write_i64(&mut self, key: i64) {
        self.hash = (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Item `index` of `list` as an i64, or None past its end. An exact int is
/// read in place (PyLong_AsLongLong runs no Python code for one; it raises
/// OverflowError beyond i64). Anything else goes through PyO3's extraction
/// (`__index__` may run Python code) holding its own reference to the item,
/// outside PyO3's pool.
fn int_at(list: &PyList, index: usize) -> Option<PyResult<i64>> {
    if index >= list.len() {
        return None;
    }
    let py = list.py();
    // SAFETY: index < len was checked just above, with the GIL held.
    unsafe {
        let item = ffi::PyList_GET_ITEM(list.as_ptr(), index as ffi::Py_ssize_t);
        if ffi::PyLong_CheckExact(item) != 0 {
            let value = ffi::PyLong_AsLongLong(item);
            if value == -1 {
                if let Some(error) = PyErr::take(py) {
                    return Some(Err(error));
                }
            }
            return Some(Ok(value));
        }
        Some(PyObject::from_borrowed_ptr(py, item).extract::<i64>(py))
    }
}

/// {item: how many times it occurs in items}, keys in first-occurrence order.
#[pyfunction]
fn count<'py>(py: Python<'py>, items: &PyList) -> PyResult<&'py PyDict> {
    let mut slot_of: HashMap<i64, usize, BuildHasherDefault<IntHasher>> = HashMap::default();
    let mut counts: Vec<(i64, u64)> = Vec::new();
    let mut index = 0;
    while let Some(item) = int_at(items, index) {
        let item = item?;
        match slot_of.get(&item) {
            Some(&slot) => counts[slot].1 += 1,
            None => {
                slot_of.insert(item, counts.len());
                counts.push((item, 1));
            }
        }
        index += 1;
    }
    let result = PyDict::new(py);
    for (item, times) in counts {
        result.set_item(item, times)?;
    }
    Ok(result)
}

#[pymodule]
fn counting_pyo3(_py: Python<'_>, module: &PyModule) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(count, module)?)?;
    Ok(())
}
