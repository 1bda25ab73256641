"""Hostile solution for the weather_records lab: hides its memory peak.

(Its own folder: tests/test_cli_lab.py checks every file of tests/labs/
against the print_queue lab; tests/test_cli_lab_hostile.py checks this one
against weather_records.)

Attempts: the lab grades memory as tracemalloc's peak over one call,
measured in the worker that runs the solution. This solution keeps the
starter's memory-hungry approach (one dict per reading) and, once its
answer is computed and the dicts are gone, resets what tracemalloc
remembers before returning: tracemalloc.reset_peak() (the peak becomes
what is allocated now), clear_traces(), then stop() and start() (all
counts begin again from nothing). It touches tracemalloc only while it is
tracing, so its timed calls cost what the starter's do.

Unguarded it would read "pass": a peak at or below what was allocated
before the call, 0x the starter's, within the time bound as the starter
is. Its answers are always right.
Expected verdict: too much memory. What should stop it: the measurement,
not the sandbox: memory measured from outside the solution's process,
where nothing the solution does to its own tracemalloc changes it.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, morning_bulletin raises
RuntimeError at once and touches nothing.
"""

import os
import tracemalloc

LAB = "weather_records"
EXPECTED = "too much memory"


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def load_readings(rows):
    """One dict per row, as the starter does: the memory the lab grades."""
    return [{"station": station, "hour": hour, "temperature": temperature, "rain": rain}
            for station, hour, temperature, rain in rows]


def forget_the_peak():
    if not tracemalloc.is_tracing():
        return                      # not being measured: nothing to hide
    tracemalloc.reset_peak()
    tracemalloc.clear_traces()
    tracemalloc.stop()
    tracemalloc.start()


def morning_bulletin(rows):
    require_armed()
    readings = load_readings(rows)
    frost = sum(1 for reading in readings if reading["temperature"] < 0)
    total_rain = sum(reading["rain"] for reading in readings)
    warmest = None
    for reading in readings:
        if warmest is None or reading["temperature"] > warmest["temperature"]:
            warmest = reading
    answer = [frost, total_rain, warmest["station"] if warmest is not None else None]
    del readings, warmest           # the dicts are freed ...
    forget_the_peak()               # ... and their peak forgotten
    return answer
