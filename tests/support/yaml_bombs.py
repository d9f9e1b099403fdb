"""YAML that expands without bound, shared by every path that reads a decK file."""

# The classic "billion laughs": ten levels of ten aliases each, 10^10 values from 1 KB.
BILLION_LAUGHS = "\n".join(
    ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 10)}]" for n in range(1, 10)]
)
