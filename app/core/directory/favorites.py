"""Favorites: the targets a rep starred, in the order starred (Ctrl+1…9 picks the first nine).

Kept per user in the user data dir as a small JSON list of IDs, written atomically. A
damaged file is reported once and replaced by the next star; it never stops the panel.
"""

import json
import os
from pathlib import Path

from app.core.errors import PanelError, Problem
from app.core.ids import InvalidIdError, parse_id


class FavoritesError(PanelError):
    """The favorites file cannot be read; the panel starts with no favorites."""


def favorites_path(profile_name: str) -> Path:
    """One file per profile: each org has its own targets."""
    from platformdirs import user_data_path

    return user_data_path("transfer-panel", appauthor=False) / "favorites" / f"{profile_name}.json"


class Favorites:
    def __init__(self, path: Path, ids: list[str] | None = None) -> None:
        self.path = path
        self._ids = list(ids or [])

    @classmethod
    def load(cls, path: Path) -> "Favorites":
        """The saved favorites; FavoritesError (with the path) when the file is damaged."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as error:
            raise FavoritesError(Problem.FAVORITES_UNREADABLE, path=str(path), error=type(error).__name__) from None
        try:
            ids = [parse_id(value).value for value in document["ids"]]
        except (TypeError, KeyError, InvalidIdError):
            raise FavoritesError(Problem.FAVORITES_DAMAGED, path=str(path)) from None
        return cls(path, list(dict.fromkeys(ids)))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._ids)

    def is_favorite(self, target_id: str) -> bool:
        return target_id in self._ids

    def toggle(self, target_id: str) -> bool:
        """Star or unstar; returns whether the target is now a favorite. `save()` writes it."""
        target_id = parse_id(target_id).value
        starred = target_id not in self._ids
        if starred:
            self._ids.append(target_id)
        else:
            self._ids.remove(target_id)
        return starred

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"format": 1, "ids": self._ids}), encoding="utf-8")
        os.replace(temporary, self.path)
