"""Triage: the order in which an emergency room treats its patients
(reference solution)."""

import heapq


def treatment_order(events):
    waiting = []          # a heap of (severity, arrival number, name)
    arrivals = 0
    treated = []
    for event in events:
        if event[0] == "arrive":
            name, severity = event[1], event[2]
            # The arrival number breaks ties: earlier first, names never compared.
            heapq.heappush(waiting, (severity, arrivals, name))
            arrivals += 1
        elif waiting:
            treated.append(heapq.heappop(waiting)[2])
    while waiting:
        treated.append(heapq.heappop(waiting)[2])
    return treated
