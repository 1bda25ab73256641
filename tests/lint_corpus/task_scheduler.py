"""A priority scheduler: tasks run in order of priority, then arrival;
tasks can be cancelled before they run."""

import dataclasses
import heapq
import itertools

REMOVED = "<removed>"


@dataclasses.dataclass
class Task:
    name: str
    priority: int
    duration: float


class Scheduler:
    def __init__(self):
        self._heap = []
        self._entries = {}
        self._arrival = itertools.count()

    def add(self, task):
        if task.name in self._entries:
            self.cancel(task.name)
        entry = [task.priority, next(self._arrival), task]
        self._entries[task.name] = entry
        heapq.heappush(self._heap, entry)

    def cancel(self, name):
        entry = self._entries.pop(name)
        entry[-1] = REMOVED

    def pop(self):
        """The most urgent task still waiting; KeyError when none is."""
        while self._heap:
            _priority, _arrival, task = heapq.heappop(self._heap)
            if task is not REMOVED:
                del self._entries[task.name]
                return task
        raise KeyError("no task waiting")

    def __len__(self):
        return len(self._entries)


def run_all(tasks):
    """The order the tasks run in, and when each one finishes."""
    scheduler = Scheduler()
    for task in tasks:
        scheduler.add(task)
    clock = 0.0
    timeline = []
    while len(scheduler):
        task = scheduler.pop()
        clock += task.duration
        timeline.append((task.name, clock))
    return timeline


def k_most_urgent(tasks, k):
    return heapq.nsmallest(k, tasks, key=lambda task: (task.priority, task.name))


def merge_timelines(*timelines):
    """One timeline from several already sorted by finishing time."""
    return list(heapq.merge(*timelines, key=lambda event: event[1]))


if __name__ == "__main__":
    jobs = [Task("backup", 3, 2.0), Task("email", 1, 0.5), Task("report", 2, 1.5)]
    for name, finished in run_all(jobs):
        print(f"{name} done at t={finished}")
