"""A plain progress bar for management commands (no dependency, works in any terminal or log)."""

import sys
import time


class Progress:
    def __init__(self, total: int, label: str = "", stream=None, width: int = 30):
        self.total, self.label, self.width = total, label, width
        self.stream = stream or sys.stdout
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0

    def advance(self, step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if now - self._last_draw > 0.2 or self.done >= self.total:
            self._last_draw = now
            self.draw()

    def draw(self) -> None:
        fraction = self.done / self.total if self.total else 1
        filled = int(self.width * fraction)
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed else 0
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {rate:.1f}/s")
        self.stream.flush()

    def finish(self) -> float:
        self.draw()
        self.stream.write("\n")
        return time.monotonic() - self.started
