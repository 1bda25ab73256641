"""The pitfall linter's rules: one function per pitfall, reading a scope
of optdemo.lint_scope and yielding (node, message) for each finding.  Each
docstring states the pattern, why it is slow and the fix; RULES lists them
with their ids and lessons (`optdemo show <lesson>`).
"""

import ast

from optdemo.lint_numpy import check_numpy_vectorize
from optdemo.lint_scope import (
    ARITHMETIC,
    CHEAP_MODULES,
    GROWING_METHODS,
    LOOP_STATEMENTS,
    called_name,
    dotted,
    holds_list,
    holds_string,
    is_constant_node,
    is_string_value,
    maybe_list,
    membership_parts,
    method_receiver,
    parameter_names,
    same_node,
    subscript_base,
)

# Methods that keep their argument: `lines.append(text)` is a second reference to text.
STORING_METHODS = ("append", "appendleft", "add", "insert", "setdefault")


# ---------------------------------------------------------------- the rules

def _first_added(value):
    """`text` in `text + a + b` (the left end of a chain of +), else None."""
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
        return None
    while isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        value = value.left
    return value


def _concatenation_target(node):
    """The target of `target += piece` or `target = target + ...`, else None."""
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
        return node.target
    if (isinstance(node, ast.Assign) and len(node.targets) == 1
            and same_node(node.targets[0], _first_added(node.value))):
        return node.targets[0]
    return None


def _refers_to(value, name):
    """value is the name itself, or a tuple, list, set or dict display holding it."""
    if isinstance(value, ast.Name):
        return value.id == name
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return any(_refers_to(item, name) for item in value.elts)
    if isinstance(value, ast.Dict):
        return any(_refers_to(item, name) for item in value.keys + value.values if item is not None)
    return False


def _second_reference(scope, name, loop):
    """The first node inside loop that keeps another reference to the string
    in name after its own statement: `alias = name`, `lines.append(name)`,
    `table[key] = (name, n)`, `yield name`. A call such as len(name) or
    print(name) lets go of it when it returns: no second reference."""
    for node, loops in scope.in_loops():
        if loop not in loops:
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            targets = [node.target] if not isinstance(node, ast.Assign) else node.targets
            if (node.value is not None and _refers_to(node.value, name)
                    and not all(dotted(target) == name for target in targets)):
                return node
        elif isinstance(node, ast.Yield) and node.value is not None and _refers_to(node.value, name):
            return node
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in STORING_METHODS and any(_refers_to(argument, name) for argument in node.args)):
            return node
    return None


def _holds_string_item(scope, item):
    """Whether the item `container[key]` is a string: every assignment the
    scope makes to that same item is a string (`parts[key] = ""`, at least
    one), or the container is a defaultdict(str)."""
    container = dotted(item.value)
    makers = [binding.value for binding in scope.values(container)] if container else []
    if makers and all(called_name(value) in ("defaultdict", "collections.defaultdict") and value.args
                      and dotted(value.args[0]) == "str" for value in makers):
        return True
    assigned = [node.value for node in scope.nodes() if isinstance(node, ast.Assign)
                and any(same_node(target, item) for target in node.targets)
                and not same_node(_first_added(node.value), item)]
    return bool(assigned) and all(is_string_value(value) for value in assigned)


def _holds_string_target(scope, target, loop):
    """Whether the target of a concatenation holds a string that the loop
    (None: no loop) keeps adding to, rather than one it starts afresh each
    time: a name or attribute every visible assignment makes a string, or a
    container item (see _holds_string_item) whose key the loop does not change."""
    if isinstance(target, ast.Subscript):
        container = dotted(target.value)
        keys = [node.id for node in ast.walk(target.slice) if isinstance(node, ast.Name)]
        if container is None or not _holds_string_item(scope, target):
            return False
        return loop is None or not (scope.extended_in(container, loop)      # `lines[-1]` moves on
                                    or any(scope.rebound_in(name, loop) for name in [container] + keys))
    name = dotted(target)
    if name is None:
        return False
    concatenations = {id(binding.value) for binding in scope.values(name)
                      if dotted(_first_added(binding.value)) == name}
    if isinstance(target, ast.Attribute) and loop is not None and scope.rebound_in(dotted(target.value), loop):
        return False       # `for node in nodes: node.label += "*"`: one addition per object
    return (holds_string(scope, name, concatenations)
            and not (loop is not None and scope.rebound_in(name, loop, concatenations)))


def _why_it_copies(scope, node, target, loop):
    """Why CPython copies the whole string at this concatenation, or None when
    it grows it in place. CPython 3.11 appends in place only to a plain local
    variable of a function that holds the only reference to the string, and
    only when the sum is stored straight back into it (`text += a + b`)."""
    if isinstance(target, ast.Attribute):
        return "it lives in an attribute"
    if isinstance(target, ast.Subscript):
        return "it lives in a container"
    if not scope.is_function:
        return "outside a function it is not a local variable"
    if scope.lives_in_a_cell(target.id):
        return "a nested function or comprehension uses it, so it is a cell, not a local"
    if isinstance(node, ast.Assign) and _first_added(node.value.left) is not None:
        return f"`{target.id} + ...` makes a new string before the rest is added"
    alias = _second_reference(scope, target.id, loop)
    if alias is not None:
        return f"line {alias.lineno} keeps a second reference to it"
    return None


def _adds_to_a_buffer(scope, node, target):
    """`self.text += piece` in a method that does not assign self.text, where
    another method empties it (`self.text = ""`) and piece comes from the
    method's parameters (`def write(self, data)`): a buffer each call adds to.
    A fixed tail (`self.out += "\\n"`) is a one-off touch, not a buffer."""
    if scope.instance is None or dotted(target.value) != scope.instance:
        return False
    name = dotted(target)
    parameters = {argument.arg for argument in parameter_names(scope.node.args)} - {scope.instance}
    return (name not in scope.bindings
            and any(is_constant_node(binding.value, "") for binding in scope.values(name))
            and any(isinstance(read, ast.Name) and read.id in parameters for read in ast.walk(node.value)))


def check_string_concat(scope):
    """OPT001: building a string with `text += piece` (or `text = text + ...`)
    in a loop where CPython must copy it: text is an attribute or a container
    item, a global, a variable a nested function uses, or a local with a
    second reference made in the loop (`alias = text`, `lines.append(text)`),
    or the sum is built before it is stored (`text = text + a + b`). The
    target must be given string values only (`text = ""`, an f-string; for
    `self.text` anywhere in its class). `self.text += piece` is flagged
    outside a loop too, in a method such as write(self, piece) adding what it
    is given to an attribute another method empties (`self.text = ""`): the
    method is the loop's body, called once per piece.

    Why slow: strings are immutable, so each += may copy everything built so
    far: quadratic. CPython 3.11 grows a plain local variable in place when
    it holds the only reference, so a bare local `text += piece` is linear
    there (`optdemo show string_concat`) and is not flagged; every case above
    defeats that, and PyPy never does it.
    Fix: collect the pieces in a list and `"".join(pieces)` once."""
    for node, loops in scope.loops.items():
        target = _concatenation_target(node)
        if target is None:
            continue
        statement_loops = [loop for loop in loops if isinstance(loop, LOOP_STATEMENTS)]
        loop = statement_loops[-1] if statement_loops else None
        if loop is None and not (isinstance(target, ast.Attribute) and _adds_to_a_buffer(scope, node, target)):
            continue
        if statement_loops and all(scope.runs_a_fixed_number_of_times(outer) for outer in statement_loops):
            continue
        if not _holds_string_target(scope, target, loop):
            continue
        reason = _why_it_copies(scope, node, target, loop)
        if reason is None:
            continue
        text = ast.unparse(target)
        written = f"`{text} +=`" if isinstance(node, ast.AugAssign) else f"`{text} = {text} + ...`"
        when = "on every iteration" if loop is not None else "on every call"
        yield node, (f"{written} copies the text built so far {when} ({reason}): "
                     "append the pieces to a list and ''.join() them once")


def check_list_membership(scope):
    """OPT002: `x in items` (or `not in`) inside a loop, where items is a list
    built from the data in the same function (a comprehension, list(),
    sorted(), .split(), a `[]` the data fills, or a parameter annotated
    `list`) and not rebuilt by that loop.

    Why slow: `in` on a list compares x with every item, so n tests cost
    O(n^2). Fix: build a set once before the loop and test membership in it.
    When the loop grows the list itself (`if x not in seen: seen.append(x)`)
    a set built before the loop would miss the new items: keep a set beside
    the list and add each new item to both (or de-duplicate in order with
    `list(dict.fromkeys(items))`).
    Left alone: a test whose answer cannot change (`"-v" in args`: hoist it),
    loops that run a number of times the code fixes (`for key in ("a", "b")`),
    and a list the loop also shrinks or asks for positions (index()), which a
    set cannot stand in for."""
    for node, loops in scope.in_loops():
        key, container, _negated = membership_parts(node)
        if not (isinstance(container, ast.Name) and holds_list(scope, container.id)):
            continue
        name = container.id
        if (scope.rebound_in(name, loops[-1]) or isinstance(key, ast.Constant)
                or all(scope.runs_a_fixed_number_of_times(loop) for loop in loops)
                or any(scope.shrunk_in(name, loop) or scope.calls_in(name, ("index",), loop) for loop in loops)):
            continue
        if any(scope.extended_in(name, loop) for loop in loops):
            yield node, (f"`in {name}` scans a list that this loop grows: keep a set beside it "
                         "(add each new item to both) and test the set")
        else:
            yield node, (f"`in {name}` scans the list on every iteration: "
                         f"build `set({name})` once before the loop and test that")


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


def check_queue_popleft(scope):
    """OPT005: `items.pop(0)`, `del items[0]` or `items.insert(0, v)` in a
    loop, on a list that the loop does not rebuild (nor a deque: for
    `self.items`, what its class assigns counts too). Left alone: loops the
    code runs a fixed number of times (`for i in range(4)`) and a window of a
    length the code fixes (`[""] * 32`, one append for each pop(0)).

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
                    and not scope.rebound_in(name, loops[-1])
                    and not all(scope.runs_a_fixed_number_of_times(loop) for loop in loops)
                    and not _slides_a_fixed_window(scope, name, loops[-1])):
                yield node, (f"`{name}` {operation} moves every other item of the list: "
                             f"use collections.deque and its {fix}")


def _slides_a_fixed_window(scope, name, loop):
    """A list made with a length the code fixes (`window = [""] * 32`) that
    loop refills as it empties it (no more appends than pop(0)s): each pop(0)
    moves the same few items however long the data."""
    bindings = scope.values(name)
    if not bindings or not all(_fixed_length_list(binding.value) for binding in bindings):
        return False
    added = removed = 0
    for receiver, method, node, loops in scope.method_calls:
        if receiver == name and loop in loops:
            added += method in GROWING_METHODS
            removed += method == "pop" and len(node.args) == 1 and is_constant_node(node.args[0], 0)
    return added <= removed


def _fixed_length_list(value):
    """`[item] * 32` or `32 * [item]`: a list whose length is written in the code."""
    return (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult)
            and {type(value.left), type(value.right)} == {ast.List, ast.Constant}
            and isinstance((value.right if isinstance(value.right, ast.Constant) else value.left).value, int))


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
    No loop is needed for this one: the saving is per operation. A key
    written in the code (`if "intent" not in var: var["intent"] = []`) is left
    alone: that dict is a record whose fields hold values of different
    types, which no defaultdict can make."""
    message = "the entry is created by hand before use: use collections.defaultdict(list) (or set, dict)"
    for statements in scope.blocks:
        for index, statement in enumerate(statements):
            if not isinstance(statement, ast.If):
                continue
            key, container, negated = membership_parts(statement.test)
            if key is None or isinstance(key, ast.Constant):
                continue     # `if "intent" not in var:`: a record, its fields of mixed types
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
