"""A leaderboard kept sorted with bisect, plus a few numeric helpers that
keep their hot loops cheap."""

import bisect
import heapq
import math


class Leaderboard:
    def __init__(self):
        self._scores = []        # sorted ascending
        self._players = set()

    def add(self, player, score):
        if player in self._players:
            raise ValueError(f"{player} already has a score")
        self._players.add(player)
        bisect.insort(self._scores, (score, player))

    def rank_of(self, score):
        """How many scores are strictly higher."""
        return len(self._scores) - bisect.bisect_right(self._scores, (score, chr(0x10FFFF)))

    def top(self, how_many):
        return heapq.nlargest(how_many, self._scores)


def insert_all(values):
    ordered = []
    for value in values:
        bisect.insort(ordered, value)
    return ordered


def root_mean_square(values):
    total = 0.0
    for value in values:
        total += value * value
    return math.sqrt(total / len(values)) if values else 0.0


def sum_of_roots(values):
    sqrt = math.sqrt
    total = 0.0
    for value in values:
        total += sqrt(value)
    return total


def distances_from_origin(points):
    return [math.hypot(x, y) for x, y in points]


def smallest_three(values):
    return heapq.nsmallest(3, values)


def running_minimum(values):
    minimums = []
    current = math.inf
    for value in values:
        current = min(current, value)
        minimums.append(current)
    return minimums


if __name__ == "__main__":
    board = Leaderboard()
    for name, points in [("ada", 31), ("bob", 12), ("cy", 25)]:
        board.add(name, points)
    print(board.top(2), board.rank_of(20), insert_all([3, 1, 2]))
    print(root_mean_square([3.0, 4.0]), sum_of_roots([1.0, 4.0]), running_minimum([3, 1, 2]))
