"""What a method rule says about a plan: an error blocks, a warning informs, a nudge suggests."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NUDGE = "nudge"


@dataclass(frozen=True)
class Finding:
    level: Level
    code: str
    message: str
    field: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "level": str(self.level),
            "code": self.code,
            "message": self.message,
            "field": self.field,
        }


class RuleViolation(Exception):
    """Raised by a service when a rule says no; carries every error found."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = [f for f in findings if f.level == Level.ERROR]
        super().__init__("; ".join(f.message for f in self.findings))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level == Level.ERROR]


def raise_on_errors(findings: list[Finding]) -> list[Finding]:
    """Raise RuleViolation if any finding is an error; otherwise return the findings."""
    if errors(findings):
        raise RuleViolation(findings)
    return findings
