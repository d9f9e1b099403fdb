"""Problems found in a declarative file, gathered and reported together in Kong's error shape.

A file is refused whole. The error names every problem by where it is in the file
(``services[name=billing].routes[name=r1].paths``) so that one bad entity among thousands is
found without bisecting the file.
"""

from dataclasses import dataclass, field
from typing import Any

from controlplane.errors import DeclarativeConfigError

# Enough to fix a file in one pass, few enough to keep the error body readable.
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (an entity or a top-level key), which field, and why."""

    where: str
    field: str | None
    message: str
    entity_type: str | None = None
    path: str | None = None  # the index-only path, when ``where`` names entities by name

    @property
    def location(self) -> str:
        return f"{self.where}.{self.field}" if self.field else self.where


@dataclass
class Problems:
    """Collects problems; ``check`` raises them as one error if there are any."""

    items: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.dropped += 1

    def add_tree(
        self, where: str, errors: Any, *, entity_type: str | None = None, path: str | None = None
    ) -> None:
        """Add each leaf of Kong's schema error tree as a problem of one entity."""
        for name, message in flatten_error_tree(errors):
            self.add(Problem(where, name, message, entity_type, path))

    def __bool__(self) -> bool:
        return bool(self.items)

    def check(self) -> None:
        if self.items:
            raise InvalidDeclarativeConfig(self.items, self.dropped)


def flatten_error_tree(errors: Any, prefix: str = "") -> list[tuple[str | None, str]]:
    """``{"config": {"minute": "..."}, "@entity": ["..."]}`` → ``[("config.minute", "...")]``."""
    if isinstance(errors, str):
        return [(prefix or None, errors)]
    found: list[tuple[str | None, str]] = []
    if isinstance(errors, dict):
        for key in sorted(errors, key=str):
            if key == "@entity":
                found += [(prefix or None, str(m)) for m in _as_list(errors[key])]
            else:
                found += flatten_error_tree(errors[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(errors, list):
        for index, item in enumerate(errors):
            if item is not None:
                found += flatten_error_tree(item, f"{prefix}[{index}]")
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


class InvalidDeclarativeConfig(DeclarativeConfigError):
    """Kong's code 14, naming each problem; ``flattened_errors`` follows Kong 3.x's shape."""

    status = 400

    def __init__(self, problems: list[Problem], dropped: int = 0) -> None:
        first = problems[0]
        more = len(problems) - 1 + dropped
        message = f"declarative config is invalid: {first.location}: {first.message}"
        if more:
            message += f" (and {more} more {'problem' if more == 1 else 'problems'})"
        fields: dict[str, Any] = {}
        for problem in problems:
            fields.setdefault(problem.location, problem.message)
        super().__init__(message, fields)
        self.problems = problems

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["flattened_errors"] = [_flattened(p) for p in self.problems]
        return body


def _flattened(problem: Problem) -> dict[str, Any]:
    return {
        "entity_path": problem.where,
        "entity_type": problem.entity_type,
        "path": problem.path or problem.where,
        "errors": [
            {
                "field": problem.field,
                "message": problem.message,
                "type": "field" if problem.field else "entity",
            }
        ],
    }
