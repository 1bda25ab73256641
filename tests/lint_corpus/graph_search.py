"""Breadth-first search on an unweighted graph: shortest paths, distances,
connected components."""

import collections


def build_graph(edges):
    """Adjacency lists of an undirected graph from (a, b) pairs."""
    neighbours = collections.defaultdict(list)
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    return neighbours


def shortest_path(neighbours, start, goal):
    """The nodes from start to goal along a shortest path, or None."""
    parents = {start: None}
    queue = collections.deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for neighbour in neighbours.get(node, ()):
            if neighbour not in parents:
                parents[neighbour] = node
                queue.append(neighbour)
    if goal not in parents:
        return None
    path = []
    node = goal
    while node is not None:
        path.append(node)
        node = parents[node]
    path.reverse()
    return path


def distances(neighbours, start):
    """{node: number of edges from start} for every reachable node."""
    distance = {start: 0}
    queue = collections.deque([start])
    while queue:
        node = queue.popleft()
        for neighbour in neighbours.get(node, ()):
            if neighbour not in distance:
                distance[neighbour] = distance[node] + 1
                queue.append(neighbour)
    return distance


def connected_components(neighbours):
    """Lists of nodes, one per component, each in the order BFS met them."""
    seen = set()
    components = []
    for start in neighbours:
        if start in seen:
            continue
        seen.add(start)
        component = [start]
        queue = collections.deque([start])
        while queue:
            node = queue.popleft()
            for neighbour in neighbours[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    component.append(neighbour)
                    queue.append(neighbour)
        components.append(component)
    return components


if __name__ == "__main__":
    graph = build_graph([("a", "b"), ("b", "c"), ("c", "d"), ("e", "f")])
    print(shortest_path(graph, "a", "d"))
    print(distances(graph, "a"))
    print(connected_components(graph))
