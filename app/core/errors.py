"""The panel's one error tree: a code and the parameters its message needs, never a sentence.

Core code raises `PanelError` subclasses with a `Problem` code and plain parameters (text,
numbers, booleans: they can be logged, journaled and sent to a translator). The words are
made at the edge (`app.messages`), where the front end decides how to say it: the window
says "open Settings…" where the command line names a command. No raw `sqlite3`, `ValueError`,
TOML or encoding exception leaves core: module boundaries wrap them in one of these.
Parameters never hold secrets.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

ParamValue = str | int | float | bool | None


class Problem(StrEnum):
    """What went wrong. Each has a message template in `app.messages` (a test checks it)."""

    # Salesforce IDs (`what` names the field: "target", "fallback queue", "org_id", ...)
    ID_EMPTY = "id.empty"
    ID_MALFORMED = "id.malformed"
    ID_BAD_CHECKSUM = "id.bad_checksum"
    ID_FLOW_VERSION = "id.flow_version"
    ID_NOT_ROUTABLE = "id.not_routable"
    # the call
    CALL_ID_EMPTY = "call_id.empty"
    CALL_ID_CONTROL = "call_id.control"
    CALL_ID_INVISIBLE = "call_id.invisible"
    CALL_ID_TOO_LONG = "call_id.too_long"
    CALL_ID_DOTS = "call_id.dots"
    CALL_ID_NOT_VOICE_CALL = "call_id.not_voice_call"
    CALL_ID_PATTERN = "call_id.pattern"
    # the rest of a transfer request
    FALLBACK_NOT_FOR_KIND = "fallback.not_for_kind"
    FALLBACK_NOT_A_QUEUE = "fallback.not_a_queue"
    FLOW_INPUTS_NOT_FOR_KIND = "flow_inputs.not_for_kind"
    FLOW_INPUTS_TOO_MANY = "flow_inputs.too_many"
    FLOW_INPUT_NO_NAME = "flow_input.no_name"
    FLOW_INPUT_BAD_NAME = "flow_input.bad_name"
    FLOW_INPUT_CONTROL = "flow_input.control"
    FLOW_INPUT_TOO_LONG = "flow_input.too_long"
    FLOW_INPUT_DUPLICATE = "flow_input.duplicate"
    FLOW_INPUT_SYNTAX = "flow_input.syntax"
    # the double-send guard
    ALREADY_ROUTED = "transfer.already_routed"
    TRANSFER_IN_FLIGHT = "transfer.in_flight"
    TARGET_NOT_AVAILABLE = "transfer.target_not_available"  # `target_label`, `status` (the org's label), `state`
    # config files and profiles
    CONFIG_UNREADABLE = "config.unreadable"
    CONFIG_TOO_BIG = "config.too_big"
    CONFIG_NOT_TOML = "config.not_toml"
    CONFIG_TOO_DEEP = "config.too_deep"
    CONFIG_INVALID = "config.invalid"
    CONFIG_UNKNOWN_TOP_KEY = "config.unknown_top_key"
    CONFIG_PROFILES_NOT_TABLES = "config.profiles_not_tables"
    CONFIG_LOCKED_UNKNOWN = "config.locked_unknown"
    CONFIG_LOCKED_INVALID = "config.locked_invalid"
    CONFIG_NO_PROFILE = "config.no_profile"
    CONFIG_CHOOSE_PROFILE = "config.choose_profile"
    CONFIG_UNKNOWN_PROFILE = "config.unknown_profile"
    CONFIG_NOT_SAVED = "config.not_saved"
    CONFIG_NOT_FOUND = "config.not_found"
    CONFIG_NOT_APPLIED = "config.not_applied"  # written, but reading it back does not give `what` as saved
    CONFIG_CHANGED_MEANWHILE = "config.changed_meanwhile"  # edited elsewhere since the settings read it
    PROFILE_EXISTS = "profile.exists"
    PROFILE_SET_SYNTAX = "profile.set_syntax"
    PROFILE_BAD_NAME = "profile.bad_name"
    PROFILE_NOT_TABLE = "profile.not_table"
    PROFILE_UNKNOWN_KEY = "profile.unknown_key"
    PROFILE_MISSING_KEY = "profile.missing_key"
    PROFILE_NEEDS_KEY = "profile.needs_key"  # `by` (a key) = `source` (its value) needs `key` too
    PROFILE_NOT_OPENBAO = "profile.not_openbao"
    VALUE_NOT_BOOL = "value.not_bool"
    VALUE_NOT_SECONDS = "value.not_seconds"
    VALUE_OUT_OF_RANGE = "value.out_of_range"
    VALUE_NOT_STRING = "value.not_string"
    VALUE_NOT_URL = "value.not_url"
    VALUE_URL_QUERY = "value.url_query"
    VALUE_URL_CREDENTIALS = "value.url_credentials"
    VALUE_URL_PLAIN_HTTP = "value.url_plain_http"
    VALUE_URL_PORT = "value.url_port"
    VALUE_URL_HOST = "value.url_host"
    VALUE_NOT_ORG_ID = "value.not_org_id"
    VALUE_BAD_ID = "value.bad_id"  # the ID's own problem is the detail
    VALUE_NOT_API_NAME = "value.not_api_name"
    VALUE_NOT_PRINTABLE = "value.not_printable"
    VALUE_NOT_HEADER_TEXT = "value.not_header_text"
    VALUE_NOT_API_VERSION = "value.not_api_version"
    VALUE_NOT_PATTERN = "value.not_pattern"
    VALUE_NOT_A_CHOICE = "value.not_a_choice"
    VALUE_NOT_OPENBAO_NAME = "value.not_openbao_name"
    VALUE_NOT_NAMESPACE = "value.not_namespace"
    VALUE_TRAINING_SALESFORCE = "value.training_salesforce"
    VALUE_TRAINING_PUBLIC = "value.training_public"
    # the OS keyring and the keys in it
    KEYRING_MISSING = "keyring.missing"
    KEYRING_LOCKED = "keyring.locked"
    KEYRING_FAILED = "keyring.failed"
    SECRET_MISSING = "secret.missing"
    SECRET_CORRUPT = "secret.corrupt"
    SECRET_UNFIT = "secret.unfit"  # a named secret (`name`) that is empty, too long or not plain text
    KEY_NOT_PEM = "key.not_pem"
    KEY_NEEDS_PASSPHRASE = "key.needs_passphrase"
    KEY_UNNEEDED_PASSPHRASE = "key.unneeded_passphrase"
    KEY_UNREADABLE = "key.unreadable"
    KEY_NOT_RSA = "key.not_rsa"
    KEY_BAD_SIZE = "key.bad_size"
    KEY_TOO_BIG = "key.too_big"
    KEY_FILE_UNREADABLE = "key.file_unreadable"
    PASSPHRASE_NEEDS_TERMINAL = "key.passphrase_needs_terminal"
    KEY_EXISTS = "key.exists"  # generating would replace the stored key: `replace` must say so
    CERT_NOT_WRITTEN = "cert.not_written"  # `path`, `reason`: nothing else changed
    CERT_NOT_SAVED_KEY_KEPT = "cert.not_saved_key_kept"  # the new key is stored; its certificate is not at `path`
    CERT_OUT_HOLDS_KEY = "cert.out_holds_key"  # `path` is a private key file: never overwritten
    ENV_VAR_MISSING = "env.missing"
    # signing
    SIGNER_UNAVAILABLE = "signer.unavailable"
    # OpenBao / Vault Transit (`url`, `path`: where; `said`: OpenBao's own words, never a secret)
    OPENBAO_CA_FILE_UNREADABLE = "openbao.ca_file_unreadable"
    OPENBAO_CLIENT_CERT_UNREADABLE = "openbao.client_cert_unreadable"
    OPENBAO_TIMEOUT = "openbao.timeout"
    OPENBAO_UNTRUSTED = "openbao.untrusted"
    OPENBAO_UNREACHABLE = "openbao.unreachable"
    OPENBAO_SEALED = "openbao.sealed"
    OPENBAO_FAILING = "openbao.failing"  # 5xx or 429
    OPENBAO_DENIED = "openbao.denied"  # 401/403 on `path`
    OPENBAO_NOT_FOUND = "openbao.not_found"
    OPENBAO_REFUSED = "openbao.refused"  # another 4xx
    OPENBAO_ANSWER_TOO_LARGE = "openbao.answer_too_large"
    OPENBAO_ANSWER_LACKS = "openbao.answer_lacks"  # `field`
    OPENBAO_BAD_SIGNATURE = "openbao.bad_signature"  # `why`: "form" or "base64"
    OPENBAO_KEY_NO_VERSIONS = "openbao.key_no_versions"
    OPENBAO_KEY_NOT_RSA = "openbao.key_not_rsa"
    OPENBAO_SIGN_DENIED = "openbao.sign_denied"  # the policy does not cover transit/sign/<key>
    OPENBAO_SIGNATURE_MISMATCH = "openbao.signature_mismatch"  # self-test: it does not verify
    OPENBAO_NOT_SIGNED_IN = "openbao.not_signed_in"
    OPENBAO_SIGN_IN_ENDED = "openbao.sign_in_ended"  # expired or revoked (OpenBao refused the token)
    OPENBAO_SIGN_IN_EXPIRED = "openbao.sign_in_expired"  # reached its maximum time to live
    OPENBAO_SIGNED_OUT = "openbao.signed_out"
    OPENBAO_SIGN_IN_ELSEWHERE = "openbao.sign_in_elsewhere"  # `auth` the window cannot do (approle, cert, token)
    OPENBAO_BAD_USERNAME = "openbao.bad_username"
    OPENBAO_SIGN_IN_REFUSED = "openbao.sign_in_refused"
    OPENBAO_SIGN_IN_NO_TOKEN = "openbao.sign_in_no_token"
    OPENBAO_TOKEN_REFUSED = "openbao.token_refused"
    OPENBAO_CERT_FILES_NEEDED = "openbao.cert_files_needed"
    OPENBAO_OIDC_NO_URL = "openbao.oidc_no_url"
    OPENBAO_NO_BROWSER = "openbao.no_browser"
    OPENBAO_BROWSER_TIMEOUT = "openbao.browser_timeout"
    OPENBAO_CALLBACK_PORT_BUSY = "openbao.callback_port_busy"
    OPENBAO_IDP_REFUSED = "openbao.idp_refused"
    OPENBAO_CALLBACK_NO_CODE = "openbao.callback_no_code"
    # the journal
    JOURNAL_RETENTION_RANGE = "journal.retention_range"
    JOURNAL_UNUSABLE = "journal.unusable"
    JOURNAL_UNWRITABLE = "journal.unwritable"
    # handing a call over from another launch or a link
    LINK_TOO_LONG = "link.too_long"
    LINK_MALFORMED = "link.malformed"
    LINK_BAD_ENCODING = "link.bad_encoding"
    LINK_PADDED = "link.padded"
    LINK_AND_CALL_ID = "link.and_call_id"
    HANDOVER_TOO_LONG = "handover.too_long"
    HANDOVER_MALFORMED = "handover.malformed"
    HANDOVER_NO_CALL_ID = "handover.no_call_id"
    # the installation
    RESOURCE_MISSING = "resource.missing"
    # the Salesforce directory, the demo's and the favorites
    SALESFORCE_UNREACHABLE = "salesforce.unreachable"  # `instance`, `error` (the exception's name)
    SALESFORCE_TOKEN_REFUSED = "salesforce.token_refused"  # a fresh token answered 401 again
    SALESFORCE_API_LIMIT = "salesforce.api_limit"  # `used` and `limit` when Salesforce said them
    SALESFORCE_ANSWERED = "salesforce.answered"  # `status`, `message`
    SALESFORCE_LOGIN_UNREACHABLE = "salesforce.login_unreachable"  # `url`, `error`
    SALESFORCE_LOGIN_REFUSED = "salesforce.login_refused"  # `username`, `reason`, `profile`
    SALESFORCE_NOT_A_QUERY = "salesforce.not_a_query"
    DEMO_DIRECTORY_UNREADABLE = "demo_directory.unreadable"  # `path`, `error`
    FAVORITES_UNREADABLE = "favorites.unreadable"  # `path`, `error`
    FAVORITES_DAMAGED = "favorites.damaged"  # `path`
    # a target's values (`kind`, `id`, `label`): a file's row, a Salesforce record
    TARGET_KIND = "target.kind"  # not an agent, a queue or a flow
    TARGET_ID_OF_OTHER_KIND = "target.id_of_other_kind"  # `prefix` says `id_kind`
    TARGET_NO_NAME = "target.no_name"
    TARGET_PRESENCE_NOT_AGENT = "target.presence_not_agent"
    # an admin's directory file (`path`)
    DIRECTORY_FILE_MISSING = "directory_file.missing"
    DIRECTORY_FILE_UNREADABLE = "directory_file.unreadable"  # `reason`
    DIRECTORY_FILE_NOT_REGULAR = "directory_file.not_regular"  # a pipe, a device, a folder
    DIRECTORY_FILE_TOO_BIG = "directory_file.too_big"  # `size_mib`, `limit_mib`
    DIRECTORY_FILE_NOT_UTF8 = "directory_file.not_utf8"
    DIRECTORY_FILE_BAD_HEADER = "directory_file.bad_header"  # the CSV problem is the detail
    DIRECTORY_FILE_NO_HEADER = "directory_file.no_header"  # `missing` columns
    DIRECTORY_FILE_NOT_JSON_FORM = "directory_file.not_json_form"
    DIRECTORY_ROW = "directory.row"  # `line`, and `position` for a JSON target; the reason is the detail
    DIRECTORY_ROW_TOO_LONG = "directory.row_too_long"  # `limit` in bytes
    DIRECTORY_ROW_OPEN_QUOTE = "directory.row_open_quote"
    DIRECTORY_ROW_NOT_CSV = "directory.row_not_csv"  # `error`: the csv module's words
    DIRECTORY_ROW_NOT_UTF8 = "directory.row_not_utf8"
    DIRECTORY_ROW_BAD_KIND = "directory.row_bad_kind"  # `kind` as written
    DIRECTORY_ROW_NOT_JSON = "directory.row_not_json"
    DIRECTORY_ROW_NESTED = "directory.row_nested"
    DIRECTORY_ROW_NOT_OBJECT = "directory.row_not_object"
    DIRECTORY_ROW_CUT_SHORT = "directory.row_cut_short"  # the file ends inside it
    DIRECTORY_DUPLICATE_ID = "directory.duplicate_id"  # `line` replaces `earlier_line`, both with `id`
    DIRECTORY_JSON_BROKEN = "directory.json_broken"  # at `line`: nothing after it is read
    # the offline directory cache (`path`)
    DIRECTORY_CACHE_UNREADABLE = "directory_cache.unreadable"  # `reason`
    DIRECTORY_CACHE_DAMAGED = "directory_cache.damaged"  # `why`: "not_a_cache", "checksum" or an error's name
    # the standalone simulator (`transfer-panel simulator`: the command line's English words)
    SIMULATOR = "simulator"
    # the trainer's class plans
    PLAN_UNKNOWN_SCENARIO = "plan.unknown_scenario"  # `scenario`, `choices`
    PLAN_NOT_A_FLOW = "plan.not_a_flow"  # `target` (its label or ID), `scenario` (the scenario's title)
    PLAN_NOT_SAVED = "plan.not_saved"  # `path`, `reason`
    PLAN_UNREADABLE = "plan.unreadable"  # `path`, `reason`
    PLAN_NOT_TOML = "plan.not_toml"  # `path`, `error`
    PLAN_UNKNOWN_KEYS = "plan.unknown_keys"  # `source`, `keys`
    PLAN_BAD_SHAPE = "plan.bad_shape"  # `source`
    PLAN_RULE_NO_SCENARIO = "plan.rule_no_scenario"  # `source`, `target`, `choices`
    PLAN_BAD_RULE = "plan.bad_rule"  # `source`; what is wrong is the detail


class PanelError(Exception):
    """Base class. `code` says what went wrong, `params` what its message needs, and `details`
    the problems it is made of (each of a config file's problems, the reason a row was skipped)."""

    exit_code: ClassVar[int] = 1

    def __init__(self, code: Problem, /, *, details: tuple[PanelError, ...] = (), **params: ParamValue) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params
        self.details = details

    def __str__(self) -> str:
        """For logs and developers; people read `app.messages.describe(error)`."""
        details = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{self.code.value}({details})"


class InputError(PanelError):
    """Something the user typed or passed is invalid (a call ID, a target, a flow input)."""

    exit_code = 2


class AlreadyRoutedError(InputError):
    """This call already has a routing request that went (or may have gone) through: sending
    another needs the rep's confirmation (`--again` on the command line)."""


class TargetUnavailableError(InputError):
    """The directory says the agent is busy, away or offline: the call may wait for them or routing may
    fail, so sending needs the rep's confirmation (`--even-if-unavailable` on the command line)."""


class ConfigError(PanelError):
    """The configuration, a profile in it, or the installation is missing or invalid."""

    exit_code = 3


class CredentialError(ConfigError):
    """The private key, another secret or the right to use it is missing, unreadable or refused."""


class SignerUnavailableError(PanelError):
    """The signing service could not be reached or is not ready (sealed, down): no token was made,
    so nothing was sent and trying again later is safe."""

    exit_code = 5


class JournalError(ConfigError):
    """The transfer journal cannot be opened or written."""
