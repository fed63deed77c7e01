"""Voice Transfer Panel: route an active Salesforce voice call from the desktop."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("voice-transfer-panel")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
