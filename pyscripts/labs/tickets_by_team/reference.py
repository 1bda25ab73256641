"""Tickets by team: each team's support tickets, in arrival order (reference
solution)."""

import collections


def group_tickets(tickets):
    groups = collections.defaultdict(list)    # a missing team gets a new empty list
    for ticket_id, team in tickets:
        groups[team].append(ticket_id)        # one lookup, and the list grows in place
    return dict(groups)
