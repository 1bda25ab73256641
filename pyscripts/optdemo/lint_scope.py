"""What the pitfall linter (optdemo.lint) can tell from a function's code
alone: its scopes, what its names hold (a string, a list...), and the small
syntax helpers every rule uses.  Nothing is run or imported: a name's type
is guessed only from what the same function shows (`s = ""`, `seen = []`),
and for `self.attribute` in a method from what its class assigns to it.
"""

import ast
import collections

LOOP_STATEMENTS = (ast.For, ast.AsyncFor, ast.While)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
GROWING_METHODS = ("append", "extend", "insert")
SHRINKING_METHODS = ("remove", "pop", "clear")
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


def is_display(node):
    """A list, tuple or set written out item by item (`["a", b]`, no `*rest`)."""
    return (isinstance(node, (ast.List, ast.Tuple, ast.Set))
            and not any(isinstance(item, ast.Starred) for item in node.elts))


def is_constant_range(node):
    """`range(4)`, `range(1, 10, 2)`: a range whose bounds are written in the code."""
    return (called_name(node) == "range" and bool(node.args)
            and all(isinstance(argument, ast.Constant) for argument in node.args))


def self_name(function):
    """The name a method gives its instance (its first parameter, `self` by
    convention), or None for a static method or a method without parameters."""
    if any(dotted(decorator) == "staticmethod" for decorator in function.decorator_list):
        return None
    positional = function.args.posonlyargs + function.args.args
    return positional[0].arg if positional else None


def instance_attributes(class_node):
    """{attribute: [(owner, value, annotation)]} for every `self.attribute = value`
    in the class's methods (owner: that method) and every `name = value` in
    the class body (owner: the class; read as `self.name` too). A value is
    None when it is not visible (`self.a, self.b = pair`).

    This is how a method learns what the others put in an attribute:
    `self.text = ""` in __init__ tells add_line() that `self.text` is a string,
    `self.queue = deque()` that `self.queue` is no list."""
    found = {}
    for statement in class_node.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            annotation = getattr(statement, "annotation", None)
            for target in statement.targets if isinstance(statement, ast.Assign) else [statement.target]:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append((class_node, statement.value, annotation))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and self_name(statement):
            instance = self_name(statement)
            explained = set()
            for node in ast.walk(statement):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    annotation = getattr(node, "annotation", None)
                    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                        if isinstance(target, ast.Attribute) and dotted(target.value) == instance:
                            found.setdefault(target.attr, []).append((statement, node.value, annotation))
                            explained.add(id(target))
            for node in ast.walk(statement):
                if (isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del))
                        and dotted(node.value) == instance and id(node) not in explained):
                    found.setdefault(node.attr, []).append((statement, None, None))
    return found


# ---------------------------------------------------------------- scopes

Binding = collections.namedtuple("Binding", "value annotation loops")
Binding.__doc__ = "One assignment to a name: its value (None when not visible) and the loops around it."


class Scope:
    """A function body, a class body or the module's top level, without the
    functions and classes nested in it (each is a Scope of its own).

    For every node it records the loops around it, innermost last (a For,
    While or comprehension of this scope), and for every name assigned here
    each value it receives. Rules ask it what a name holds and whether a loop
    rebinds it. A method also sees what the rest of its class assigns to
    `self.attribute` (class_attributes, from instance_attributes())."""

    def __init__(self, node, modules, cached=(), class_attributes=None):
        self.node = node
        self.cached = cached      # functions the module rewraps as `f = cache(f)`
        self.is_function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        self.instance = None      # in a method: the name of its first parameter (`self`)
        self.attributes = {}      # in a method: attribute -> [Binding] made elsewhere in the class
        if class_attributes is not None and self.is_function and self_name(node):
            self.instance = self_name(node)
            for attribute, assignments in class_attributes.items():
                self.attributes[attribute] = [Binding(value, annotation, ())
                                              for owner, value, annotation in assignments
                                              if owner is not node]
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
        """The bindings of name, except those whose value is in skip. For
        `self.attribute` in a method, the class's other methods' too."""
        bindings = list(self.bindings.get(name, ()))
        if self.instance and name.count(".") == 1 and name.startswith(self.instance + "."):
            bindings += self.attributes.get(name.split(".")[1], [])
        return [binding for binding in bindings
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

    def grows_with_data(self, name):
        """Whether the list name takes in items from the data: append, extend,
        insert or `+=` inside a loop, or an extend or `+=` of anything but a
        literal. `dirs = ["/lib"]` then `dirs.extend(["/usr/lib"])` keeps a
        size the code fixes."""
        for receiver, method, node, loops in self.method_calls:
            if receiver == name and method in GROWING_METHODS:
                if loops or (method == "extend" and node.args and not is_display(node.args[0])):
                    return True
        return any(isinstance(node, ast.AugAssign) and dotted(node.target) == name
                   and (loops or not is_display(node.value)) for node, loops in self.loops.items())

    def shrunk_in(self, name, loop):
        """Whether loop takes items out of the list name: remove(), pop(),
        clear(), or `del name[...]`."""
        if self.calls_in(name, SHRINKING_METHODS, loop):
            return True
        return any(isinstance(node, ast.Delete) and loop in loops
                   and any(isinstance(target, ast.Subscript) and dotted(target.value) == name
                           for target in node.targets)
                   for node, loops in self.loops.items())

    def runs_a_fixed_number_of_times(self, loop):
        """A for loop or comprehension over literals only (`for key in ("a", "b")`,
        `range(4)`, a name bound only to such literals): the code sets how
        often it runs, so the work inside does not grow with the data."""
        if isinstance(loop, ast.While):
            return False
        if isinstance(loop, (ast.For, ast.AsyncFor)):
            iterables = [loop.iter]
        else:
            iterables = [generator.iter for generator in loop.generators]
        return all(self.is_literal_sequence(iterable) for iterable in iterables)

    def is_literal_sequence(self, node, names_seen=()):
        """A sequence whose length is written in the code: a display
        (`["a", b]`), a range of constants, a sum of these, enumerate(),
        reversed() or sorted() of one, or a name bound only to these and
        never grown."""
        if is_display(node) or is_constant_range(node):
            return True
        if called_name(node) in ("enumerate", "reversed", "sorted") and node.args:
            return self.is_literal_sequence(node.args[0], names_seen)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return (self.is_literal_sequence(node.left, names_seen)
                    and self.is_literal_sequence(node.right, names_seen))
        if not isinstance(node, ast.Name) or node.id in names_seen:
            return False
        bindings = self.values(node.id)
        return (bool(bindings) and not self.extended_in(node.id) and all(
            binding.value is not None and self.is_literal_sequence(binding.value, (*names_seen, node.id))
            for binding in bindings))

    def lives_in_a_cell(self, name):
        """Whether a function, lambda or comprehension nested in this function
        uses the local name: then it is a cell variable, not a plain local
        (CPython 3.11 compiles a comprehension as a function too; only its
        first iterable runs outside it)."""
        if not self.is_function:
            return False
        for inner in ast.walk(self.node):
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and inner is not self.node:
                parts = [inner.body] if isinstance(inner, ast.Lambda) else inner.body
                if name in {argument.arg for argument in parameter_names(inner.args)}:
                    continue
            elif isinstance(inner, COMPREHENSIONS):
                parts = [getattr(inner, part) for part in ("elt", "key", "value") if hasattr(inner, part)]
                for index, generator in enumerate(inner.generators):
                    parts += [generator.target] + generator.ifs + ([generator.iter] if index else [])
            else:
                continue
            names = [node for part in parts for node in ast.walk(part) if isinstance(node, ast.Name)]
            declared = any(isinstance(node, ast.Nonlocal) and name in node.names
                           for part in parts for node in ast.walk(part))
            if declared or (any(node.id == name for node in names)
                            and not any(node.id == name and isinstance(node.ctx, ast.Store) for node in names)):
                return True
        return False


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
    sorted(...), a .split(), or a list display that the scope fills from the
    data (see Scope.grows_with_data)."""
    if isinstance(value, ast.ListComp):
        return True
    if called_name(value) in ("list", "sorted"):
        return True
    if method_receiver(value, ("split", "splitlines", "readlines")) is not None:
        return True
    return isinstance(value, ast.List) and scope.grows_with_data(name)


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
