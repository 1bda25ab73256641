"""Print queue: the order in which the jobs finish (starter: correct, slow)."""


def print_order(jobs, pages_per_turn):
    queue = []
    for name, pages in jobs:
        queue.append([name, pages])
    finished = []
    while queue:
        name, pages = queue.pop(0)          # take the job at the front
        if pages > pages_per_turn:
            # Not done: print one turn's worth and send it to the back.
            queue.append([name, pages - pages_per_turn])
        else:
            finished.append(name)
    return finished
