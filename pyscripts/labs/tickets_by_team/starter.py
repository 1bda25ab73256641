"""Tickets by team: each team's support tickets, in arrival order (starter:
correct, slow)."""


def group_tickets(tickets):
    groups = {}
    for ticket_id, team in tickets:
        # A missing team starts from an empty list.
        groups[team] = groups.get(team, []) + [ticket_id]
    return groups
