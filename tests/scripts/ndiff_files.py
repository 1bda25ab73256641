"""difflib's ndiff on two files, the difference on stdout: the standard
library's code, driven as `diff` would be (the profile tests and benches)."""

import difflib
import sys

first, second = (open(name, encoding="utf-8").readlines() for name in sys.argv[1:3])
sys.stdout.writelines(difflib.ndiff(first, second))
