"""What the pitfall linter (optdemo.lint) can tell from a function's code
alone: its scopes, what its names hold (a string, a list...), and the small
syntax helpers every rule uses.  Nothing is run or imported: a name's type
is guessed only from what the same function shows (`s = ""`, `seen = []`).
"""

import ast
import collections

LOOP_STATEMENTS = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
GROWING_METHODS = ("append", "extend", "insert")
NOT_A_LIST = ("dict", "set", "frozenset", "deque", "defaultdict", "OrderedDict", "Counter")
SCALAR_CALLS = ("abs", "min", "max", "float", "int", "round")
CHEAP_MODULES = ("math", "cmath", "random")   # functions cheap enough that a lookup shows
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)


# ---------------------------------------------------------------- small helpers

def dotted(node):
    """'queue' for a name, 'self.queue' for an attribute of a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return base + "." + node.attr if base else None
    return None


def called_name(node):
    """The dotted name a call calls ('sorted', 'np.array'), else None."""
    return dotted(node.func) if isinstance(node, ast.Call) else None


def method_receiver(node, methods):
    """For `receiver.method(...)` with method in methods: the receiver's dotted name."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in methods):
        return dotted(node.func.value)
    return None


def is_constant_node(node, value):
    """A literal equal to value and of its type (so True is not 1)."""
    return (isinstance(node, ast.Constant) and type(node.value) is type(value)
            and node.value == value)


def same_node(a, b):
    """Two expressions that read the same (`d[k]` read or assigned alike)."""
    return a is not None and b is not None and ast.unparse(a) == ast.unparse(b)


def subscript_base(node):
    """(container, key) for `container[key]`, else (None, None)."""
    if isinstance(node, ast.Subscript):
        return node.value, node.slice
    return None, None


def membership_parts(test):
    """(key, container, negated) for `key in container` / `key not in container`."""
    if (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.In, ast.NotIn))):
        return test.left, test.comparators[0], isinstance(test.ops[0], ast.NotIn)
    return None, None, None


def parameter_names(arguments):
    """Every parameter of a function, *args and **kwargs included."""
    extra = [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return arguments.posonlyargs + arguments.args + arguments.kwonlyargs + extra


def annotation_name(annotation):
    """'list' for `list`, `list[int]`, `List[int]` and `typing.List[int]`."""
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    name = dotted(annotation) or ""
    return name.rsplit(".", 1)[-1].lower()


# ---------------------------------------------------------------- scopes

Binding = collections.namedtuple("Binding", "value annotation loops")
Binding.__doc__ = "One assignment to a name: its value (None when not visible) and the loops around it."


class Scope:
    """A function body, a class body or the module's top level, without the
    functions and classes nested in it (each is a Scope of its own).

    For every node it records the loops around it, innermost last (a For,
    While or comprehension of this scope), and for every name assigned here
    each value it receives. Rules ask it what a name holds and whether a loop
    rebinds it."""

    def __init__(self, node, modules, cached=()):
        self.node = node
        self.cached = cached      # functions the module rewraps as `f = cache(f)`
        self.is_function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        self.loops = {}           # node -> tuple of enclosing loops in this scope
        self.bindings = {}        # dotted name -> [Binding]
        self.blocks = []          # every statement list, in order
        self.children = []        # nested functions and classes
        self.method_calls = []    # (receiver, method, node, loops) for `receiver.method(...)`
        self._explained = set()   # ids of target nodes already bound with their value
        if self.is_function:
            for argument in parameter_names(node.args):
                self._bind(argument.arg, None, (), argument.annotation)
        self._visit_block(node.body, ())
        local_names = set(self.bindings) if self.is_function else set()
        self.modules = {alias: module for alias, module in modules.items()
                        if alias not in local_names}

    def _bind(self, name, value, loops, annotation=None):
        self.bindings.setdefault(name, []).append(Binding(value, annotation, loops))

    def _visit_block(self, statements, loops):
        self.blocks.append(statements)
        for statement in statements:
            self._visit(statement, loops)

    def _visit(self, node, loops):
        self.loops[node] = loops
        self._record(node, loops)
        if isinstance(node, NEW_SCOPES):
            if not isinstance(node, ast.Lambda):
                self.children.append(node)
                self._bind(node.name, None, loops)
            return
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            inside = loops + (node,)
            if isinstance(node, ast.While):
                self._visit(node.test, inside)
            else:
                self._visit(node.iter, loops)
                self._visit(node.target, inside)
            self._visit_block(node.body, inside)
            self._visit_block(node.orelse, loops)
            return
        if isinstance(node, COMPREHENSIONS):
            inside = loops + (node,)
            for index, generator in enumerate(node.generators):
                self._visit(generator.iter, loops if index == 0 else inside)
                self._visit(generator.target, inside)
                for condition in generator.ifs:
                    self._visit(condition, inside)
            for part in ("elt", "key", "value"):
                if hasattr(node, part):
                    self._visit(getattr(node, part), inside)
            return
        for _field, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                self._visit_block(value, loops)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self._visit(item, loops)
            elif isinstance(value, ast.AST):
                self._visit(value, loops)

    def _record(self, node, loops):
        """Note the names node binds, and the method it calls."""
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if dotted(target):
                    self._bind(dotted(target), node.value, loops)
                    self._explained.add(id(target))
        elif isinstance(node, ast.AnnAssign) and dotted(node.target):
            self._bind(dotted(node.target), node.value, loops, node.annotation)
            self._explained.add(id(node.target))
        elif isinstance(node, ast.AugAssign):
            self._explained.add(id(node.target))   # a self-update, not a new value
        elif isinstance(node, ast.NamedExpr):
            self._bind(node.target.id, node.value, loops)
            self._explained.add(id(node.target))
        elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if id(node) not in self._explained and dotted(node):
                self._bind(dotted(node), None, loops)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                self._bind((alias.asname or alias.name).split(".")[0], None, loops)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                self._bind(name, None, loops)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._bind(node.name, None, loops)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = dotted(node.func.value)
            if receiver:
                self.method_calls.append((receiver, node.func.attr, node, loops))

    # -- questions the rules ask

    def nodes(self):
        """Every node of the scope, in source order."""
        return self.loops.keys()

    def in_loops(self, statement_loop=False):
        """(node, loops) for every node inside a loop (a For or While with
        statement_loop, a comprehension counting too otherwise)."""
        for node, loops in self.loops.items():
            if statement_loop:
                loops = tuple(loop for loop in loops if isinstance(loop, LOOP_STATEMENTS))
            if loops:
                yield node, loops

    def values(self, name, skip=()):
        """The bindings of name, except those whose value is in skip."""
        return [binding for binding in self.bindings.get(name, ())
                if binding.value is None or id(binding.value) not in skip]

    def rebound_in(self, name, loop, skip=()):
        """Whether loop assigns name a new value on each iteration."""
        return any(loop in binding.loops for binding in self.values(name, skip))

    def calls_in(self, name, methods, loop=None):
        """Whether `name.method(...)` is called (inside loop, if given)."""
        return any(receiver == name and method in methods and (loop is None or loop in loops)
                   for receiver, method, _node, loops in self.method_calls)

    def extended_in(self, name, loop=None):
        """Whether the list name grows: append/extend/insert, or `name += ...`."""
        if self.calls_in(name, GROWING_METHODS, loop):
            return True
        return any(isinstance(node, ast.AugAssign) and dotted(node.target) == name
                   and (loop is None or loop in loops) for node, loops in self.loops.items())


# ---------------------------------------------------------------- what a name holds

def is_string_value(value):
    """A str literal, an f-string, str(...), 'sep'.join(...), '...'.format(...),
    or a + / % with one of these on either side."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Call):
        if called_name(value) == "str":
            return True
        return (isinstance(value.func, ast.Attribute) and value.func.attr in ("join", "format")
                and isinstance(value.func.value, ast.Constant) and isinstance(value.func.value.value, str))
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Add, ast.Mod)):
        return is_string_value(value.left) or is_string_value(value.right)
    return False


def holds_string(scope, name, skip):
    """Every visible assignment of name (besides the concatenations in skip) is a string."""
    bindings = scope.values(name, skip)
    return bool(bindings) and all(
        is_string_value(binding.value) or annotation_name(binding.annotation) == "str"
        for binding in bindings)


def is_data_sized_list(scope, name, value):
    """A list whose length comes from the data: a comprehension, list(...),
    sorted(...), a .split(), or a list display that the scope extends."""
    if isinstance(value, ast.ListComp):
        return True
    if called_name(value) in ("list", "sorted"):
        return True
    if method_receiver(value, ("split", "splitlines", "readlines")) is not None:
        return True
    return isinstance(value, ast.List) and scope.extended_in(name)


def holds_list(scope, name):
    """Every assignment of name visible in scope makes it a list that grows with
    the data, or annotates it as a list."""
    bindings = scope.values(name)
    return bool(bindings) and all(
        annotation_name(binding.annotation) == "list"
        or (binding.value is not None and is_data_sized_list(scope, name, binding.value))
        for binding in bindings)


def maybe_list(scope, name):
    """No visible assignment makes name a dict, set or deque."""
    for binding in scope.values(name):
        value = binding.value
        if isinstance(value, (ast.Dict, ast.DictComp, ast.Set, ast.SetComp)):
            return False
        if (called_name(value) or "").rsplit(".", 1)[-1] in NOT_A_LIST:
            return False
        if annotation_name(binding.annotation) in ("dict", "set", "deque"):
            return False
    return True
