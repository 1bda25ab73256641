"""Work queues and stacks: a FIFO with deque, a LIFO with a list, and
config parsing where small per-line lists are rebuilt each time."""

import collections


def process_in_order(jobs, handle):
    pending = collections.deque(jobs)
    done = []
    while pending:
        job = pending.popleft()
        result = handle(job)
        if result == "retry":
            pending.append(job)
        else:
            done.append(result)
    return done


def undo_all(actions):
    stack = list(actions)
    undone = []
    while stack:
        undone.append(stack.pop())
    return undone


def drain_urgent_first(urgent, normal):
    queue = collections.deque(normal)
    for job in reversed(urgent):
        queue.appendleft(job)
    order = []
    while queue:
        order.append(queue.popleft())
    return order


def claim_sessions(sessions, users):
    """Remove each user's session from the table; the ones not found."""
    missing = []
    for user in users:
        if sessions.pop(user, None) is None:
            missing.append(user)
    return missing


def parse_config(lines):
    settings = {}
    for line in lines:
        fields = line.split("=", 1)
        if len(fields) != 2 or "#" in fields:
            continue
        key, value = (field.strip() for field in fields)
        flags = value.split(",")
        settings[key] = flags if "list" in flags else value
    return settings


def group_by_first_letter(words):
    groups = collections.defaultdict(list)
    for word in words:
        groups[word[:1]].append(word)
    return groups


def index_lines(lines):
    positions = {}
    for number, line in enumerate(lines, start=1):
        positions.setdefault(line.strip(), []).append(number)
    return positions


if __name__ == "__main__":
    print(process_in_order([1, 2, 3], lambda job: job * 2), undo_all("abc"))
    print(drain_urgent_first([9], [1, 2]), claim_sessions({"ann": 1}, ["ann", "bo"]))
    print(parse_config(["a = 1", "b = x,list"]), dict(group_by_first_letter(["ab", "ac", "b"])))
