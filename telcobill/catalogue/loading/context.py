"""What one reading of a file has seen: the codes it declares and the references to check."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from .fields import Problems


@dataclass
class Context:
    p: Problems
    # namespace ("vat_rule", "zone", "prefix"...) -> value -> key path where first declared
    declared: dict[str, dict[str, str]] = field(default_factory=dict)
    # (key path, namespace, value, what the value should be)
    refs: list[tuple[str, str, str, str]] = field(default_factory=list)

    def declare(self, namespace: str, value: str, path: str, what: str) -> None:
        """Record a code; a second declaration of the same one is a problem."""
        seen = self.declared.setdefault(namespace, {})
        if value in seen:
            self.p.conflict(path, what, f'"{value}" again (first at {seen[value]})')
        else:
            seen[value] = path

    def refer(self, path: str, namespace: str, value: str, what: str) -> None:
        self.refs.append((path, namespace, value, what))

    def check_references(self) -> None:
        for path, namespace, value, what in self.refs:
            known = self.declared.get(namespace, {})
            if value in known:
                continue
            close = difflib.get_close_matches(value, list(known), n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            self.p.expected(path, f"{what}{hint}", value)
