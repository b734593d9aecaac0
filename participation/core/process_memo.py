"""A few entries kept in this process, the oldest dropped first.

For kept pages whose key holds the data versions they were made from: what is under such a key
never changes, so it need not come over from the shared cache on every request.
"""

from __future__ import annotations

import threading
from typing import Any


class ProcessMemo:
    def __init__(self, limit: int):
        self.limit = limit
        self.entries: dict[str, Any] = {}
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        return self.entries.get(key)

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            if key not in self.entries and len(self.entries) >= self.limit:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = value
