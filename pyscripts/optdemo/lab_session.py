"""The lab requests of the worker protocol (docs/labs.md,
docs/worker-protocol.md): the trusted side's (the lab, its cases, fresh
timing inputs and the reference's answers to them) and the sandboxed
side's (the sandbox, the solution, a call).  runner.Session hands them the
requests whose op is theirs; the timed calls themselves are C requests
(app/lab/lab_worker.c)."""

import gc
import json
import os
import time

from optdemo import lab, sandbox, workloads
from optdemo.protocol import Failure, call_workload, traceback_tail

MAX_BATCH = 64             # lab_inputs: at most this many inputs at once...
KEPT_BATCHES = 8           # ...and the reference's results of this many batches kept


class LabSession:
    """A lab worker's state between requests.  `output` is the session's
    capture of what the code called prints."""

    def __init__(self, output):
        self.output = output
        self.lab = None             # the lab module, in the trusted worker
        self.cases = []             # its cases: (label, args)
        self.expected = []          # the reference's results, as JSON values
        self.callables = {}         # "starter", "reference" or "solution" -> function
        self.batches = {}           # timed inputs' batch id -> the reference's results

    def operations(self):
        """op name -> handler, for runner.Session."""
        return {
            "lab": self.op_lab, "lab_inputs": self.op_lab_inputs,
            "lab_verify": self.op_lab_verify,
            "lab_compare": self.op_lab_compare, "lab_shrink": self.op_lab_shrink,
            "lab_judge": self.op_lab_judge, "sandbox": self.op_sandbox,
            "solution": self.op_solution, "call": self.op_call, "settle": self.op_settle,
        }

    # --- op_NAME answers op NAME --------------------------------------------------

    def op_lab(self, request):
        """The trusted side: load a lab, its starter and reference, and make
        the cases and the reference's results.  Once per worker: a trusted
        worker serves one lab, whoever asks."""
        folder = request.get("folder")
        if not isinstance(folder, str):
            raise Failure("protocol", "lab: folder must be a string")
        if self.lab is not None:
            raise Failure("protocol", "lab: this worker has loaded its lab already")
        try:
            module, starter, reference = lab.load_lab(folder)
            self.cases = [(label, tuple(args)) for label, args in module.cases()]
            described = lab.describe(folder, module)
        except lab.LabError as error:
            raise Failure("contract", str(error)) from None
        except (Exception, SystemExit):
            raise Failure("exception", traceback_tail()) from None
        self.lab = module
        self.callables.update(starter=starter, reference=reference)
        self.expected = []
        for label, args in self.cases:
            result = call_workload(reference, *self._fresh(args))
            self.expected.append(json.loads(self._as_json(result, f"the reference on {label}")))
        return {"lab": described,
                "cases": [{"label": label, "args": list(args)} for label, args in self.cases]}

    def op_lab_inputs(self, request):
        """`count` fresh timing inputs at size n (timing_input(n, seed + i)),
        each different by value, and the reference's results on them, kept
        under a batch id for lab_verify.  The inputs go back as lines of
        JSON text, which the host passes on to the workers to be timed
        without parsing them; no worker sees an input before it is timed."""
        n, count, seed = request.get("n"), request.get("count"), request.get("seed")
        if (self.lab is None or not all(isinstance(x, int) for x in (n, count, seed))
                or n <= 0 or not 0 < count <= MAX_BATCH):
            raise Failure("protocol", f"lab_inputs: load a lab, then give n > 0, seed and "
                                      f"0 < count <= {MAX_BATCH}")
        inputs, expected = [], []
        for i in range(count):
            args = call_workload(self.lab.timing_input, n, seed + i)
            text = self._as_json(list(args), f"timing_input({n})")
            inputs.append(text)
            result = call_workload(self.callables["reference"], *json.loads(text))
            expected.append(json.loads(self._as_json(result, "the reference's result")))
        batch = seed
        self.batches[batch] = expected
        while len(self.batches) > KEPT_BATCHES:       # the oldest first (dicts keep order)
            del self.batches[next(iter(self.batches))]
        return {"batch": batch, "lines_after": inputs}

    def op_lab_verify(self, request):
        """Whether results of timed calls (the first len(lines) inputs of a
        batch; each line a result's JSON text) are the reference's: the first
        that is not, and how."""
        batch, lines = request.get("batch"), request.get("lines_after", [])
        expected = self.batches.get(batch) if isinstance(batch, int) else None
        if expected is None or not isinstance(lines, list) or len(lines) > len(expected):
            raise Failure("protocol", "lab_verify: a batch of lab_inputs and at most as many "
                                      "results")
        try:
            results = [json.loads(line) for line in lines]
        except (TypeError, ValueError) as error:
            raise Failure("protocol", f"lab_verify: a result is not JSON: {error}") from None
        tolerance = getattr(self.lab, "TOLERANCE", None)
        for index, (want, got) in enumerate(zip(expected, results)):
            if not call_workload(workloads.same_result, want, got, tolerance):
                return {"matches": False, "index": index,
                        "mismatch": f"expected {lab.short(want)}, got {lab.short(got)}"}
        return {"matches": True, "index": None, "mismatch": None}

    def op_lab_compare(self, request):
        """Whether a solution's result (a JSON value) is the reference's."""
        index, result = request.get("case"), request.get("result")
        if self.lab is None or not isinstance(index, int) or not 0 <= index < len(self.expected):
            raise Failure("protocol", "lab_compare: load a lab, then name one of its cases")
        expected = self.expected[index]
        tolerance = getattr(self.lab, "TOLERANCE", None)
        if call_workload(workloads.same_result, expected, result, tolerance):
            return {"matches": True, "mismatch": None}
        return {"matches": False, "mismatch": f"expected {lab.short(expected)}, "
                                              f"got {lab.short(result)}"}

    def op_lab_shrink(self, request):
        """Smaller versions of a failing case's arguments (lab.py)."""
        args = request.get("args")
        if self.lab is None or not isinstance(args, list):
            raise Failure("protocol", "lab_shrink: load a lab, then give args (a list)")
        return {"candidates": lab.shrink_candidates(args)}

    def op_lab_judge(self, request):
        """The reference on arbitrary arguments, compared with a solution's
        result; valid is False where the reference itself refuses them (a
        shrunk input the function was never meant to get)."""
        args, result = request.get("args"), request.get("result")
        if self.lab is None or not isinstance(args, list):
            raise Failure("protocol", "lab_judge: load a lab, then give args (a list)")
        try:
            with self.output:
                expected = self.callables["reference"](*self._fresh(args))
            expected = json.loads(lab.to_json(expected, "the reference's result"))
        except Exception:          # the reference refuses it: not an input to shrink to
            return {"valid": False, "matches": False, "mismatch": None}
        tolerance = getattr(self.lab, "TOLERANCE", None)
        matches = call_workload(workloads.same_result, expected, result, tolerance)
        return {"valid": True, "matches": bool(matches),
                "mismatch": None if matches else f"expected {lab.short(expected)}, "
                                                 f"got {lab.short(result)}"}

    def op_sandbox(self, request):
        """The untrusted side, before the solution is imported: the audit
        hook and, where the host provides it, the seccomp filter."""
        workdir, hidden = request.get("workdir"), request.get("hidden", [])
        if not isinstance(workdir, str) or not isinstance(hidden, list):
            raise Failure("protocol", "sandbox: workdir (a folder) and hidden (a list)")
        self.output.open_file(workdir)
        return {"layers": sandbox.engage(workdir, hidden)}

    def op_solution(self, request):
        """Load the solution from its source (the host read the student's
        file; this worker sees no file of theirs): written to solution.py in
        the working folder, so that tracebacks show its lines.  The baseline
        worker loads the starter and the reference the same way, under
        their own names."""
        source, function = request.get("source"), request.get("function")
        name = request.get("name", "solution")
        if (not isinstance(source, str) or not isinstance(function, str)
                or name not in ("solution", "starter", "reference")):
            raise Failure("protocol", "solution: source and function must be strings, name "
                                      "solution, starter or reference")
        path = os.path.abspath("solution.py" if name == "solution" else f"{name}.py")
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(source)
        try:
            with self.output:
                self.callables[name] = lab.load_function(path, function, f"optdemo_{name}")
        except lab.LabError as error:
            raise Failure("contract", str(error)) from None
        except (Exception, SystemExit):
            raise Failure("exception", traceback_tail(), self.output.first_lines()[0]) from None
        return {}

    def op_call(self, request):
        function = self._callable(request, "call")
        args = request.get("args")
        if not isinstance(args, list):
            raise Failure("protocol", "call: args must be a list")
        with self.output:
            start = time.perf_counter()
            result = call_workload(function, *args)
            seconds = time.perf_counter() - start
        return {"result": json.loads(self._as_json(result, "the result")), "seconds": seconds,
                "output": self.output.first_lines()[0]}

    def op_settle(self, request):
        """Before timing: collect, then freeze what the worker holds (its
        cases, the reference's answers) out of every later collection, so
        that the solution's worker and the trusted one time alike.  The
        timed calls themselves go through the C requests stage, run and
        results (app/lab/lab_worker.c), which no Python code of the worker's
        sees."""
        gc.collect()
        gc.freeze()
        return {}

    def _callable(self, request, op):
        name = request.get("name")
        if name not in self.callables:
            raise Failure("protocol", f"{op}: no function {name!r} here; loaded: "
                          + ", ".join(self.callables))
        return self.callables[name]

    @staticmethod
    def _fresh(args):
        """A copy of JSON arguments that shares nothing with `args`."""
        return json.loads(json.dumps(list(args)))

    @staticmethod
    def _as_json(value, what):
        try:
            return lab.to_json(value, what)
        except lab.LabError as error:
            raise Failure("contract", str(error)) from None
