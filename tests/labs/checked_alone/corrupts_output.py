"""Hostile solution for the print_queue lab: writes on the grader's screen.

(Its own folder: tests/test_cli_lab.py's batch knows no plain "error"
verdict; tests/test_cli_lab_hostile.py checks this one, alone and in a
batch, and reads the terminal output and the report files.)

Attempts: a solution's exception message reaches the grader's terminal,
the batch's summary table and the CSV, JSON and JUnit reports. This one
prints, then raises, a message holding a carriage return and ANSI escapes
that move the cursor up a line and erase it, then a forged summary row
("correct_fast.py  pass  13/13"), then a bell, an escape that sets the
terminal's title, a C0 control character (\\x01), U+FFFF (not a character
XML allows), and "]]>" (which ends an XML CDATA section).

Unguarded, on a terminal its row would be rewritten to read like another
student's pass, the title changed and the bell rung; and the JUnit report
would not parse (U+FFFF), failing the CI job that reads it.
Expected verdict: error (it raised), with every control character made
visible (escaped or replaced) wherever the message is shown, and reports
that parse and agree. What should stop it: the host's output, which must
treat a solution's text as data.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises a plain
RuntimeError at once.
"""

import os

LAB = "print_queue"
EXPECTED = "error"
EXPECTED_CASE = "no jobs"

CURSOR_UP, ERASE_LINE, BELL = "\x1b[1A", "\x1b[2K", "\x07"
SET_TITLE = "\x1b]0;all solutions pass" + BELL
FORGED_ROW = "correct_fast.py                   pass               13/13         9.99x"
MESSAGE = ("\r" + CURSOR_UP + ERASE_LINE + FORGED_ROW + BELL + SET_TITLE
           + " \x01 \uffff ]]> " + "\r")


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def print_order(jobs, pages_per_turn):
    require_armed()
    print(MESSAGE)
    raise RuntimeError(MESSAGE)
