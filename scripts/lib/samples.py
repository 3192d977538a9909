"""Percentiles of plain Python lists, for the by-hand harnesses' printed tables (one definition of each, so two
scripts that print the same figure compute it the same way).

- `linear(values, p)`: linear interpolation between closest ranks (numpy's default); wire.py and ttft-join.py.
- `nearest_rank(values, p)`: the value at rank ⌊p/100·n⌋ (no interpolation); truth-error.py and bench/extras.py.
Both take p in 0..100 and return None for an empty list."""


def linear(values, p):
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def nearest_rank(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]
