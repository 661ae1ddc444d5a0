"""Errors that say where: every problem carries a path, a line and a fix."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem in a content, config or template file."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"
    kind: str = ""           # what `check` counts it as: "unknown entity", "alias", …
    also: tuple[str, ...] = ()   # the other places ("path:line") where the same problem is

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        fix = f" ({self.hint})" if self.hint else ""
        return f"{where}: {self.message}{fix}"

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"path": self.path, "line": self.line, "message": self.message,
                                    "hint": self.hint, "severity": self.severity}
        if self.kind:
            found["kind"] = self.kind
        if self.also:
            found["also"] = list(self.also)
        return found


class SiteError(Exception):
    """A build stopped by one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(path: str, line: int | None, message: str, hint: str = "") -> SiteError:
    """A SiteError holding a single problem."""
    return SiteError(Problem(path, line, message, hint))
