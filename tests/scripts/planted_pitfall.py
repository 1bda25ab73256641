"""Signups from a web form, cleaned and summed up: a small, ordinary program
with two performance pitfalls planted in it, for hot_findings (the linter on
a profile's hot functions; tests/test_hot_findings.py).

unique_signups() is the hot one: it drops repeated signups with
`signup not in unique`, a scan of a list that grows to a few thousand
items, once per signup -- `optdemo show list_membership`.  It takes most of
the run (well over 20 times the rest).  Report.add_line() is the cold one:
`self.text += ...` copies the report on every line -- `optdemo show
string_concat` -- but the report has a few dozen lines, so fixing it would
save nothing measurable; so would counting with collections.Counter in
signups_by_city() (`optdemo show counting`).

Run: /usr/bin/python3.11 tests/scripts/planted_pitfall.py [SIGNUPS]
"""

import random
import sys

FIRST_NAMES = ["Ada", "Alan", "Barbara", "Dennis", "Edsger", "Frances", "Grace",
               "Guido", "John", "Ken", "Leslie", "Margaret", "Niklaus", "Radia"]
CITIES = ["Berlin", "Lagos", "Lima", "Lyon", "Osaka", "Oslo", "Porto", "Pune",
          "Quito", "Seoul", "Tunis", "Turin"]


def generate_signups(count, seed=7):
    """count signups (name, city, birth year), drawn at random from everyone
    the form could see, so some people sign up twice or more."""
    everyone = [(name, city, year) for name in FIRST_NAMES for city in CITIES
                for year in range(1940, 2008)]
    return random.Random(seed).choices(everyone, k=count)


def unique_signups(signups):
    """The signups without repeats, in the order they first came."""
    unique = []
    for signup in signups:
        if signup not in unique:
            unique.append(signup)
    return unique


class Report:
    """A plain-text report, one line at a time."""

    def __init__(self, title):
        self.text = ""
        self.add_line(title)
        self.add_line("=" * len(title))

    def add_line(self, line):
        self.text += line + "\n"

    def clear(self):
        self.text = ""


def signups_by_city(signups):
    """{city: number of signups}, most first."""
    counts = {}
    for _name, city, _year in signups:
        counts[city] = counts.get(city, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def build_report(signups, unique):
    report = Report("Signups")
    report.add_line(f"{len(signups)} signups, {len(unique)} people")
    for city, count in signups_by_city(unique).items():
        report.add_line(f"{city:8} {count:5}")
    return report.text


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 8_000
    signups = generate_signups(count)
    unique = unique_signups(signups)
    print(build_report(signups, unique), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
