"""The directory of routing targets (Qt-free): values, search, and the demo source."""

from app.core.directory.demo import generate_targets, load_demo_directory
from app.core.directory.search import SearchIndex, SearchResult
from app.core.directory.target import KIND_ORDER, Presence, PresenceState, Target

__all__ = [
    "KIND_ORDER", "Presence", "PresenceState", "SearchIndex", "SearchResult", "Target",
    "generate_targets", "load_demo_directory",
]
