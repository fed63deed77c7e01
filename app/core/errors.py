"""The panel's error hierarchy.

Every error carries a message fit to show a rep as it is (what is wrong and how to fix
it) and the CLI exit code it maps to. Messages never contain secrets.
"""


class PanelError(Exception):
    """Base class: `str(error)` is the message for the rep."""

    exit_code = 1


class InputError(PanelError, ValueError):
    """Something the user typed or passed is invalid (a call ID, a target, a flow input)."""

    exit_code = 2


class ConfigError(PanelError):
    """The configuration file or a profile in it is missing or invalid."""

    exit_code = 3


class CredentialError(ConfigError):
    """The private key or another secret is missing, unreadable or unusable."""


class SignerUnavailableError(PanelError):
    """The signing service could not be reached or is not ready (sealed, down): no token was made,
    so nothing was sent and trying again later is safe."""

    exit_code = 5
