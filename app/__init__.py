"""Voice Transfer Panel: route an active Salesforce voice call from the desktop."""

# Written here, not read from the installed metadata: importlib.metadata costs ~60 ms of
# start-up. pyproject.toml takes the package version from this line.
__version__ = "0.1.0"
