"""Banned users: which logins came from banned accounts (starter: correct, slow)."""


def find_banned(logins, banned):
    flagged = []
    for user_id in logins:
        if user_id in banned:
            flagged.append(user_id)
    return flagged
