"""The pitfall linter's NumPy rule, OPT004, and the helpers it alone needs:
telling an array from a Python list, and a loop body that only does
element-wise arithmetic from one that carries a value between iterations
(a recurrence, which has no plain array expression).
"""

import ast

from optdemo.lint_scope import SCALAR_CALLS, annotation_name, called_name, dotted, same_node

# NumPy functions that return an iterator over an array, not an array: a loop
# over np.nditer is the iterator's own protocol (it yields 0-d views whose
# writes go to its operands, with shapes set by flags the linter cannot read).
ITERATOR_FUNCTIONS = ("nditer", "nested_iters")


def _numpy_array(scope, node, numpy_names):
    """Whether node is an array: a call of a numpy function (but not of an
    iterator such as np.nditer), or a name whose every assignment is one (or
    that is annotated np.ndarray)."""
    if isinstance(node, ast.Call):
        called = (called_name(node) or "").split(".")
        return called[0] in numpy_names and called[-1] not in ITERATOR_FUNCTIONS
    if not isinstance(node, ast.Name):
        return False
    bindings = scope.values(node.id)
    return bool(bindings) and all(
        annotation_name(binding.annotation) == "ndarray"
        or (binding.value is not None and _numpy_array(scope, binding.value, numpy_names))
        for binding in bindings)


def _arithmetic_only(statements, allowed_modules):
    """Statements that only compute: assignments (to names or items) and ifs,
    calling nothing but math/numpy functions and abs/min/max/float/int/round,
    with at least one arithmetic operator."""
    arithmetic = False
    for statement in statements:
        if isinstance(statement, ast.If):
            if not _arithmetic_only(statement.body + statement.orelse, allowed_modules):
                return False
            arithmetic = True
            parts = [statement.test]
        elif isinstance(statement, (ast.Assign, ast.AugAssign)):
            if not all(isinstance(target, (ast.Name, ast.Subscript)) for target in _targets(statement)):
                return False
            parts = [statement.value]
            arithmetic = arithmetic or isinstance(statement, ast.AugAssign)
        elif isinstance(statement, (ast.Pass, ast.Continue)):
            continue
        else:
            return False
        for node in (inner for part in parts for inner in ast.walk(part)):
            if isinstance(node, ast.BinOp):
                arithmetic = True
            elif isinstance(node, ast.Call):
                called = called_name(node) or ""
                if called not in SCALAR_CALLS and called.split(".")[0] not in allowed_modules:
                    return False
    return arithmetic


def _targets(statement):
    """What an assignment writes: its targets (none for other statements)."""
    if isinstance(statement, ast.Assign):
        return statement.targets
    if isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        return [statement.target]
    return []


def _flatten(statements):
    """The statements of a loop body with each if's test and branches inlined."""
    flat = []
    for statement in statements:
        if isinstance(statement, ast.If):
            flat.extend([statement.test] + _flatten(statement.body + statement.orelse))
        else:
            flat.append(statement)
    return flat


def _accumulated(statement):
    """The name of `total += e` or `total = total + e` (e not reading total), else None."""
    if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
        return statement.target.id
    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name) and isinstance(statement.value, ast.BinOp)
            and dotted(statement.value.left) == statement.targets[0].id
            and statement.targets[0].id not in {dotted(node) for node in ast.walk(statement.value.right)}):
        return statement.targets[0].id
    return None


def _carries_a_value(statements, index_names):
    """Whether an iteration reads what an earlier one wrote: a name read before
    this iteration assigns it (`state = state * a + v`), an accumulator read
    inside the loop (`fac /= j; w[j] = fac`, a running product), or an item of
    an array written in the loop read at another index (`y[i] = y[i - 1] + x[i]`).
    Such recurrences have no plain array expression. Reductions (`total += v`,
    never read in the loop) are fine: sum() and friends do them."""
    flat = _flatten(statements)
    accumulators = {_accumulated(statement) for statement in flat} - {None}
    temporaries = {target.id for statement in flat
                   if isinstance(statement, ast.Assign) and not _accumulated(statement)
                   for target in statement.targets if isinstance(target, ast.Name)}
    written_arrays = {dotted(target.value) for statement in flat
                      for target in _targets(statement) if isinstance(target, ast.Subscript)}
    assigned_so_far = set()
    for statement in flat:
        if isinstance(statement, ast.Assign) and _accumulated(statement):
            read_part = statement.value.right     # `total = total + e`: e is what is read
        elif isinstance(statement, (ast.Assign, ast.AugAssign)):
            read_part = statement.value
        else:
            read_part = statement
        for node in ast.walk(read_part):
            if isinstance(node, ast.Name) and (
                    node.id in accumulators
                    or node.id in temporaries and node.id not in assigned_so_far):
                return True
            if (isinstance(node, ast.Subscript) and dotted(node.value) in written_arrays
                    and dotted(node.slice) not in index_names):
                return True
        if isinstance(statement, ast.Assign):
            assigned_so_far.update(target.id for target in statement.targets if isinstance(target, ast.Name))
    return False


def _element_by_element(scope, statements, numpy_names, index_names):
    """Whether the body touches arrays only one item at a time: every array
    named in it appears as `array[i]`, i a loop variable. A body that uses a
    whole array or a slice (`x - 0.5`, `x[:i]`, `out[mask]`) already does
    vector work in each iteration: not the lesson's pattern."""
    items = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Subscript) and dotted(node.slice) in index_names:
                items.add(id(node.value))
    return all(id(node) in items or not _numpy_array(scope, node, numpy_names)
               for statement in statements for node in ast.walk(statement)
               if isinstance(node, ast.Name))


def check_numpy_vectorize(scope):
    """OPT004: a `for` loop over a NumPy array (`for v in arr`, zip() or
    enumerate() of arrays, or `for i in range(len(arr))` indexing arr[i]),
    whose body only does arithmetic on single elements (`x[i]`, never a whole
    array or a slice), one iteration not depending on the one before (a
    recurrence needs scipy or a compiler).

    Why slow: each element becomes a Python float and each operation runs
    bytecode; NumPy does the same work in one C loop over raw numbers.
    Fix: write it as an array expression (`(x * y).sum()`, `np.dot(x, y)`,
    `np.where(...)`). On a handful of elements NumPy's per-call cost wins:
    see `optdemo show numpy_small`."""
    numpy_names = {alias for alias, module in scope.modules.items() if module == "numpy"}
    if not numpy_names:
        return
    math_names = {alias for alias, module in scope.modules.items() if module in ("math", "numpy")}
    for node in scope.nodes():
        if not isinstance(node, ast.For):
            continue
        iterated = node.iter
        arrays = []
        if called_name(iterated) in ("zip", "enumerate"):
            arrays = [arg for arg in iterated.args if _numpy_array(scope, arg, numpy_names)]
        elif called_name(iterated) == "range" and len(iterated.args) == 1 and isinstance(node.target, ast.Name):
            size = iterated.args[0]
            measured = size.args[0] if called_name(size) == "len" and len(size.args) == 1 else None
            if (_numpy_array(scope, measured, numpy_names)
                    and any(same_node(item.value, measured) and dotted(item.slice) == node.target.id
                            for item in ast.walk(node) if isinstance(item, ast.Subscript))):
                arrays = [measured]
        elif _numpy_array(scope, iterated, numpy_names):
            arrays = [iterated]
        index_names = {name.id for name in ast.walk(node.target) if isinstance(name, ast.Name)}
        if (arrays and _arithmetic_only(node.body, math_names)
                and _element_by_element(scope, node.body, numpy_names, index_names)
                and not _carries_a_value(node.body, index_names)):
            yield node, ("a Python loop does arithmetic on a NumPy array element by element: "
                         "write it as one array expression (e.g. `(x * y).sum()`)")
