"""What a run did and what it had to work around, for the summary at its end.

Warnings are counted by kind (`timestamp-double-colon`, `lat-lon-swapped`, …) with the first few
examples each, so a run over a city with 14,000 papers says "empty-string: 583" once instead of
printing 583 lines. Objects are counted per OParl type and outcome.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

EXAMPLES_PER_KIND = 3
OUTCOMES = ("created", "updated", "deleted", "unchanged")


@dataclass
class Report:
    warnings: Counter = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    objects: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (object id or URL, why)
    failed_lists: list[str] = field(default_factory=list)

    def warn(self, kind: str, message: str) -> None:
        self.warnings[kind] += 1
        if len(self.examples[kind]) < EXAMPLES_PER_KIND:
            self.examples[kind].append(message)

    def count(self, oparl_type: str, outcome: str, n: int = 1) -> None:
        self.objects[oparl_type][outcome] += n

    def skip(self, where: str, why: str) -> None:
        self.skipped.append((where, why))
        self.warn("object-skipped", f"{where}: {why}")

    def merge_counts(self, counts: dict[str, Counter]) -> None:
        for oparl_type, outcomes in counts.items():
            self.objects[oparl_type].update(outcomes)

    def total(self, outcome: str) -> int:
        return sum(outcomes[outcome] for outcomes in self.objects.values())

    def summary_lines(self) -> list[str]:
        lines = ["Objects:"]
        for oparl_type in sorted(self.objects):
            outcomes = self.objects[oparl_type]
            figures = ", ".join(f"{outcomes[name]} {name}" for name in OUTCOMES if outcomes[name])
            lines.append(f"  {oparl_type}: {figures or 'none'}")
        if len(lines) == 1:
            lines.append("  none")
        if self.failed_lists:
            lines.append("Incomplete (a page could not be fetched; the next run asks again):")
            lines.extend(f"  {url}" for url in self.failed_lists)
        if self.warnings:
            lines.append(f"Warnings ({sum(self.warnings.values())}):")
            for kind, number in sorted(self.warnings.items()):
                lines.append(f"  {kind}: {number}")
                lines.extend(f"      {example}" for example in self.examples[kind])
        else:
            lines.append("Warnings: none")
        return lines
