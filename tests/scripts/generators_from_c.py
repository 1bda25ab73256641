"""The sampler's hardest case: json's pure-Python encoder, whose generators
are resumed from C all the time (`yield from`, sum() over them), each
resumption a new C-level entry into the eval loop, sampled 10,000 times a
second.  A signal landing inside such an entry, before the new _PyCFrame's
current frame is set, once crashed the sampler's worker (SIGSEGV reading
stack garbage); now the walk is guarded and the sample counted as torn.
Run under `optdemo python`: prints the samples and the torn ones."""

import json
import sys

import _optdemo_host

DOCUMENT = [{"id": i, "tags": ["a", "b"], "s": {"x": i * 0.5}} for i in range(20000)]


def encode():
    encoder = json.JSONEncoder(check_circular=False)
    return sum(len(chunk) for chunk in encoder.iterencode(DOCUMENT))


def main(rounds):
    samples = torn = 0
    for _ in range(rounds):
        _, profile = _optdemo_host.sample(encode, rate=10000)
        samples += profile["samples"]
        torn += profile["torn"]
    print(f"samples {samples} torn {torn}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
