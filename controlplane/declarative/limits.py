"""How far a file may grow past what it writes: YAML aliases, decK's defaults and shared configs.

Each of these writes a value once and uses it many times. Reading stays cheap (aliases are
shared, not copied), but validating and diffing walk every use, so a few KB that repeat
themselves ("billion laughs") cost hours. Whatever a file adds this way is bounded by what
the file writes itself; docs/declarative-config.md states the rule.
"""

from typing import Any

# What repetition may add: this many times the values the file writes...
EXPANSION_FACTOR = 10
# ...or this many values, whichever is more, so that small files may use anchors freely.
EXPANSION_ALLOWANCE = 100_000


def expansion_bound(written: int) -> int:
    """How many values repetition may add to a file that writes ``written`` values."""
    return max(EXPANSION_ALLOWANCE, EXPANSION_FACTOR * written)


def count_values(value: Any) -> int:
    """Values in a JSON-shaped tree, keys included, each shared one counted at every use."""
    count = 0
    stack = [value]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            count += len(item)  # the keys
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count
