"""A worker in an external interpreter (docs/worker-protocol.md):

    PYTHON -E -s pyscripts/worker.py --fds R,W [--path DIR]...

answers optdemo's requests read from file descriptor R on W, with any Python
from 3.9 on (python3.11, a debug build, PyPy...).  The work is in
optdemo/runner.py, shared with the host's own interpreter.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from optdemo import runner  # noqa: E402  (found through the line above)

if __name__ == "__main__":
    sys.exit(runner.main(sys.argv[1:]))
