"""Banned users: which logins came from banned accounts (reference solution)."""


def find_banned(logins, banned):
    banned_set = set(banned)        # built once: each lookup is then a hash probe
    return [user_id for user_id in logins if user_id in banned_set]
