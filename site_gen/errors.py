"""Locations, problems, and the one exception base the CLI turns into exit codes."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import NamedTuple


class Location(NamedTuple):
    """Where a value came from, so any later stage can point an editor at it.

    A named tuple, not a dataclass: a load makes one for every YAML value, and a tuple takes
    half the time to make and a third of the memory.
    """

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with the fix the editor should make."""

    code: str
    message: str
    location: Location
    fact: str | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR
    # Extra lines shown under the message: the closest passage, a caret line…
    detail: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        """Return `path:line:col: error[code] fact 'id': message; hint`."""
        who = f" fact '{self.fact}'" if self.fact else ""
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.location}: {self.severity.value}[{self.code}]{who}: {self.message}{hint}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.location.path, self.location.line, self.location.column, self.code)


class SiteGenError(Exception):
    """Base of every error the tool reports to a user without a traceback."""


class UsageError(SiteGenError):
    """The command line or the project layout is wrong (exit code 2)."""


class CheckFailed(SiteGenError):
    """The input has errors; the build stops before writing anything."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} error(s)")
        self.problems = problems
