"""The pitfall linter's rules: one function per pitfall, reading a scope
of optdemo.lint_scope and yielding (node, message) for each finding.  Each
docstring states the pattern, why it is slow and the fix; RULES lists them
with their ids and lessons (`optdemo show <lesson>`).
"""

import ast

from optdemo.lint_scope import (
    ARITHMETIC,
    CHEAP_MODULES,
    LOOP_STATEMENTS,
    SCALAR_CALLS,
    annotation_name,
    called_name,
    dotted,
    holds_list,
    holds_string,
    is_constant_node,
    maybe_list,
    membership_parts,
    method_receiver,
    parameter_names,
    same_node,
    subscript_base,
)


# ---------------------------------------------------------------- the rules

def _first_added(value):
    """`text` in `text + a + b` (the left end of a chain of +), else None."""
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
        return None
    while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        value = value.left
    return value


def check_string_concat(scope):
    """OPT001: `text += piece` or `text = text + piece` in a loop, where text
    was given a string value in the same function (`text = ""`, an f-string).

    Why slow: strings are immutable, so each += may copy everything built so
    far: quadratic. CPython resizes in place when nothing else refers to the
    string, but an alias, an attribute or PyPy makes it quadratic again.
    Fix: collect the pieces in a list and `"".join(pieces)` once."""
    for node, loops in scope.in_loops(statement_loop=True):
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            target = node.target
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1
              and same_node(node.targets[0], _first_added(node.value))):
            target = node.targets[0]
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        concatenations = {id(binding.value) for binding in scope.values(target.id)
                          if dotted(_first_added(binding.value)) == target.id}
        if (holds_string(scope, target.id, concatenations)
                and not scope.rebound_in(target.id, loops[-1], concatenations)):
            yield node, (f"string `{target.id} +=` in a loop copies the text built so far: "
                         "append the pieces to a list and ''.join() them once")


def check_list_membership(scope):
    """OPT002: `x in items` (or `not in`) inside a loop, where items is a list
    built from the data in the same function (a comprehension, list(),
    sorted(), .split(), a `[]` that is appended to, or a parameter annotated
    `list`) and not rebuilt by that loop.

    Why slow: `in` on a list compares x with every item, so n tests cost
    O(n^2). Fix: build a set once before the loop and test membership in it."""
    for node, loops in scope.in_loops():
        _key, container, _negated = membership_parts(node)
        if (isinstance(container, ast.Name) and holds_list(scope, container.id)
                and not scope.rebound_in(container.id, loops[-1])):
            yield node, (f"`in {container.id}` scans the list on every iteration: "
                         f"build `set({container.id})` once before the loop and test that")


def check_global_lookup(scope):
    """OPT003: `math.function(...)` (or cmath, random) inside a for/while loop
    of a function, its result feeding arithmetic (`total += math.sqrt(x)`),
    the module bound by `import`. Calls that do real work (`os.write`,
    `heapq.heappush`) are not flagged: next to them a lookup is noise.

    Why slow: each call looks up the global `module`, then its attribute.
    CPython 3.11+ caches both lookups, so the saving is a few percent; the
    bigger win is moving the whole loop into C. Fix: `sqrt = math.sqrt`
    before the loop, or `sum(map(math.sqrt, values))`."""
    if not scope.is_function:
        return
    for node, _loops in scope.in_loops(statement_loop=True):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ARITHMETIC):
            operands = (node.left, node.right)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ARITHMETIC):
            operands = (node.value,)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operands = (node.operand,)
        else:
            continue
        for operand in operands:
            function = operand.func if isinstance(operand, ast.Call) else None
            if (isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name)
                    and scope.modules.get(function.value.id) in CHEAP_MODULES):
                name = f"{function.value.id}.{function.attr}"
                yield operand, (f"`{name}` is looked up on every iteration: bind "
                                f"`{function.attr} = {name}` before the loop, or use map()")


def _numpy_array(scope, node, numpy_names):
    """Whether node is an array: a call of a numpy function, or a name whose
    every assignment is one (or that is annotated np.ndarray)."""
    if isinstance(node, ast.Call):
        return (called_name(node) or "").split(".")[0] in numpy_names
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


def check_queue_popleft(scope):
    """OPT005: `items.pop(0)`, `del items[0]` or `items.insert(0, v)` in a
    loop, on a list that the loop does not rebuild.

    Why slow: a list is one array; removing or adding at the front moves every
    item behind it, so draining n items costs O(n^2). Fix: collections.deque,
    whose popleft() and appendleft() are O(1). A list that belongs to a module
    (`sys.path.insert(0, folder)`) is left alone: it has to stay a list."""
    for node, loops in scope.in_loops():
        targets = []
        if isinstance(node, ast.Call) and len(node.args) >= 1 and is_constant_node(node.args[0], 0):
            if len(node.args) == 1 and method_receiver(node, ("pop",)):
                targets = [(method_receiver(node, ("pop",)), "pop(0)", "popleft()")]
            elif len(node.args) == 2 and method_receiver(node, ("insert",)):
                targets = [(method_receiver(node, ("insert",)), "insert(0, ...)", "appendleft()")]
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                container, key = subscript_base(target)
                if dotted(container) and is_constant_node(key, 0):
                    targets.append((dotted(container), "del [0]", "popleft()"))
        for name, operation, fix in targets:
            if (name.split(".")[0] not in scope.modules and maybe_list(scope, name)
                    and not scope.rebound_in(name, loops[-1])):
                yield node, (f"`{name}` {operation} moves every other item of the list: "
                             f"use collections.deque and its {fix}")


def _sorts_in_loop(scope):
    """(node, name, loop) for `name.sort()` or `name = sorted(name)` in a loop
    that also grows name (append, extend, insert, +=) and does not rebuild it."""
    for node, loops in scope.in_loops():
        name = None
        skip = ()
        if method_receiver(node, ("sort",)) and not node.args:
            name = method_receiver(node, ("sort",))
        elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and called_name(node.value) == "sorted"
              and node.value.args and same_node(node.targets[0], node.value.args[0])):
            name, skip = dotted(node.targets[0]), {id(node.value)}
        if name and scope.extended_in(name, loops[-1]) and not scope.rebound_in(name, loops[-1], skip):
            yield node, name, loops[-1]


def check_sorted_insert(scope):
    """OPT006: a list appended to and sorted again in the same loop
    (`ordered.append(v)` then `ordered.sort()`, or `ordered = sorted(ordered)`).

    Why slow: each sort compares at least every item, so n inserts cost
    O(n^2) comparisons (O(n^2 log n) with sorted()). Fix: bisect.insort(),
    a binary search in C; or sort once after the loop if nothing reads the
    list in between. (When the loop also pops the smallest, OPT008 reports it.)"""
    for node, name, loop in _sorts_in_loop(scope):
        if not scope.calls_in(name, ("pop",), loop):
            yield node, (f"`{name}` is sorted again after each insert: use bisect.insort(), "
                         "or sort once after the loop")


def _scan_for_extreme(statement):
    """The target of `smallest = min(queue...)` (or max), else None."""
    if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and called_name(statement.value) in ("min", "max") and statement.value.args
            and dotted(statement.value.args[0])):
        return statement.targets[0]
    return None


def check_priority_queue(scope):
    """OPT008: a priority queue kept by scanning: `m = min(q)` then
    `q.remove(m)` (or `q.remove(min(q))`, max too) in a loop; or a list
    appended to, re-sorted and popped in the same loop.

    Why slow: min() scans all n items and remove() scans and shifts them
    again; re-sorting costs at least n comparisons per pop. Fix: heapq:
    heappush() and heappop() are O(log n). A list rebuilt on every iteration
    is no queue: its one min() and remove() are left alone."""
    for statements in scope.blocks:
        if not statements or not scope.loops[statements[0]]:
            continue
        for index, statement in enumerate(statements):
            smallest = _scan_for_extreme(statement)
            if smallest is None:
                continue
            queue = dotted(statement.value.args[0])
            if scope.rebound_in(queue, scope.loops[statement][-1]):
                continue
            if any(method_receiver(node, ("remove",)) == queue and node.args
                   and same_node(node.args[0], smallest)
                   for later in statements[index + 1:] for node in ast.walk(later)):
                yield statement, (f"{statement.value.func.id}() then remove() scan `{queue}` on "
                                  "every pop: use heapq (heappush/heappop)")
    for node, loops in scope.in_loops():
        queue = method_receiver(node, ("remove",))
        scanned = node.args[0] if queue and len(node.args) == 1 else None
        if (called_name(scanned) in ("min", "max") and scanned.args and dotted(scanned.args[0]) == queue
                and not scope.rebound_in(queue, loops[-1])):
            yield node, (f"remove({scanned.func.id}({queue})) scans `{queue}` twice on every pop: "
                         "use heapq (heappush/heappop)")
    for node, name, loop in _sorts_in_loop(scope):
        if scope.calls_in(name, ("pop",), loop):
            yield node, (f"`{name}` is re-sorted to pop its smallest item: "
                         "use heapq (heappush/heappop)")


def _counter_update(statement):
    """(container, key, amount) for `d[k] += amount`, else None."""
    if isinstance(statement, ast.AugAssign) and isinstance(statement.op, ast.Add):
        container, key = subscript_base(statement.target)
        if container is not None:
            return container, key, statement.value
    return None


def _item_assignment(statement):
    """(container, key, value) for `d[k] = value`, else None."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        container, key = subscript_base(statement.targets[0])
        if container is not None:
            return container, key, statement.value
    return None


def _is_number(node):
    """An int or float literal (not a bool): what a count adds."""
    return (isinstance(node, ast.Constant) and type(node.value) in (int, float))


def _only(statements):
    """The statement of a one-statement block, else None."""
    return statements[0] if len(statements) == 1 else None


def _same_item(first, second):
    return first and second and same_node(first[0], second[0]) and same_node(first[1], second[1])


def check_counting(scope):
    """OPT007: counting with a dict by hand, in a loop:
    `if k in d: d[k] += 1 else: d[k] = 1` (either way round),
    `if k not in d: d[k] = 0` followed by `d[k] += 1`,
    `try: d[k] += 1 except KeyError: d[k] = 1`, and `d[k] = d.get(k, 0) + 1`.

    Why slow: every item costs a membership test and two more dict probes in
    bytecode. Fix: `collections.Counter(items)` counts in one C loop (or
    defaultdict(int) when the amounts are not 1). The amount added must be a
    number literal (or the default 0): `d[k] += "]"` builds strings, not counts."""
    message = "counting by hand with a dict: use collections.Counter(items), or defaultdict(int)"
    for statements in scope.blocks:
        in_a_loop = statements and any(isinstance(loop, LOOP_STATEMENTS)
                                       for loop in scope.loops[statements[0]])
        if not in_a_loop:
            continue
        for index, statement in enumerate(statements):
            following = statements[index + 1] if index + 1 < len(statements) else None
            if isinstance(statement, ast.If):
                key, container, negated = membership_parts(statement.test)
                if negated:
                    present, absent = _only(statement.orelse), _only(statement.body)
                else:
                    present, absent = _only(statement.body), _only(statement.orelse)
                update, reset = _counter_update(present), _item_assignment(absent)
                if (key is not None and _same_item(update, (container, key))
                        and _same_item(reset, update) and same_node(reset[2], update[2])
                        and _is_number(update[2])):
                    yield statement, message
                elif (negated and not statement.orelse and _same_item(reset, (container, key))
                      and is_constant_node(reset[2], 0) and _same_item(_counter_update(following), reset)):
                    yield statement, message
            elif isinstance(statement, ast.Try) and len(statement.body) == 1 and len(statement.handlers) == 1:
                handler = statement.handlers[0]
                update = _counter_update(statement.body[0])
                if (update and _is_number(update[2]) and dotted(handler.type) == "KeyError"
                        and len(handler.body) == 1
                        and _same_item(_item_assignment(handler.body[0]), update)):
                    yield statement, message
            elif _item_assignment(statement) and isinstance(statement.value, ast.BinOp):
                container, key, value = _item_assignment(statement)
                for side in (value.left, value.right):
                    if (method_receiver(side, ("get",)) and len(side.args) == 2
                            and same_node(side.func.value, container) and same_node(side.args[0], key)
                            and is_constant_node(side.args[1], 0)):
                        yield statement, message


def _empty_container(value):
    """[], {}, set(), list(), dict()."""
    if isinstance(value, (ast.List, ast.Set)) and not value.elts:
        return True
    if isinstance(value, ast.Dict) and not value.keys:
        return True
    return called_name(value) in ("list", "dict", "set") and not value.args and not value.keywords


def _method_receiver_node(node, methods):
    """The receiver expression of `receiver.method(...)`, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in methods:
        return node.func.value
    return None


def _uses_item(statement, item):
    """Whether statement calls a method of, or indexes, the item `d[k]`."""
    return any(isinstance(node, (ast.Attribute, ast.Subscript)) and same_node(node.value, item)
               for node in ast.walk(statement))


def check_dict_defaults(scope):
    """OPT009: making a dict entry by hand before using it:
    `if k not in d: d[k] = []` followed by `d[k].append(v)` (any empty
    list, dict or set), or `if k in d: d[k].append(v) else: d[k] = [v]`.

    Why slow: an extra membership probe per item, in bytecode. Fix:
    `collections.defaultdict(list)`, whose missing-key hook runs in C.
    No loop is needed for this one: the saving is per operation."""
    message = "the entry is created by hand before use: use collections.defaultdict(list) (or set, dict)"
    for statements in scope.blocks:
        for index, statement in enumerate(statements):
            if not isinstance(statement, ast.If):
                continue
            key, container, negated = membership_parts(statement.test)
            if key is None:
                continue
            item = ast.Subscript(value=container, slice=key, ctx=ast.Load())
            if negated:
                absent, present = _only(statement.body), _only(statement.orelse)
            else:
                absent, present = _only(statement.orelse), _only(statement.body)
            created = _item_assignment(absent)
            if not _same_item(created, (container, key)):
                continue
            following = statements[index + 1] if index + 1 < len(statements) else None
            if not statement.orelse and negated and _empty_container(created[2]) \
                    and following is not None and _uses_item(following, item):
                yield statement, message
            elif (isinstance(created[2], (ast.List, ast.Set)) and len(created[2].elts) == 1
                  and isinstance(present, ast.Expr)
                  and same_node(_method_receiver_node(present.value, ("append", "add")), item)):
                yield statement, message


def check_caching(scope):
    """OPT010: a function with a statement that calls the function itself twice
    or more, each call with an argument that is a parameter minus or plus a
    number (`return fib(n - 1) + fib(n - 2)`), and no cache decorator.

    Why slow: the calls solve overlapping subproblems again and again, an
    exponential number of calls. Fix: @functools.cache (or lru_cache) on the
    function, which keeps each answer. Trees (`node.left`), slices (merge
    sort) and calls whose result is thrown away (Hanoi) are not flagged:
    their subproblems do not repeat."""
    function = scope.node
    if not scope.is_function or any(is_cache_decorator(decorator) for decorator in function.decorator_list):
        return
    if function.name in scope.cached:
        return
    if any(isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) for node in scope.nodes()):
        return     # memoised by hand: `memo[n] = ...`
    parameters = {argument.arg for argument in parameter_names(function.args)}
    names = {function.name, "self." + function.name, "cls." + function.name}
    for node in scope.nodes():
        if not isinstance(node, (ast.Return, ast.Assign, ast.AugAssign, ast.AnnAssign)) or node.value is None:
            continue
        calls = [call for call in ast.walk(node.value) if called_name(call) in names]
        if len(calls) >= 2 and all(_shrinks(call, parameters) for call in calls):
            yield function, (f"{function.name}() calls itself {len(calls)} times on overlapping "
                             "arguments: decorate it with @functools.cache")
            return


def _shrinks(call, parameters):
    """Some argument is `parameter - number` or `parameter + number`."""
    return any(isinstance(argument, ast.BinOp) and isinstance(argument.op, (ast.Sub, ast.Add))
               and isinstance(argument.left, ast.Name) and argument.left.id in parameters
               and isinstance(argument.right, ast.Constant) and isinstance(argument.right.value, int)
               for argument in call.args)


def is_cache_decorator(decorator):
    """@cache, @functools.lru_cache(maxsize=...), @memoize, ..."""
    name = called_name(decorator) or dotted(decorator) or ""
    last = name.rsplit(".", 1)[-1].lower()
    return "cache" in last or "memo" in last


RULES = (
    ("OPT001", "string_concat", check_string_concat),
    ("OPT002", "list_membership", check_list_membership),
    ("OPT003", "global_lookup", check_global_lookup),
    ("OPT004", "numpy_vectorize", check_numpy_vectorize),
    ("OPT005", "queue_popleft", check_queue_popleft),
    ("OPT006", "sorted_insert", check_sorted_insert),
    ("OPT007", "counting", check_counting),
    ("OPT008", "priority_queue", check_priority_queue),
    ("OPT009", "dict_defaults", check_dict_defaults),
    ("OPT010", "caching", check_caching),
)
