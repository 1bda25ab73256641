"""Triage: the order in which an emergency room treats its patients
(starter: correct, slow)."""


def treatment_order(events):
    waiting = []          # [severity, arrival number, name] of each waiting patient
    arrivals = 0
    treated = []
    for event in events:
        if event[0] == "arrive":
            name, severity = event[1], event[2]
            waiting.append([severity, arrivals, name])
            arrivals += 1
        elif waiting:                                # "treat", and someone is waiting
            most_urgent = min(waiting)               # lowest severity, then earliest
            waiting.remove(most_urgent)
            treated.append(most_urgent[2])
    while waiting:                                   # the evening shift takes the rest
        most_urgent = min(waiting)
        waiting.remove(most_urgent)
        treated.append(most_urgent[2])
    return treated
