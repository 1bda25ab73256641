"""Recursive functions: the ones whose subproblems repeat are cached, the
ones whose subproblems do not (trees, halves, moves) need no cache."""

import dataclasses
import functools
import typing


@functools.cache
def fibonacci(n):
    if n < 2:
        return n
    return fibonacci(n - 1) + fibonacci(n - 2)


@functools.lru_cache(maxsize=None)
def edit_distance(first, second, i, j):
    """Levenshtein distance between first[:i] and second[:j]."""
    if i == 0 or j == 0:
        return i + j
    substitution = 0 if first[i - 1] == second[j - 1] else 1
    return min(edit_distance(first, second, i - 1, j) + 1,
               edit_distance(first, second, i, j - 1) + 1,
               edit_distance(first, second, i - 1, j - 1) + substitution)


def grid_paths(rows, columns):
    """Monotone lattice paths, counted with a memo kept by hand."""
    memo = {}

    def paths(r, c):
        if r == 0 or c == 0:
            return 1
        if (r, c) not in memo:
            memo[r, c] = paths(r - 1, c) + paths(r, c - 1)
        return memo[r, c]

    return paths(rows, columns)


@dataclasses.dataclass
class Node:
    value: int
    left: typing.Optional["Node"] = None
    right: typing.Optional["Node"] = None


def tree_height(node):
    if node is None:
        return 0
    return 1 + max(tree_height(node.left), tree_height(node.right))


def tree_sum(node):
    if node is None:
        return 0
    return node.value + tree_sum(node.left) + tree_sum(node.right)


def merge_sort(items):
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    left, right = merge_sort(items[:middle]), merge_sort(items[middle:])
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged


def hanoi(disks, source, target, spare, moves):
    if disks == 0:
        return
    hanoi(disks - 1, source, spare, target, moves)
    moves.append((source, target))
    hanoi(disks - 1, spare, target, source, moves)


def binary_search(items, wanted, low, high):
    if low > high:
        return -1
    middle = (low + high) // 2
    if items[middle] == wanted:
        return middle
    if items[middle] < wanted:
        return binary_search(items, wanted, middle + 1, high)
    return binary_search(items, wanted, low, middle - 1)


def factorial(n):
    return 1 if n <= 1 else n * factorial(n - 1)


if __name__ == "__main__":
    print(fibonacci(80), edit_distance("kitten", "sitting", 6, 7), grid_paths(10, 10))
    tree = Node(1, Node(2, Node(4)), Node(3))
    print(tree_height(tree), tree_sum(tree), merge_sort([5, 2, 9, 1]))
    moves = []
    hanoi(3, "a", "c", "b", moves)
    print(len(moves), binary_search([1, 3, 5, 7], 5, 0, 3), factorial(10))
