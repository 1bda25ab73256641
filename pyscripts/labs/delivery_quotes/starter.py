"""Delivery quotes: the road distance from the depot for every order
(starter: correct, slow)."""

import heapq


def shortest_distance(neighbours, start, goal):
    """Dijkstra's algorithm: the length in km of the shortest road route from
    start to goal, or None when no road leads there."""
    best = {start: 0}
    frontier = [(0, start)]
    while frontier:
        distance, town = heapq.heappop(frontier)
        if town == goal:
            return distance
        if distance > best[town]:
            continue                      # a shorter route to town was found already
        for neighbour, km in neighbours.get(town, []):
            candidate = distance + km
            if neighbour not in best or candidate < best[neighbour]:
                best[neighbour] = candidate
                heapq.heappush(frontier, (candidate, neighbour))
    return None


def delivery_distances(roads, depot, destinations):
    neighbours = {}
    for town_a, town_b, km in roads:      # roads go both ways
        neighbours.setdefault(town_a, []).append((town_b, km))
        neighbours.setdefault(town_b, []).append((town_a, km))
    return [shortest_distance(neighbours, depot, destination)
            for destination in destinations]
