"""Words for the core's codes: errors (`describe`), transfer outcomes (`outcome_text`), statuses.

This is the edge where text is made, shared by the command line and the window (no Qt here).
The front end decides how a fix is said: the window names its Settings, the command line a
command. Templates are English and ready for translation: placeholders are named, and a
translator (or the window's Qt Linguist catalogue) can replace a template as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from http import HTTPStatus
from typing import TYPE_CHECKING

from app.core.errors import PanelError, ParamValue, Problem
from app.core.ids import IdKind
from app.core.routing.outcome import Cause, OutcomeStatus, RouteOutcome, StatusGroup
from app.core.routing.request import RouteRequest

if TYPE_CHECKING:
    from app.core.signing.openbao_check import SigningCheck
    from app.core.signing.openbao_session import SignedOut, SignInStatus


class Front(StrEnum):
    CLI = "cli"
    WINDOW = "window"


Params = Mapping[str, ParamValue]
Template = str | Callable[[Params], str]

FIELD_NAMES = {"id": "ID", "target": "target", "fallback_queue": "fallback queue", "call_id": "call ID",
               "org_id": "org_id", "fault target": "fault target"}

_URL_HINTS = {
    "base_url": "the SCRT base URL, e.g. https://<MyDomain>.my.salesforce-scrt.com/telephony/v1",
    "salesforce_login_url": "https://login.salesforce.com, https://test.salesforce.com or your My Domain URL",
    "training_url": "the trainer's simulator, e.g. http://192.168.1.20:8765/telephony/v1",
    "openbao_url": "the OpenBao or Vault address, e.g. https://openbao.example.com:8200",
}
_NEEDED_HINTS = {  # a key that another key's value needs
    "openbao_url": _URL_HINTS["openbao_url"],
    "openbao_key": "the name of the Transit key that holds the Call Center's private key",
    "openbao_role": "the {source} role IT set up for the panel",
}
_REQUIRED_HINTS = {
    "base_url": _URL_HINTS["base_url"],
    "org_id": "the 15- or 18-character org ID (00D…) from Setup > Company Information",
    "call_center": "the Call Center's API name, e.g. HVCC",
}
_NO_KEYRING_HINTS = {
    "linux": "Install and start a Secret Service keyring (GNOME Keyring or KWallet) in your desktop session, "
             "then try again.",
    "other": "The system keychain / Credential Manager did not respond; sign in again and retry.",
}
_SECRET_WHY = {"parts": "parts of it are missing or do not match its checksum", "decoding": "it cannot be decoded",
               "manifest": "its manifest is unreadable"}
_JOURNAL_WHY = {"newer": "it was written by a newer version of the panel"}
_CACHE_WHY = {"not_a_cache": "not a file of a directory cache", "checksum": "it does not match its checksum"}
_OPTIONAL_COLUMNS = "(and optionally detail, presence)"


def _unknown_key(p: Params) -> str:
    hint = f"did you mean {p['suggestion']!r}?" if p.get("suggestion") else "see the README's configuration reference"
    return f"[profiles.{p['profile']}] unknown key {p['key']!r}: {hint}"


def _no_keyring(p: Params) -> str:
    refused = f" ({p['backend']} is not the operating system's own store)" if p.get("backend") else ""
    hint = _NO_KEYRING_HINTS["linux" if str(p.get("platform", "")).startswith("linux") else "other"]
    return f"No OS keyring is available{refused}, and keys are never stored in plain files. {hint}"


def _value(problem: str) -> Callable[[Params], str]:
    return lambda p: f"[profiles.{p['profile']}] {p['key']} = {p['value']!r}: {problem.format_map(_Lenient(p))}"


def _needs_key(p: Params) -> str:
    hint = _NEEDED_HINTS.get(str(p["key"]), "").format_map(p)
    by = str(p.get("by") or "directory_source")  # rows written before `by` existed were directory sources
    return f"[profiles.{p['profile']}] {p['key']} is missing: {hint + ' (' if hint else ''}{by} = \"{p['source']}\" " \
           f"needs it{')' if hint else ''}"


def _sign_in_cli(p: Params) -> str:
    return f"sign in with: transfer-panel credentials login --profile {p['profile']}"


_SIGN_IN_WINDOW = "sign in with Sign in… at the top of the panel"
_OPENBAO_ASK_IT = "Try again; if it persists, tell IT."


def _target_not_available(p: Params) -> str:
    state, status = str(p["state"]), str(p.get("status") or "")
    standing = state if status.lower() in ("", state) else f"{state} ({status})"
    if state == "offline":
        return f"{p['target_label']} is {standing}: routing the call to them will likely fail."
    return f"{p['target_label']} is {standing}: the call may wait until they are free, or routing may fail."


def _already_routed(p: Params) -> str:
    when = _clock_time(p.get("at"))
    if p.get("status") == OutcomeStatus.ACCEPTED.value:
        return f"Routing this call to {p['target_label']} was already requested at {when}."
    return f"A transfer of this call to {p['target_label']} at {when} may have gone through (its outcome is unknown)."


TEMPLATES: dict[Problem, Template] = {
    Problem.ID_EMPTY: lambda p: f"The {_field(p)} is empty: enter a Salesforce ID of 15 or 18 characters.",
    Problem.ID_MALFORMED: lambda p: (f"The {_field(p)} {p['text']!r} is not a Salesforce ID: it must be 15 or 18 "
                                     f"letters and digits (it is {p['length']} characters long). Copy the ID from "
                                     "the record's URL."),
    Problem.ID_BAD_CHECKSUM: lambda p: (f"The {_field(p)} {p['text']} has a wrong checksum (its last 3 characters "
                                        f"should be {p['expected']}): it was probably mistyped or its letter case was "
                                        "changed. Copy it again from Salesforce."),
    Problem.ID_FLOW_VERSION: lambda p: (f"The {_field(p)} {p['id']} is a flow version ID (301…): use the flow "
                                        "definition ID (300…), the DurableId of the flow in FlowDefinitionView."),
    Problem.ID_NOT_ROUTABLE: lambda p: (f"The {_field(p)} {p['id']} is not an agent (005…), a queue (00G…) or an "
                                        f"Omni-Channel flow (300…): its prefix {p['prefix']} is a {p['kind']} ID."),
    Problem.CALL_ID_EMPTY: "The call ID is empty: paste the active call's ID from the softphone.",
    Problem.CALL_ID_CONTROL: "The call ID contains a control character or invalid text (e.g. a line break): paste "
                             "just the ID.",
    Problem.CALL_ID_INVISIBLE: "The call ID contains an invisible character (a zero-width space, a text-direction "
                               "mark or a line separator): paste just the ID, or type it.",
    Problem.CALL_ID_TOO_LONG: "The call ID is {length} characters long (at most {limit}): paste just the ID.",
    Problem.CALL_ID_DOTS: "{text!r} is not a call ID: paste the active call's ID.",
    Problem.CALL_ID_NOT_VOICE_CALL: "{text!r} starts like a Salesforce VoiceCall ID (0LQ…) but is not one: it must be "
                                    "15 or 18 letters and digits. Paste the call ID again.",
    Problem.CALL_ID_PATTERN: lambda p: (f"{p['text']!r} is not a call ID: " + (
        "it holds a space or another character the profile's contact_id_pattern does not allow."
        if p.get("custom") else "a contact ID has no spaces.") + " Paste just the ID."),
    Problem.FALLBACK_NOT_FOR_KIND: "A fallback queue applies only when routing to an Omni-Channel flow: remove it, or "
                                   "choose a flow instead of this {kind}.",
    Problem.FALLBACK_NOT_A_QUEUE: "The fallback queue {id} is not a queue ID (00G…).",
    Problem.FLOW_INPUTS_NOT_FOR_KIND: "Flow inputs apply only when routing to an Omni-Channel flow, not to a {kind}: "
                                      "remove them.",
    Problem.FLOW_INPUTS_TOO_MANY: "{count} flow inputs given: at most {limit} are allowed.",
    Problem.FLOW_INPUT_NO_NAME: "Flow input {number} has no name: give it one or remove the row.",
    Problem.FLOW_INPUT_BAD_NAME: "Flow input {number}'s name is too long or has line breaks or tabs: use the flow "
                                 "variable's API name (at most {limit} characters).",
    Problem.FLOW_INPUT_CONTROL: "Flow input {key!r} contains a control character or invalid text: remove it.",
    Problem.FLOW_INPUT_TOO_LONG: "Flow input {key!r} is {length} characters long (at most {limit}).",
    Problem.FLOW_INPUT_DUPLICATE: "Flow input {key!r} is given twice (names are compared ignoring case, like "
                                  "Salesforce API names): keep one of {first!r} and {key!r}.",
    Problem.FLOW_INPUT_SYNTAX: "--flow-input {text!r} must be KEY=VALUE.",
    Problem.ALREADY_ROUTED: lambda p: (f"{_already_routed(p)} Nothing was sent. Check the softphone; to route it "
                                       "again anyway, add --again."),
    Problem.TRANSFER_IN_FLIGHT: "A transfer of this call is already on its way: wait for its outcome.",
    Problem.TARGET_NOT_AVAILABLE: lambda p: (f"{_target_not_available(p)} Nothing was sent. Pick another target, "
                                             "or to route it there anyway, add --even-if-unavailable."),
    Problem.CONFIG_UNREADABLE: "Cannot read the config file {path}: {reason}.",
    Problem.CONFIG_TOO_BIG: "The config file {path} is over {limit_kib} KiB: that is not a config file. Check the "
                            "path (--config, $TRANSFER_PANEL_CONFIG).",
    Problem.CONFIG_NOT_TOML: "The config file {path} is not valid TOML: {detail}.",
    Problem.CONFIG_TOO_DEEP: "The config file {path} nests tables or arrays too deeply to be a config file.",
    Problem.CONFIG_INVALID: "The config file {path} has {count} problem(s):",
    Problem.CONFIG_UNKNOWN_TOP_KEY: "{file}: unknown top-level key {key!r}: profiles go in [profiles.<name>] tables",
    Problem.CONFIG_PROFILES_NOT_TABLES: "{file}: 'profiles' must hold [profiles.<name>] tables",
    Problem.CONFIG_LOCKED_UNKNOWN: "{file}: [profiles.{profile}] locked names unknown keys: {keys}",
    Problem.CONFIG_LOCKED_INVALID: "{file}: [profiles.{profile}] locked must be true or a list of key names",
    Problem.CONFIG_NO_PROFILE: "No profile is configured in {path}. Add a [profiles.<name>] table (see the README's "
                               "configuration reference) or use --demo.",
    Problem.CONFIG_CHOOSE_PROFILE: "{count} profiles are configured ({names}): choose one with --profile NAME.",
    Problem.CONFIG_UNKNOWN_PROFILE: lambda p: (f"There is no profile {p['name']!r} in {p['path']} (configured: "
                                               f"{p['known'] or 'none'})."),
    Problem.CONFIG_NOT_SAVED: "The config file {path} could not be written ({reason}): nothing was saved.",
    Problem.CONFIG_NOT_FOUND: "There is no config file at {path} (looked at --config, then $TRANSFER_PANEL_CONFIG, "
                              "then the user config folder) and no site file at {site_path}. Add a profile: "
                              "transfer-panel profiles add NAME --base-url URL --org-id 00D… --call-center NAME",
    Problem.CONFIG_NOT_APPLIED: "The config file {path} was written, but reading it back does not give {what} as "
                                "saved: another program may be changing it. Check the file, then save again.",
    Problem.CONFIG_CHANGED_MEANWHILE: "The config file {path} was changed by someone else since it was opened here: "
                                      "nothing was saved. Reload it, then make the change again.",
    Problem.PROFILE_EXISTS: "Profile '{profile}' is already in {path}: add --replace to replace it.",
    Problem.PROFILE_SET_SYNTAX: "--set {text!r} must be KEY=VALUE with a TOML value, e.g. timeout_s=15 or "
                                "provider_name=\"Amazon Connect\" ({reason}).",
    Problem.PROFILE_BAD_NAME: "[profiles.{profile}]: profile names use letters, digits, '-' and '_' (at most 64)",
    Problem.PROFILE_NOT_TABLE: "[profiles.{profile}] must be a table of keys",
    Problem.PROFILE_UNKNOWN_KEY: _unknown_key,
    Problem.PROFILE_MISSING_KEY: lambda p: f"[profiles.{p['profile']}] {p['key']} is missing: "
                                           f"{_REQUIRED_HINTS.get(str(p['key']), 'see the README')}",
    Problem.PROFILE_NEEDS_KEY: _needs_key,
    Problem.PROFILE_NOT_OPENBAO: "Profile '{profile}' signs with a key in the keyring (signing = \"keyring\"): there "
                                 "is no OpenBao sign-in.",
    Problem.VALUE_NOT_BOOL: _value("must be true or false (no quotes)"),
    Problem.VALUE_NOT_SECONDS: _value("must be a number of seconds"),
    Problem.VALUE_OUT_OF_RANGE: _value("must be between {low} and {high} seconds"),
    Problem.VALUE_NOT_STRING: _value("must be a string in quotes"),
    Problem.VALUE_NOT_URL: lambda p: _value("must be a full URL: " + _URL_HINTS.get(str(p.get("example")), ""))(p),
    Problem.VALUE_URL_QUERY: _value("must not have a query (?…) or fragment (#…)"),
    Problem.VALUE_URL_CREDENTIALS: _value("must not contain a user name or password"),
    Problem.VALUE_URL_PLAIN_HTTP: _value("must use https:// (plain http is allowed only to this computer, e.g. a "
                                         "local simulator, or in a profile with training = true for a classroom "
                                         "simulator)"),
    Problem.VALUE_URL_PORT: _value("has a port that does not exist: use a number from 1 to 65535, or none"),
    Problem.VALUE_URL_HOST: _value("is not a host name or address this computer can reach: use letters, digits, "
                                   "dots and dashes (no spaces, tabs, line breaks or other characters; a name in "
                                   "another script in its xn-- form)"),
    Problem.VALUE_NOT_ORG_ID: _value("must be an organization ID (00D…)"),
    Problem.VALUE_BAD_ID: _value("is not a valid ID"),
    Problem.VALUE_NOT_API_NAME: _value("must be an API name: " + _REQUIRED_HINTS["call_center"]),
    Problem.VALUE_NOT_PRINTABLE: _value("must be printable, at most {limit} characters"),
    Problem.VALUE_NOT_HEADER_TEXT: _value("is sent as an HTTP header, which carries plain ASCII only (at most {limit} "
                                          "characters): write it without accents or other scripts, e.g. "
                                          "\"Telefonica\""),
    Problem.VALUE_NOT_API_VERSION: _value("must be an API version such as \"62.0\""),
    Problem.VALUE_NOT_PATTERN: _value("must be a regular expression for the telephony vendor's contact IDs, at most "
                                      "{limit} characters, e.g. \"[0-9a-f-]{{36}}\" ({reason})"),
    Problem.VALUE_NOT_A_CHOICE: _value("must be one of {choices}"),
    Problem.VALUE_NOT_OPENBAO_NAME: _value("must be an OpenBao name: letters, digits, '_', '-' and '.' (at most "
                                           "{limit})"),
    Problem.VALUE_NOT_NAMESPACE: _value("must be a namespace path such as \"contact-center\" or "
                                        "\"emea/contact-center\", or empty"),
    Problem.VALUE_TRAINING_SALESFORCE: _value("is Salesforce: a profile with training = true must point at a training "
                                              "simulator"),
    Problem.VALUE_TRAINING_PUBLIC: _value("is a public address: a training simulator belongs on a closed network (a "
                                          "private address such as 192.168.x.x or 10.x.x.x)"),
    Problem.KEYRING_MISSING: _no_keyring,
    Problem.KEYRING_LOCKED: "The keyring ({backend}) is locked. Unlock it (sign in to your desktop session or open "
                            "your keyring app) and try again.",
    Problem.KEYRING_FAILED: "The keyring ({backend}) could not {action} the key: {error}. Check that your keyring is "
                            "running and unlocked.",
    Problem.SECRET_MISSING: "No private key is stored for profile '{profile}' in {backend}. Store it: transfer-panel "
                            "credentials set --profile {profile} --key-file KEY.pem",
    Problem.SECRET_CORRUPT: lambda p: (f"The private key stored for profile '{p['profile']}' in {p['backend']} is "
                                       f"damaged ({_SECRET_WHY.get(str(p['why']), p['why'])}) and will not be used. "
                                       f"Store it again: transfer-panel credentials set --profile {p['profile']} "
                                       "--key-file KEY.pem"),
    Problem.SECRET_UNFIT: "The {name} to store for profile '{profile}' is empty, too long or not plain text (at most "
                          "{limit} printable ASCII characters).",
    Problem.KEY_NOT_PEM: "This is not a PEM private key: expected a file that starts with '-----BEGIN PRIVATE "
                         "KEY-----' or '-----BEGIN RSA PRIVATE KEY-----'.",
    Problem.KEY_NEEDS_PASSPHRASE: "The private key is protected by a passphrase: give the passphrase too.",
    Problem.KEY_UNNEEDED_PASSPHRASE: "The private key is not protected by a passphrase, but one was given: leave it "
                                     "empty.",
    Problem.KEY_UNREADABLE: "The private key could not be read: the passphrase is wrong or the PEM is damaged.",
    Problem.KEY_NOT_RSA: "The private key is a {type} key: the SCRT API needs an RSA key (2048 or 4096 bits).",
    Problem.KEY_BAD_SIZE: "The private key is RSA {bits}-bit: use a 2048- or 4096-bit key, as registered on the Call "
                          "Center's certificate.",
    Problem.KEY_TOO_BIG: "{name} is too big to be a private key (over {limit_kib} KiB).",
    Problem.KEY_FILE_UNREADABLE: "Cannot read the key file {path}: {reason}.",
    Problem.PASSPHRASE_NEEDS_TERMINAL: "The key is protected by a passphrase: pass it with --passphrase-env VAR.",
    Problem.KEY_EXISTS: "Profile '{profile}' already has a {purpose} key in {backend}: nothing was changed. A new key "
                        "replaces it, and transfers fail until the new certificate is registered on the Call Center. "
                        "To replace it, add --replace. To get a certificate for the key you have: transfer-panel "
                        "credentials export-cert --profile {profile} --cert-out PATH",
    Problem.CERT_NOT_WRITTEN: "Cannot write the certificate to {path} ({reason}): nothing was changed. Choose a folder "
                              "you can write to.",
    Problem.CERT_NOT_SAVED_KEY_KEPT: "The new key is stored in {backend}, but its certificate could not be saved as "
                                     "{path} ({reason}). Write it again: transfer-panel credentials export-cert "
                                     "--profile {profile} --cert-out PATH",
    Problem.CERT_OUT_HOLDS_KEY: "{path} holds a private key: it is never overwritten. Write the certificate to another "
                                "file, e.g. {profile}.crt.",
    Problem.ENV_VAR_MISSING: "The environment variable {name} is not set.",
    Problem.SIGNER_UNAVAILABLE: "The signing service cannot sign now ({reason}).",
    Problem.OPENBAO_CA_FILE_UNREADABLE: "openbao_ca_file {path!r} cannot be read as PEM certificates ({error}): fix "
                                        "the path in the profile.",
    Problem.OPENBAO_CLIENT_CERT_UNREADABLE: "The client certificate {cert} or its key {key} cannot be read ({error}): "
                                            "check both files.",
    Problem.OPENBAO_TIMEOUT: f"OpenBao at {{url}} did not answer in time. {_OPENBAO_ASK_IT}",
    Problem.OPENBAO_UNTRUSTED: "OpenBao at {url} presented a certificate this PC does not trust: set openbao_ca_file "
                               "to your company's CA certificate (PEM) or install it in the OS trust store.",
    Problem.OPENBAO_UNREACHABLE: "OpenBao at {url} cannot be reached ({error}). Check the network; if it persists, "
                                 "tell IT.",
    Problem.OPENBAO_SEALED: "OpenBao at {url} is sealed: IT must unseal it; try again then.",
    Problem.OPENBAO_FAILING: f"OpenBao at {{url}} could not answer ({{status}}: {{said}}). {_OPENBAO_ASK_IT}",
    Problem.OPENBAO_DENIED: "OpenBao refused access to {path} ({status}: {said}).",
    Problem.OPENBAO_NOT_FOUND: "OpenBao has nothing at {path} (404): check openbao_url, openbao_namespace and "
                               "openbao_transit_mount in profile '{profile}', or ask IT whether the engine is enabled "
                               "there.",
    Problem.OPENBAO_REFUSED: "OpenBao refused the request to {path} ({status}: {said}): check the profile's openbao_* "
                             "keys, or ask IT.",
    Problem.OPENBAO_ANSWER_TOO_LARGE: "OpenBao's answer is over {limit} bytes.",
    Problem.OPENBAO_ANSWER_LACKS: "OpenBao's answer lacks '{field}': is openbao_url an OpenBao or Vault server?",
    Problem.OPENBAO_BAD_SIGNATURE: lambda p: ("OpenBao's signature is not valid base64." if p["why"] == "base64"
                                              else "OpenBao's answer holds no signature in the vault:v1:… form."),
    Problem.OPENBAO_KEY_NO_VERSIONS: "OpenBao's key {key!r} has no versions: ask IT.",
    Problem.OPENBAO_KEY_NOT_RSA: "OpenBao's key {key!r} is not an RSA key pair: use type rsa-2048 or rsa-4096.",
    Problem.OPENBAO_SIGN_DENIED: "OpenBao's policy does not let you sign with {path} (403 permission denied): ask IT "
                                 "to give your role the transfer-panel policy for key {key!r}, or check openbao_key "
                                 "and openbao_transit_mount in profile '{profile}'.",
    Problem.OPENBAO_SIGNATURE_MISMATCH: "OpenBao's signature does not verify against its own public key ({error}): "
                                        "ask IT to check the Transit key.",
    Problem.OPENBAO_NOT_SIGNED_IN: lambda p: (f"Not signed in to OpenBao, which signs profile '{p['profile']}''s "
                                              f"transfers: {_sign_in_cli(p)}"),
    Problem.OPENBAO_SIGN_IN_ENDED: lambda p: f"Your OpenBao sign-in has expired or was revoked: {_sign_in_cli(p)}",
    Problem.OPENBAO_SIGN_IN_EXPIRED: lambda p: f"Your OpenBao sign-in has expired: {_sign_in_cli(p)}",
    Problem.OPENBAO_SIGNED_OUT: lambda p: f"Signed out of OpenBao: {_sign_in_cli(p)}",
    Problem.OPENBAO_SIGN_IN_ELSEWHERE: "This profile signs in to OpenBao with {auth}: run transfer-panel credentials "
                                       "login --profile {profile}.",
    Problem.OPENBAO_BAD_USERNAME: "Give your OpenBao user name (no '/').",
    Problem.OPENBAO_SIGN_IN_REFUSED: "OpenBao refused the sign-in ({said}): check what you typed, or ask IT whether "
                                     "your account may use the panel's role.",
    Problem.OPENBAO_SIGN_IN_NO_TOKEN: "OpenBao's answer to the sign-in holds no token: ask IT.",
    Problem.OPENBAO_TOKEN_REFUSED: "OpenBao does not accept this token (expired, revoked or mistyped).",
    Problem.OPENBAO_CERT_FILES_NEEDED: "cert sign-in needs --client-cert PATH and --client-key PATH.",
    Problem.OPENBAO_OIDC_NO_URL: "OpenBao gave no sign-in address for OIDC role {role!r}: IT must add {redirect_uri} "
                                 "to the role's allowed_redirect_uris.",
    Problem.OPENBAO_NO_BROWSER: "No browser could be opened: open this address yourself to sign in: {url}",
    Problem.OPENBAO_BROWSER_TIMEOUT: "The browser did not come back within {wait_s} s: sign in again.",
    Problem.OPENBAO_CALLBACK_PORT_BUSY: "Port {port} on this PC is busy ({reason}), so the browser cannot come back "
                                        "to the panel: close the other sign-in (or program) and try again.",
    Problem.OPENBAO_IDP_REFUSED: "The identity provider refused the sign-in: {said}",
    Problem.OPENBAO_CALLBACK_NO_CODE: "The browser came back without a sign-in code: sign in again.",
    Problem.JOURNAL_RETENTION_RANGE: "Keep transfers for {low} to {high} days, not {days}.",
    Problem.JOURNAL_UNUSABLE: lambda p: (f"The transfer history {p['path']} cannot be used "
                                         f"({_JOURNAL_WHY.get(str(p['reason']), p['reason'])}). Start the panel's "
                                         "window once: it moves the file aside and starts a new history. Or move "
                                         "it yourself."),
    Problem.JOURNAL_UNWRITABLE: "The transfer history {path} cannot be written ({reason}).",
    Problem.LINK_TOO_LONG: "The link is {length} characters long: expected transfer-panel://call/<call ID>.",
    Problem.LINK_MALFORMED: "{text!r} is not a call link: expected transfer-panel://call/<call ID>.",
    Problem.LINK_BAD_ENCODING: "The call ID in the link is not valid percent-encoded UTF-8.",
    Problem.LINK_PADDED: "The call ID in the link starts or ends with a space or control character.",
    Problem.LINK_AND_CALL_ID: "Give the call as --call-id or as a transfer-panel:// link, not both.",
    Problem.HANDOVER_TOO_LONG: "The message from the other launch is too long.",
    Problem.HANDOVER_MALFORMED: "The message from the other launch is not one this panel sends.",
    Problem.HANDOVER_NO_CALL_ID: "The message from the other launch holds no call ID.",
    Problem.RESOURCE_MISSING: "The panel's file {name} is missing (looked in {looked}). Reinstall the panel.",
    Problem.DIRECTORY: "{text}",
    Problem.TARGET_KIND: "a directory entry must be an agent, a queue or a flow, not a {kind}",
    Problem.TARGET_ID_OF_OTHER_KIND: "the {kind} ID {id} starts with {prefix}, which is a {id_kind} ID, not a "
                                     "{kind} ID",
    Problem.TARGET_NO_NAME: "the {kind} {id} has no name",
    Problem.TARGET_PRESENCE_NOT_AGENT: "only agents have a presence; {label!r} is a {kind}",
    Problem.DIRECTORY_FILE_MISSING: "The directory file {path} does not exist. Check directory_file in the profile.",
    Problem.DIRECTORY_FILE_UNREADABLE: "The directory file {path} cannot be read ({reason}). Check directory_file "
                                       "in the profile and that the file can be read.",
    Problem.DIRECTORY_FILE_NOT_REGULAR: "The directory file {path} is not a regular file (a pipe, a device or a "
                                        "folder). Check directory_file in the profile.",
    Problem.DIRECTORY_FILE_TOO_BIG: lambda p: (f"The directory file {p['path']} holds {_number(p['size_mib'])} MiB; "
                                               "the panel reads directory files of up to "
                                               f"{_number(p['limit_mib'])} MiB. Check that it is the directory, and "
                                               "leave out what the panel does not need."),
    Problem.DIRECTORY_FILE_NOT_UTF8: "The directory file {path} is not UTF-8 text. Save it as UTF-8.",
    Problem.DIRECTORY_FILE_BAD_HEADER: "The directory file {path} needs a header row with the columns kind, id, name "
                                       f"{_OPTIONAL_COLUMNS}; its first line is not one:",
    Problem.DIRECTORY_FILE_NO_HEADER: "The directory file {path} needs a header row with the columns kind, id, name "
                                      f"{_OPTIONAL_COLUMNS}; missing: {{missing}}.",
    Problem.DIRECTORY_FILE_NOT_JSON_FORM: "The directory file {path} must be JSON of the form "
                                          '{{"targets": [{{"kind": …, "id": …, "name": …}}, …]}}.',
    Problem.DIRECTORY_ROW: lambda p: (f"line {p['line']}, target {p['position']}" if p.get("position") is not None
                                      else f"line {p['line']}"),
    Problem.DIRECTORY_ROW_TOO_LONG: lambda p: f"it is longer than {_number(p['limit'])} bytes",
    Problem.DIRECTORY_ROW_OPEN_QUOTE: "a quote opens a field but does not close it on the same line",
    Problem.DIRECTORY_ROW_NOT_CSV: "the line is not valid CSV ({error})",
    Problem.DIRECTORY_ROW_NOT_UTF8: "the line is not UTF-8 text; save the file as UTF-8",
    Problem.DIRECTORY_ROW_BAD_KIND: "kind {kind!r} must be agent, queue or flow",
    Problem.DIRECTORY_ROW_NOT_JSON: "it is not valid JSON",
    Problem.DIRECTORY_ROW_NESTED: "it holds lists or objects, or a string that does not end on its line",
    Problem.DIRECTORY_ROW_NOT_OBJECT: "it is not an object with kind, id and name",
    Problem.DIRECTORY_ROW_CUT_SHORT: "the file ends inside it",
    Problem.DIRECTORY_DUPLICATE_ID: "line {line}: the ID {id} is also on line {earlier_line}; this later row is used",
    Problem.DIRECTORY_JSON_BROKEN: "line {line}: the JSON is broken here (a comma or a closing bracket is missing); "
                                   "nothing after it is read",
    Problem.DIRECTORY_CACHE_UNREADABLE: "The saved directory {path} cannot be read ({reason}); it is ignored.",
    Problem.DIRECTORY_CACHE_DAMAGED: lambda p: (f"The saved directory {p['path']} is damaged or from another version "
                                                f"({_CACHE_WHY.get(str(p['why']), p['why'])}); it is ignored and "
                                                "replaced at the next refresh."),
    Problem.SIMULATOR: "{text}",
}

# Where the window says it differently: it has Settings, not commands or options.
WINDOW_TEMPLATES: dict[Problem, Template] = {
    Problem.ALREADY_ROUTED: _already_routed,
    Problem.TARGET_NOT_AVAILABLE: _target_not_available,
    Problem.SECRET_MISSING: "No private key is stored for profile '{profile}' in {backend}: open Settings… and set "
                            "its key (transfers fail until then).",
    Problem.SECRET_CORRUPT: lambda p: (f"The private key stored for profile '{p['profile']}' in {p['backend']} is "
                                       f"damaged ({_SECRET_WHY.get(str(p['why']), p['why'])}) and will not be used. "
                                       "Open Settings… and set it again."),
    Problem.CONFIG_NO_PROFILE: "No profile is configured in {path}: add one in Settings….",
    Problem.KEY_EXISTS: "Profile '{profile}' already has a key in {backend}: nothing was changed. Replacing it stops "
                        "transfers until the new certificate is registered on the Call Center; to get a certificate "
                        "for the key you have, use Export certificate….",
    Problem.CERT_NOT_SAVED_KEY_KEPT: "The new key is stored in {backend}, but its certificate could not be saved as "
                                     "{path} ({reason}). Use Export certificate… to save it elsewhere.",
    Problem.CONFIG_CHOOSE_PROFILE: "{count} profiles are configured ({names}): start the panel with --profile NAME.",
    Problem.JOURNAL_UNUSABLE: lambda p: (f"The transfer history {p['path']} cannot be used "
                                         f"({_JOURNAL_WHY.get(str(p['reason']), p['reason'])})."),
    Problem.OPENBAO_NOT_SIGNED_IN: f"Not signed in to OpenBao, which signs this profile's transfers: "
                                   f"{_SIGN_IN_WINDOW}.",
    Problem.OPENBAO_SIGN_IN_ENDED: f"Your OpenBao sign-in has expired or was revoked: {_SIGN_IN_WINDOW}.",
    Problem.OPENBAO_SIGN_IN_EXPIRED: f"Your OpenBao sign-in has expired: {_SIGN_IN_WINDOW}.",
    Problem.OPENBAO_SIGNED_OUT: f"Signed out of OpenBao: {_SIGN_IN_WINDOW}.",
}

# The window's header: a word or two for why transfers cannot be signed (the whole reason in its tooltip).
KEY_STATE_LABELS: dict[Problem, str] = {
    Problem.KEYRING_MISSING: "No keyring",
    Problem.KEYRING_LOCKED: "Keyring locked",
    Problem.KEYRING_FAILED: "Keyring error",
    Problem.SECRET_MISSING: "No key",
    Problem.SECRET_CORRUPT: "Key damaged",
}


def describe(error: PanelError, front: Front = Front.CLI) -> str:
    """The error in words: what is wrong and how to fix it. A file's problems follow, one a line."""
    text = describe_code(error.code, error.params, front)
    if error.code is Problem.DIRECTORY_ROW:
        return "; ".join([text, *(describe(detail, front) for detail in error.details)]) + " (skipped)"
    if error.code is Problem.VALUE_BAD_ID:
        return ": ".join([text, *(describe(detail, front) for detail in error.details)])
    if error.details:
        return "\n".join([text, *(f"  - {_place(detail, error)}{describe(detail, front)}" for detail in error.details)])
    return text


def _place(problem: PanelError, within: PanelError) -> str:
    """Where a file's problem is written: "line 5: ", or "/etc/…/site.toml, line 3: " when it is
    in another file than the one the list is about; nothing when it has no line."""
    line, file = problem.params.get("line"), problem.params.get("file")
    if not line:
        return ""
    return f"line {line}: " if not file or file == within.params.get("path") else f"{file}, line {line}: "


def describe_code(code: Problem, params: Params, front: Front = Front.CLI) -> str:
    template = (WINDOW_TEMPLATES.get(code) if front is Front.WINDOW else None) or TEMPLATES[code]
    if callable(template):
        return template(_Lenient(params))
    return template.format_map(_Lenient(params))


def describe_any(error: BaseException, front: Front = Front.CLI) -> str:
    """Any exception (the error hooks): a `PanelError` in words, else its type and the first words of
    its message (a bug's own description; its traceback is in the log, never shown)."""
    if isinstance(error, PanelError):
        return describe(error, front)
    words = " ".join(str(error).split())
    return f"{type(error).__name__}: {words[:200]}" if words else type(error).__name__


# ---- the OpenBao sign-in ----------------------------------------------------------------------------
def sign_in_text(status: SignInStatus, front: Front = Front.CLI) -> str:
    """Who is signed in to OpenBao and until when, or why nobody is."""
    if status.problem is not None:
        return describe(status.problem, front)
    if not status.signed_in:
        return "Not signed in to OpenBao."
    until = "no expiry" if status.expires_at is None else f"until {datetime.fromtimestamp(status.expires_at):%H:%M}"
    return f"Signed in to OpenBao as {status.who or 'a token'}, {until}"


_SIGN_OUT_TEXTS = {
    "revoked": "Signed out: the OpenBao token is revoked.",
    "already_ended": "Signed out (the OpenBao token had already expired or been revoked).",
    "not_revoked": "Signed out here, but OpenBao could not revoke the token ({reason}); it stops working when it "
                   "expires.",
    "not_signed_in": "Profile '{profile}' was not signed in to OpenBao.",
}


def sign_out_text(result: SignedOut, profile: str, front: Front = Front.CLI) -> str:
    reason = describe(result.reason, front).rstrip(".") if result.reason is not None else "?"
    return _SIGN_OUT_TEXTS[result.how.value].format(reason=reason, profile=profile)


def oidc_page(signed_in: bool) -> str:
    """What the rep's browser shows when the OIDC sign-in comes back to the panel."""
    return ("Signed in. You can close this tab and go back to the Voice Transfer Panel." if signed_in
            else "The sign-in did not complete: see the Voice Transfer Panel.")


def signing_check_text(check: SigningCheck) -> str:
    """`self-test --profile P`: what works when OpenBao signs."""
    return (f"{sign_in_text(check.status)}; {check.sign_path} signed a test token that verifies against OpenBao's "
            f"RSA-{check.key_bits} public key")


# ---- transfer outcomes ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OutcomeText:
    headline: str  # what happened
    hint: str  # what to do now ("" when nothing)


STATUS_LABELS: dict[OutcomeStatus, str] = {
    OutcomeStatus.ACCEPTED: "Routing requested",
    OutcomeStatus.REJECTED: "Rejected",
    OutcomeStatus.WRONG_SHAPE: "Wrong route shape",
    OutcomeStatus.SERVER_ERROR: "Server error",
    OutcomeStatus.AUTH_FAILED: "Credentials refused",
    OutcomeStatus.CREDENTIALS: "No credentials",
    OutcomeStatus.THROTTLED: "Throttled",
    OutcomeStatus.NOT_SENT: "Not sent",
    OutcomeStatus.OUTCOME_UNKNOWN: "Outcome unknown",
    OutcomeStatus.INTERNAL_ERROR: "Internal error",
}
SENDING_LABEL = "Sending…"
GROUP_LABELS: dict[StatusGroup, str] = {
    StatusGroup.ROUTED: "Routing requested",
    StatusGroup.UNKNOWN: "Outcome unknown or in progress",
    StatusGroup.REJECTED: "Rejected by Salesforce",
    StatusGroup.NOT_SENT: "Not sent or throttled",
    StatusGroup.SETUP: "Credentials or setup",
}
_CHECK_SOFTPHONE = "Check the softphone before doing anything: if the call did not move, try again."
_SAFE_TO_RETRY = "Nothing was sent; trying again is safe."


def outcome_text(outcome: RouteOutcome, target_label: str, front: Front = Front.CLI) -> OutcomeText:
    """The outcome in words: the headline a rep reads first, then what to do."""
    p = _Lenient({**outcome.params, "label": target_label, "status": outcome.http_status,
                  "retry_after": outcome.retry_after_s,
                  "said": outcome.server_message or _status_phrase(outcome.http_status)})
    cause = outcome.cause
    if isinstance(cause, Problem):
        fix = "Nothing was sent: fix the credentials and try again." if outcome.status is OutcomeStatus.CREDENTIALS \
            else _SAFE_TO_RETRY
        text = OutcomeText(describe_code(cause, outcome.params, front), fix)
    elif cause is None:  # a row from before outcomes were codes: its sentence was kept
        text = OutcomeText(str(outcome.params.get("message") or STATUS_LABELS[outcome.status]), "")
    else:
        text = _CAUSE_TEXTS[cause](p, front)
    if outcome.params.get("journal_failed"):
        text = OutcomeText(text.headline, _join(text.hint, "The transfer history could not be written: this "
                                                            "transfer is missing from it."))
    return text


def _shape_fix(p: Params, front: Front) -> str:
    if front is Front.WINDOW:
        return f"In Settings…, set the route shape of profile '{p['profile']}' to {p['other_shape']} and try again."
    return f"Set route_shape = \"{p['other_shape']}\" in profile '{p['profile']}' and try again."


def _throttled(p: Params, front: Front) -> OutcomeText:
    wait = p.get("retry_after")
    when = f"in {float(wait):.0f} s" if isinstance(wait, int | float) else "in a minute"
    return OutcomeText(f"Salesforce is busy ({p['status']}) and did not process the request.", f"Try again {when}.")


def _internal(p: Params, front: Front) -> OutcomeText:
    if p.get("sent"):
        return OutcomeText(f"The transfer to {p['label']} stopped with an unexpected error ({p['error']}).",
                           "The call may or may not be moving: check the softphone before trying again. Details are "
                           "in the log.")
    return OutcomeText(f"The transfer to {p['label']} could not be sent: an unexpected error ({p['error']}).",
                       "Nothing was sent. Details are in the log; tell your administrator.")


_CAUSE_TEXTS: dict[Cause, Callable[[Params, Front], OutcomeText]] = {
    Cause.ANSWER_ACCEPTED: lambda p, f: OutcomeText(f"Routing requested to {p['label']}", ""),
    Cause.ANSWER_REJECTED: lambda p, f: OutcomeText(
        f"Salesforce rejected routing to {p['label']} ({p['status']}): {p['said']}.",
        "Check the target and the flow inputs; sending the same request again will not help."),
    Cause.ANSWER_NOT_FOUND: lambda p, f: OutcomeText(
        f"Salesforce does not know this call (404): {p['said']}.",
        "Check the call ID; the call may have ended. If every call fails this way, the server may expect "
        + (f"the {p['other_shape']} route shape (Settings…)." if f is Front.WINDOW
           else f"route_shape = \"{p['other_shape']}\".")),
    Cause.ANSWER_WRONG_SHAPE: lambda p, f: OutcomeText(
        f"The server does not accept the '{p['route_shape']}' route shape (405): nothing was routed.",
        _shape_fix(p, f)),
    Cause.ANSWER_AUTH: lambda p, f: OutcomeText(
        f"Salesforce refused the credentials ({p['status']}): {p['said']}. Nothing was routed.",
        "Check the profile's org_id and call_center, the certificate registered on the Call Center, and this "
        "computer's clock; then ask your administrator."),
    Cause.ANSWER_THROTTLED: _throttled,
    Cause.ANSWER_SERVER_ERROR: lambda p, f: OutcomeText(
        f"Salesforce had a server error ({p['status']}): {p['said']}.",
        "The call may or may not have moved: check the softphone before you try again."),
    Cause.NOT_CONNECTED: lambda p, f: OutcomeText(
        f"Could not reach Salesforce ({p['error']}): nothing was sent.",
        "Check the network connection and try again; retrying is safe."),
    Cause.NO_ANSWER: lambda p, f: OutcomeText(
        f"No answer from Salesforce ({p['error']}): the call may already be routing.", _CHECK_SOFTPHONE),
    Cause.DEADLINE_NOT_SENT: lambda p, f: OutcomeText(
        f"Salesforce could not be reached within {p['timeout_s']:g} s: nothing was sent.",
        "Check the network connection and try again; retrying is safe."),
    Cause.DEADLINE_NO_ANSWER: lambda p, f: OutcomeText(
        f"No answer from Salesforce within {p['timeout_s']:g} s: the call may already be routing.", _CHECK_SOFTPHONE),
    Cause.PANEL_CLOSED: lambda p, f: OutcomeText(
        f"The panel closed during the transfer to {p['label']}: the call may have been routed.", _CHECK_SOFTPHONE),
    Cause.CANCELLED: lambda p, f: OutcomeText(
        f"The panel quit during the transfer to {p['label']}: the call may have been routed.", _CHECK_SOFTPHONE),
    Cause.INTERNAL: _internal,
}


# ---- the window's outcome: one line for the rep, details for IT -------------------------------------
# A rep in a call reads one thing: what happened and what to do with the caller now. The HTTP
# status, the server's words and the hints for IT wait behind "Details". An alternative target
# is named only when one is honestly known: the fallback queue the rep chose for a flow, or
# another region of the same queue in the directory; otherwise the rep asks their supervisor.
@dataclass(frozen=True, slots=True)
class TransferFacts:
    """What the window knows of a transfer besides its outcome."""

    label: str
    target: str = ""  # the target's ID
    kind: IdKind | None = None
    flow_inputs: int = 0
    fallback: str = ""  # the fallback queue's name (its ID when the directory does not know it)
    fallback_id: str = ""
    alternative: str = ""  # a queue to offer when this target is rejected ("" when none is known)

    @classmethod
    def of(cls, request: RouteRequest, queues: Iterable[tuple[str, str]] = ()) -> TransferFacts:
        """From the request sent and the directory's (name, ID) queues."""
        queues = tuple(queues)
        label = request.target_label or request.target.value
        fallback_id = request.fallback_queue.value if request.fallback_queue is not None else ""
        fallback = next((name for name, queue_id in queues if queue_id == fallback_id), fallback_id)
        alternative = (sibling_queue(request.target.value, label, queues)
                       if request.target.kind is IdKind.QUEUE else "")
        return cls(label, request.target.value, request.target.kind, len(request.flow_inputs), fallback,
                   fallback_id, alternative)


_QUALIFIED_NAME = re.compile(r"(?P<name>.*?\S)\s*\([^()]*\)\s*")  # "Billing (EMEA)": Billing, for EMEA


def sibling_queue(queue_id: str, label: str, queues: Iterable[tuple[str, str]]) -> str:
    """Another queue of the same name for another region or language ("Billing (Americas)" for
    "Billing (EMEA)"), the first in the directory's order; "" when the name has no such qualifier
    or no other queue shares it. Nothing looser: a guessed alternative sends callers astray."""
    own = _QUALIFIED_NAME.fullmatch(label)
    if own is None:
        return ""
    name = own["name"].casefold()
    for other, other_id in queues:
        found = _QUALIFIED_NAME.fullmatch(other)
        if other_id != queue_id and other != label and found is not None and found["name"].casefold() == name:
            return other
    return ""


@dataclass(frozen=True, slots=True)
class RepOutcome:
    """An outcome as the window shows it."""

    happened: str  # what happened, in a few words
    now: str  # what to do with the caller now
    details: tuple[str, ...] = ()  # what came back: the HTTP status, the server's words
    for_it: tuple[str, ...] = ()  # what IT should check (only what applies to this transfer)

    @property
    def line(self) -> str:
        """Both as one line (a headline may end without a stop: the window adds the time it took)."""
        stop = "" if self.happened.endswith((".", "?", "!")) else "."
        return f"{self.happened}{stop} {self.now}".strip()


_CONNECTING = "Tell the caller you are connecting them"
_A_MOMENT = "Tell the caller it will take a moment"
_KEEP_CALLER = "Stay with the caller; ask your supervisor to transfer the call"
_UNTIL_FIXED = "this panel cannot transfer until IT fixes it."
_CHECK_FIRST = "Check the softphone first: transfer again only if the call did not move."
_NOT_TWICE = "Do not retry blindly: a second request could route the call twice."
_SIGN_IN_PROBLEMS = frozenset({Problem.OPENBAO_NOT_SIGNED_IN, Problem.OPENBAO_SIGN_IN_ENDED,
                               Problem.OPENBAO_SIGN_IN_EXPIRED, Problem.OPENBAO_SIGNED_OUT})
_KIND_CHECKS = {
    IdKind.AGENT: "Check that agent {target} can take voice calls in Omni-Channel (presence status, capacity).",
    IdKind.QUEUE: "Check that queue {target} supports voice calls and has a routing configuration.",
    IdKind.FLOW: "Check that {target} is an active Omni-Channel flow (its 300… flow definition ID).",
}


def rep_outcome(outcome: RouteOutcome, facts: TransferFacts) -> RepOutcome:
    """The outcome of a transfer for the window: `happened` and `now` make the rep's one line;
    `details` and `for_it` go behind the Details expander."""
    cause = outcome.cause
    if isinstance(cause, Problem):
        said = _problem_outcome(outcome.status, cause, describe_code(cause, outcome.params, Front.WINDOW))
    elif cause is None:  # a row from before outcomes were codes: its sentence was kept
        said = RepOutcome(str(outcome.params.get("message") or STATUS_LABELS[outcome.status]), "")
    else:
        said = _REP_TEXTS[cause](_Lenient({**outcome.params, "retry_after": outcome.retry_after_s}), facts)
    details = (*_answer_lines(outcome), *said.details)
    if outcome.params.get("journal_failed"):
        details += ("The transfer history could not be written: this transfer is missing from it.",)
    return RepOutcome(said.happened, said.now, details, said.for_it)


def _answer_lines(outcome: RouteOutcome) -> tuple[str, ...]:
    """What came back, as IT reads it: "HTTP 400 Bad Request · 52 ms", "Salesforce said: …"."""
    lines = []
    if outcome.http_status is not None:
        tries = f" · {outcome.attempts} attempts" if outcome.attempts > 1 else ""
        lines.append(f"HTTP {_status_phrase(outcome.http_status)} · {outcome.elapsed_ms:.0f} ms{tries}")
    if outcome.server_message and not outcome.accepted:  # a 2xx's body holds nothing for anyone
        lines.append(f"Salesforce said: {outcome.server_message}")
    return tuple(lines)


def _problem_outcome(status: OutcomeStatus, cause: Problem, described: str) -> RepOutcome:
    """No token could be made, or the row could not be written: nothing left this computer."""
    if cause in _SIGN_IN_PROBLEMS:
        return RepOutcome("Nothing was sent: you are not signed in to OpenBao.",
                          "Sign in (Sign in… at the top of the panel), then transfer again.", (described,))
    if cause is Problem.KEYRING_LOCKED:
        return RepOutcome("Nothing was sent: the keyring is locked.",
                          "Unlock it (your desktop's keyring or password app), then transfer again.", (described,))
    if status is OutcomeStatus.CREDENTIALS:
        return RepOutcome("Nothing was sent: this panel has no usable key to sign transfers.",
                          f"{_KEEP_CALLER}: {_UNTIL_FIXED}", (described,))
    what = ("the transfer history cannot be written" if cause.value.startswith("journal.")
            else "the panel could not sign the transfer")
    return RepOutcome(f"Nothing was sent: {what}.",
                      f"{_A_MOMENT}, then try again; if it keeps failing, ask your supervisor.", (described,))


def _rejected(p: Params, f: TransferFacts) -> RepOutcome:
    alternative = f.fallback if f.kind is IdKind.FLOW and f.fallback else f.alternative
    now = (f"{_CONNECTING}; try {alternative} or ask your supervisor." if alternative
           else f"{_CONNECTING}, and ask your supervisor where to send the call.")
    check = _KIND_CHECKS.get(f.kind) if f.kind is not None else None
    hints = [check.format(target=f.target)] if check and f.target else []
    if f.kind is IdKind.FLOW and f.flow_inputs:
        hints.append(f"Check the {f.flow_inputs} flow input(s): each name must be an input variable of the flow.")
    if f.kind is IdKind.FLOW and f.fallback_id:
        hints.append(f"Check that the fallback queue {f.fallback_id} supports voice calls.")
    hints.append("Sending the same request again will not help.")
    return RepOutcome(f"Salesforce refused to route the call to {f.label}.", now, for_it=tuple(hints))


def _not_found(p: Params, f: TransferFacts) -> RepOutcome:
    return RepOutcome("Salesforce does not know this call: it may have ended.",
                      "Check the softphone; if the caller is still there, ask your supervisor.",
                      for_it=("Check the call ID the softphone handed over.",
                              f"If every call fails this way, the server may expect the {p['other_shape']} route "
                              f"shape: set it for profile '{p['profile']}' in Settings…."))


def _wrong_shape(p: Params, f: TransferFacts) -> RepOutcome:
    return RepOutcome("Nothing was routed: the panel's settings do not match Salesforce.",
                      f"{_KEEP_CALLER}: {_UNTIL_FIXED}",
                      for_it=(f"The server does not accept the '{p['route_shape']}' route shape: "
                              f"{_shape_fix(p, Front.WINDOW)}",))


def _throttled_rep(p: Params, f: TransferFacts) -> RepOutcome:
    wait = p.get("retry_after")
    when = f"in {float(wait):.0f} s" if isinstance(wait, int | float) else "in a minute"
    return RepOutcome("Salesforce is busy: nothing was routed.", f"{_A_MOMENT}; try again {when}.",
                      ("Salesforce did not process the request: sending it again is safe.",))


def _internal_rep(p: Params, f: TransferFacts) -> RepOutcome:
    error = (f"Error: {p['error']} (the traceback is in the panel's log file).",)
    if p.get("sent"):
        return RepOutcome("The transfer stopped with an unexpected error: the call may or may not be moving.",
                          _CHECK_FIRST, error, ("Send IT the log file (transfer-panel diagnostics).", _NOT_TWICE))
    return RepOutcome("Nothing was sent: the panel hit an unexpected error.",
                      f"{_A_MOMENT}, then try again; if it keeps happening, ask your supervisor.", error,
                      ("Send IT the log file (transfer-panel diagnostics).",))


def _unknown(why: Callable[[Params], str]) -> Callable[[Params, TransferFacts], RepOutcome]:
    return lambda p, f: RepOutcome("Outcome unknown: the call may already be moving.", _CHECK_FIRST,
                                   (why(p), _NOT_TWICE))


def _unreached(why: Callable[[Params], str]) -> Callable[[Params, TransferFacts], RepOutcome]:
    return lambda p, f: RepOutcome("Could not reach Salesforce: nothing was sent.",
                                   f"{_A_MOMENT}, then try again; if it keeps failing, ask your supervisor.",
                                   (why(p),),
                                   ("Check this computer's network connection and that it can reach the profile's "
                                    "base_url.",))


def _timeout(p: Params) -> str:
    seconds = p.get("timeout_s")
    return f"{seconds:g} s" if isinstance(seconds, int | float) else "its time"


_REP_TEXTS: dict[Cause, Callable[[Params, TransferFacts], RepOutcome]] = {
    Cause.ANSWER_ACCEPTED: lambda p, f: RepOutcome(
        f"Routing requested to {f.label}", f"{_CONNECTING}; the softphone shows when the call moves.",
        ("Salesforce accepted the routing request; its answer does not confirm that the call moved.",)),
    Cause.ANSWER_REJECTED: _rejected,
    Cause.ANSWER_NOT_FOUND: _not_found,
    Cause.ANSWER_WRONG_SHAPE: _wrong_shape,
    Cause.ANSWER_AUTH: lambda p, f: RepOutcome(
        "Nothing was routed: Salesforce refused this panel's credentials.", f"{_KEEP_CALLER}: {_UNTIL_FIXED}",
        for_it=("Check the profile's org_id and call_center, the certificate registered on the Call Center "
                "(it must match the key in the keyring), and this computer's clock.",)),
    Cause.ANSWER_THROTTLED: _throttled_rep,
    Cause.ANSWER_SERVER_ERROR: lambda p, f: RepOutcome(
        "Salesforce had a problem: the call may or may not have moved.", _CHECK_FIRST,
        for_it=("A failure on Salesforce's side; the panel never repeats such a request by itself.",)),
    Cause.NOT_CONNECTED: _unreached(lambda p: f"Before anything was sent: {p['error']}."),
    Cause.DEADLINE_NOT_SENT: _unreached(lambda p: f"No connection within the profile's timeout ({_timeout(p)})."),
    Cause.NO_ANSWER: _unknown(lambda p: f"The request was sent, then: {p['error']}."),
    Cause.DEADLINE_NO_ANSWER: _unknown(lambda p: f"The request was sent; no answer within the profile's timeout "
                                                 f"({_timeout(p)})."),
    Cause.PANEL_CLOSED: _unknown(lambda p: "The panel closed while the request was out."),
    Cause.CANCELLED: _unknown(lambda p: "The panel quit while the request was out."),
    Cause.INTERNAL: _internal_rep,
}


def _status_phrase(status: ParamValue) -> str:
    if not isinstance(status, int):
        return "no details"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _field(p: Params) -> str:
    return FIELD_NAMES.get(str(p.get("what", "id")), str(p.get("what", "ID")))


def _number(value: ParamValue) -> str:
    """1,234,567 (a value from another version that is not a number as it is)."""
    return f"{value:,}" if isinstance(value, int) else str(value)


def _clock_time(value: ParamValue) -> str:
    try:
        return datetime.fromisoformat(str(value)).astimezone().strftime("%H:%M")
    except ValueError:
        return "?"


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


class _Lenient(dict[str, ParamValue]):
    """Parameters for a template: one a template names but the error lacks shows as "?" rather
    than failing (a row written by another version may lack one)."""

    def __init__(self, params: Params) -> None:
        super().__init__(params)

    def __missing__(self, key: str) -> ParamValue:
        return "?"
