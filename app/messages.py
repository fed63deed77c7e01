"""Words for the core's codes: errors (`describe`), transfer outcomes (`outcome_text`), statuses.

This is the edge where text is made, shared by the command line and the window (no Qt here).
The front end decides how a fix is said: the window names its Settings, the command line a
command. Templates are English with named placeholders (`{path}`, `{label}`), so a sentence
can be reordered in another language.

Translation: every template and word here is marked with `QT_TRANSLATE_NOOP("Messages", …)`,
a no-op that pyside6-lupdate finds in .py files (tools/translations.py), so the window's
catalogue holds them. A template is looked up when it is said, through the front end's
`Words`: the command line's are English (scripts parse it); the window installs its own
(`set_window_words`, from app/ui/common/i18n.py), which translate the template by its English
text, then fill the placeholders, and write decimals and clock times as its locale does.
Counts that need a plural form are looked up with the count (`Words.translate(…, count)`).
"""

from __future__ import annotations

import re
import string
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

CONTEXT = "Messages"  # the catalogue context of every text here


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 (the name pyside6-lupdate looks for)
    """Marks `text` for the catalogue; said through `Words.translate` when used."""
    return text


class Front(StrEnum):
    CLI = "cli"
    WINDOW = "window"


@dataclass(frozen=True, slots=True)
class Words:
    """How a front end says a text: its translation of an English template (with a count, the plural
    form for it), a decimal number, a clock time."""

    translate: Callable[[str, str, int], str]  # (context, English text, count or -1) -> text
    integer: Callable[[int], str]  # 1234567 -> "1,234,567" / "1.234.567"
    decimal: Callable[[float], str]  # 2.5 -> "2.5" / "2,5"
    clock: Callable[[datetime], str]  # a local time of day, hours and minutes
    isolate: bool = False  # right-to-left text: each filled-in value is set apart (see _IsolatingFormatter)


ENGLISH = Words(translate=lambda context, text, count: text, integer=lambda value: f"{value:,}",
                decimal=lambda value: f"{value:g}",
                clock=lambda moment: moment.strftime("%H:%M"))
_window_words = ENGLISH


def set_window_words(words: Words) -> None:
    """The window's language (app/ui/common/i18n.py); the command line keeps ENGLISH."""
    global _window_words
    _window_words = words


def words_for(front: Front) -> Words:
    return _window_words if front is Front.WINDOW else ENGLISH


def say(text: str, front: Front = Front.WINDOW, **params: ParamValue) -> str:
    """A marked text in the front end's words, its placeholders filled."""
    return _Lenient(params, words_for(front)).say(text)


Params = Mapping[str, ParamValue]
Template = str | Callable[["_Lenient"], str]

FIELD_NAMES = {"id": QT_TRANSLATE_NOOP("Messages", "ID"), "target": QT_TRANSLATE_NOOP("Messages", "target"),
               "fallback_queue": QT_TRANSLATE_NOOP("Messages", "fallback queue"),
               "call_id": QT_TRANSLATE_NOOP("Messages", "call ID"), "org_id": "org_id",
               "fault target": QT_TRANSLATE_NOOP("Messages", "fault target")}

_URL_HINTS = {
    "base_url": QT_TRANSLATE_NOOP("Messages", "the SCRT base URL, e.g. "
                                  "https://<MyDomain>.my.salesforce-scrt.com/telephony/v1"),
    "salesforce_login_url": QT_TRANSLATE_NOOP("Messages", "https://login.salesforce.com, https://test.salesforce.com "
                                              "or your My Domain URL"),
    "training_url": QT_TRANSLATE_NOOP("Messages", "the trainer's simulator, e.g. "
                                      "http://192.168.1.20:8765/telephony/v1"),
    "openbao_url": QT_TRANSLATE_NOOP("Messages", "the OpenBao or Vault address, e.g. "
                                     "https://openbao.example.com:8200"),
}
_NEEDED_HINTS = {  # a key that another key's value needs
    "openbao_url": _URL_HINTS["openbao_url"],
    "openbao_key": QT_TRANSLATE_NOOP("Messages", "the name of the Transit key that holds the Call Center's private "
                                     "key"),
    "openbao_role": QT_TRANSLATE_NOOP("Messages", "the {source} role IT set up for the panel"),
}
_REQUIRED_HINTS = {
    "base_url": _URL_HINTS["base_url"],
    "org_id": QT_TRANSLATE_NOOP("Messages", "the 15- or 18-character org ID (00D…) from Setup > Company Information"),
    "call_center": QT_TRANSLATE_NOOP("Messages", "the Call Center's API name, e.g. HVCC"),
}
_NO_KEYRING_HINTS = {
    "linux": QT_TRANSLATE_NOOP("Messages", "Install and start a Secret Service keyring (GNOME Keyring or KWallet) in "
                               "your desktop session, then try again."),
    "other": QT_TRANSLATE_NOOP("Messages", "The system keychain / Credential Manager did not respond; sign in again "
                               "and retry."),
}
_SECRET_WHY = {"parts": QT_TRANSLATE_NOOP("Messages", "parts of it are missing or do not match its checksum"),
               "decoding": QT_TRANSLATE_NOOP("Messages", "it cannot be decoded"),
               "manifest": QT_TRANSLATE_NOOP("Messages", "its manifest is unreadable")}
_JOURNAL_WHY = {"newer": QT_TRANSLATE_NOOP("Messages", "it was written by a newer version of the panel")}
_CACHE_WHY = {"not_a_cache": QT_TRANSLATE_NOOP("Messages", "not a file of a directory cache"),
              "checksum": QT_TRANSLATE_NOOP("Messages", "it does not match its checksum")}


def _unknown_key(p: _Lenient) -> str:
    if p.get("suggestion"):
        return p.say(QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}] unknown key {key!r}: did you mean "
                                       "{suggestion!r}?"))
    return p.say(QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}] unknown key {key!r}: see the README's "
                                   "configuration reference"))


def _no_keyring(p: _Lenient) -> str:
    hint = p.word(_NO_KEYRING_HINTS["linux" if str(p.get("platform", "")).startswith("linux") else "other"])
    if p.get("backend"):
        return p.say(QT_TRANSLATE_NOOP("Messages", "No OS keyring is available ({backend} is not the operating "
                                       "system's own store), and keys are never stored in plain files. {hint}"),
                     hint=hint)
    return p.say(QT_TRANSLATE_NOOP("Messages", "No OS keyring is available, and keys are never stored in plain "
                                   "files. {hint}"), hint=hint)


def _value(problem: str) -> Callable[[_Lenient], str]:
    """A profile key's value and what is wrong with it (`problem`, a marked template)."""
    return lambda p: f"[profiles.{p['profile']}] {p['key']} = {p['value']!r}: {p.say(problem)}"


def _with_field(template: str) -> Callable[[_Lenient], str]:
    """A template about an ID that names which one ({field}: "call ID", "fallback queue")."""
    return lambda p: p.say(template, field=p.word(FIELD_NAMES.get(str(p.get("what", "id")), str(p.get("what", "ID")))))


def _needs_key(p: _Lenient) -> str:
    hint = p.say(_NEEDED_HINTS[str(p["key"])]) if str(p["key"]) in _NEEDED_HINTS else ""
    by = str(p.get("by") or "directory_source")  # rows written before `by` existed were directory sources
    if hint:
        return p.say(QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}] {key} is missing: {hint} ({by} = "
                                       "\"{source}\" needs it)"), hint=hint, by=by)
    return p.say(QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}] {key} is missing: {by} = \"{source}\" needs it"),
                 by=by)


def _sign_in_cli(p: _Lenient) -> str:
    return f"sign in with: transfer-panel credentials login --profile {p['profile']}"


_STANDINGS = {"busy": QT_TRANSLATE_NOOP("Messages", "busy"), "away": QT_TRANSLATE_NOOP("Messages", "away"),
              "offline": QT_TRANSLATE_NOOP("Messages", "offline")}


def _target_not_available(p: _Lenient) -> str:
    state, status = str(p["state"]), str(p.get("status") or "")
    said = p.word(_STANDINGS.get(state, state))
    standing = said if status.lower() in ("", state) else p.fill("{said} ({status})", said=said, status=status)
    if state == "offline":
        return p.say(QT_TRANSLATE_NOOP("Messages", "{target_label} is {standing}: routing the call to them will likely "
                                       "fail."), standing=standing)
    return p.say(QT_TRANSLATE_NOOP("Messages", "{target_label} is {standing}: the call may wait until they are free, "
                                   "or routing may fail."), standing=standing)


def _already_routed(p: _Lenient) -> str:
    when = p.clock(p.get("at"))
    if p.get("status") == OutcomeStatus.ACCEPTED.value:
        return p.say(QT_TRANSLATE_NOOP("Messages", "Routing this call to {target_label} was already requested at "
                                       "{when}."), when=when)
    return p.say(QT_TRANSLATE_NOOP("Messages", "A transfer of this call to {target_label} at {when} may have gone "
                                   "through (its outcome is unknown)."), when=when)


TEMPLATES: dict[Problem, Template] = {
    Problem.ID_EMPTY: _with_field(QT_TRANSLATE_NOOP("Messages", "The {field} is empty: enter a Salesforce ID of 15 "
                                                    "or 18 characters.")),
    Problem.ID_MALFORMED: _with_field(QT_TRANSLATE_NOOP("Messages", "The {field} {text!r} is not a Salesforce ID: it "
                                                        "must be 15 or 18 letters and digits (it is {length} "
                                                        "characters long). Copy the ID from the record's URL.")),
    Problem.ID_BAD_CHECKSUM: _with_field(QT_TRANSLATE_NOOP("Messages", "The {field} {text} has a wrong checksum (its "
                                                           "last 3 characters should be {expected}): it was probably "
                                                           "mistyped or its letter case was changed. Copy it again "
                                                           "from Salesforce.")),
    Problem.ID_FLOW_VERSION: _with_field(QT_TRANSLATE_NOOP("Messages", "The {field} {id} is a flow version ID (301…): "
                                                           "use the flow definition ID (300…), the DurableId of the "
                                                           "flow in FlowDefinitionView.")),
    Problem.ID_NOT_ROUTABLE: _with_field(QT_TRANSLATE_NOOP("Messages", "The {field} {id} is not an agent (005…), a "
                                                           "queue (00G…) or an Omni-Channel flow (300…): its prefix "
                                                           "{prefix} is a {kind} ID.")),
    Problem.CALL_ID_EMPTY: QT_TRANSLATE_NOOP("Messages", "The call ID is empty: paste the active call's ID from the "
                                             "softphone."),
    Problem.CALL_ID_CONTROL: QT_TRANSLATE_NOOP("Messages", "The call ID contains a control character or invalid text "
                                               "(e.g. a line break): paste just the ID."),
    Problem.CALL_ID_INVISIBLE: QT_TRANSLATE_NOOP("Messages", "The call ID contains an invisible character (a "
                                                 "zero-width space, a text-direction mark or a line separator): "
                                                 "paste just the ID, or type it."),
    Problem.CALL_ID_TOO_LONG: QT_TRANSLATE_NOOP("Messages", "The call ID is {length} characters long (at most "
                                                "{limit}): paste just the ID."),
    Problem.CALL_ID_DOTS: QT_TRANSLATE_NOOP("Messages", "{text!r} is not a call ID: paste the active call's ID."),
    Problem.CALL_ID_NOT_VOICE_CALL: QT_TRANSLATE_NOOP("Messages", "{text!r} starts like a Salesforce VoiceCall ID "
                                                      "(0LQ…) but is not one: it must be 15 or 18 letters and "
                                                      "digits. Paste the call ID again."),
    Problem.CALL_ID_PATTERN: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "{text!r} is not a call ID: it holds a space or another character the "
                          "profile's contact_id_pattern does not allow. Paste just the ID.") if p.get("custom")
        else QT_TRANSLATE_NOOP("Messages", "{text!r} is not a call ID: a contact ID has no spaces. Paste just the "
                               "ID.")),
    Problem.FALLBACK_NOT_FOR_KIND: QT_TRANSLATE_NOOP("Messages", "A fallback queue applies only when routing to an "
                                                     "Omni-Channel flow: remove it, or choose a flow instead of this "
                                                     "{kind}."),
    Problem.FALLBACK_NOT_A_QUEUE: QT_TRANSLATE_NOOP("Messages", "The fallback queue {id} is not a queue ID (00G…)."),
    Problem.FLOW_INPUTS_NOT_FOR_KIND: QT_TRANSLATE_NOOP("Messages", "Flow inputs apply only when routing to an "
                                                        "Omni-Channel flow, not to a {kind}: remove them."),
    Problem.FLOW_INPUTS_TOO_MANY: lambda p: p.fill(p.translate("Messages", "{count} flow inputs given: at most "
                                                               "{limit} are allowed.", None, p.count("count"))),
    Problem.FLOW_INPUT_NO_NAME: QT_TRANSLATE_NOOP("Messages", "Flow input {number} has no name: give it one or "
                                                  "remove the row."),
    Problem.FLOW_INPUT_BAD_NAME: QT_TRANSLATE_NOOP("Messages", "Flow input {number}'s name is too long or has line "
                                                   "breaks or tabs: use the flow variable's API name (at most "
                                                   "{limit} characters)."),
    Problem.FLOW_INPUT_CONTROL: QT_TRANSLATE_NOOP("Messages", "Flow input {key!r} contains a control character or "
                                                  "invalid text: remove it."),
    Problem.FLOW_INPUT_TOO_LONG: QT_TRANSLATE_NOOP("Messages", "Flow input {key!r} is {length} characters long (at "
                                                   "most {limit})."),
    Problem.FLOW_INPUT_DUPLICATE: QT_TRANSLATE_NOOP("Messages", "Flow input {key!r} is given twice (names are "
                                                    "compared ignoring case, like Salesforce API names): keep one of "
                                                    "{first!r} and {key!r}."),
    Problem.FLOW_INPUT_SYNTAX: QT_TRANSLATE_NOOP("Messages", "--flow-input {text!r} must be KEY=VALUE."),
    Problem.ALREADY_ROUTED: lambda p: p.say(QT_TRANSLATE_NOOP("Messages", "{already} Nothing was sent. Check the "
                                                              "softphone; to route it again anyway, add --again."),
                                            already=_already_routed(p)),
    Problem.TRANSFER_IN_FLIGHT: QT_TRANSLATE_NOOP("Messages", "A transfer of this call is already on its way: wait "
                                                  "for its outcome."),
    Problem.TARGET_NOT_AVAILABLE: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "{unavailable} Nothing was sent. Pick another target, or to route it there "
                          "anyway, add --even-if-unavailable."), unavailable=_target_not_available(p)),
    Problem.CONFIG_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "Cannot read the config file {path}: {reason}."),
    Problem.CONFIG_TOO_BIG: QT_TRANSLATE_NOOP("Messages", "The config file {path} is over {limit_kib} KiB: that is "
                                              "not a config file. Check the path (--config, $TRANSFER_PANEL_CONFIG)."),
    Problem.CONFIG_NOT_TOML: QT_TRANSLATE_NOOP("Messages", "The config file {path} is not valid TOML: {detail}."),
    Problem.CONFIG_TOO_DEEP: QT_TRANSLATE_NOOP("Messages", "The config file {path} nests tables or arrays too deeply "
                                               "to be a config file."),
    Problem.CONFIG_INVALID: lambda p: p.fill(p.translate("Messages", "The config file {path} has {count} "
                                                         "problem(s):", None, p.count("count"))),
    Problem.CONFIG_UNKNOWN_TOP_KEY: QT_TRANSLATE_NOOP("Messages", "{file}: unknown top-level key {key!r}: profiles "
                                                      "go in [profiles.<name>] tables"),
    Problem.CONFIG_PROFILES_NOT_TABLES: QT_TRANSLATE_NOOP("Messages", "{file}: 'profiles' must hold "
                                                          "[profiles.<name>] tables"),
    Problem.CONFIG_LOCKED_UNKNOWN: QT_TRANSLATE_NOOP("Messages", "{file}: [profiles.{profile}] locked names unknown "
                                                     "keys: {keys}"),
    Problem.CONFIG_LOCKED_INVALID: QT_TRANSLATE_NOOP("Messages", "{file}: [profiles.{profile}] locked must be true "
                                                     "or a list of key names"),
    Problem.CONFIG_NO_PROFILE: QT_TRANSLATE_NOOP("Messages", "No profile is configured in {path}. Add a "
                                                 "[profiles.<name>] table (see the README's configuration reference) "
                                                 "or use --demo."),
    Problem.CONFIG_CHOOSE_PROFILE: QT_TRANSLATE_NOOP("Messages", "{count} profiles are configured ({names}): choose "
                                                     "one with --profile NAME."),
    Problem.CONFIG_UNKNOWN_PROFILE: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "There is no profile {name!r} in {path} (configured: {known}).") if p["known"]
        else QT_TRANSLATE_NOOP("Messages", "There is no profile {name!r} in {path} (configured: none).")),
    Problem.CONFIG_NOT_SAVED: QT_TRANSLATE_NOOP("Messages", "The config file {path} could not be written ({reason}): "
                                                "nothing was saved."),
    Problem.CONFIG_NOT_FOUND: QT_TRANSLATE_NOOP("Messages", "There is no config file at {path} (looked at --config, "
                                                "then $TRANSFER_PANEL_CONFIG, then the user config folder) and no "
                                                "site file at {site_path}. Add a profile: transfer-panel profiles "
                                                "add NAME --base-url URL --org-id 00D… --call-center NAME"),
    Problem.CONFIG_NOT_APPLIED: QT_TRANSLATE_NOOP("Messages", "The config file {path} was written, but reading it "
                                                  "back does not give {what} as saved: another program may be "
                                                  "changing it. Check the file, then save again."),
    Problem.CONFIG_CHANGED_MEANWHILE: QT_TRANSLATE_NOOP("Messages", "The config file {path} was changed by someone "
                                                        "else since it was opened here: nothing was saved. Reload "
                                                        "it, then make the change again."),
    Problem.PROFILE_EXISTS: QT_TRANSLATE_NOOP("Messages", "Profile '{profile}' is already in {path}: add --replace "
                                              "to replace it."),
    Problem.PROFILE_SET_SYNTAX: QT_TRANSLATE_NOOP("Messages", "--set {text!r} must be KEY=VALUE with a TOML value, "
                                                  "e.g. timeout_s=15 or provider_name=\"Amazon Connect\" ({reason})."),
    Problem.PROFILE_BAD_NAME: QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}]: profile names use letters, "
                                                "digits, '-' and '_' (at most 64)"),
    Problem.PROFILE_NOT_TABLE: QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}] must be a table of keys"),
    Problem.PROFILE_UNKNOWN_KEY: _unknown_key,
    Problem.PROFILE_MISSING_KEY: lambda p: p.say(QT_TRANSLATE_NOOP("Messages", "[profiles.{profile}] {key} is "
                                                                   "missing: {hint}"), hint=p.word(
        _REQUIRED_HINTS.get(str(p["key"]), QT_TRANSLATE_NOOP("Messages", "see the README")))),
    Problem.PROFILE_NEEDS_KEY: _needs_key,
    Problem.PROFILE_NOT_OPENBAO: QT_TRANSLATE_NOOP("Messages", "Profile '{profile}' signs with a key in the keyring "
                                                   "(signing = \"keyring\"): there is no OpenBao sign-in."),
    Problem.VALUE_NOT_BOOL: _value(QT_TRANSLATE_NOOP("Messages", "must be true or false (no quotes)")),
    Problem.VALUE_NOT_SECONDS: _value(QT_TRANSLATE_NOOP("Messages", "must be a number of seconds")),
    Problem.VALUE_OUT_OF_RANGE: _value(QT_TRANSLATE_NOOP("Messages", "must be between {low} and {high} seconds")),
    Problem.VALUE_NOT_STRING: _value(QT_TRANSLATE_NOOP("Messages", "must be a string in quotes")),
    Problem.VALUE_NOT_URL: lambda p: _value(QT_TRANSLATE_NOOP("Messages", "must be a full URL: {example_text}"))(
        p.with_params(example_text=p.word(_URL_HINTS.get(str(p.get("example")), "")))),
    Problem.VALUE_URL_QUERY: _value(QT_TRANSLATE_NOOP("Messages", "must not have a query (?…) or fragment (#…)")),
    Problem.VALUE_URL_CREDENTIALS: _value(QT_TRANSLATE_NOOP("Messages", "must not contain a user name or password")),
    Problem.VALUE_URL_PLAIN_HTTP: _value(QT_TRANSLATE_NOOP("Messages", "must use https:// (plain http is allowed "
                                                           "only to this computer, e.g. a local simulator, or in a "
                                                           "profile with training = true for a classroom simulator)")),
    Problem.VALUE_URL_PORT: _value(QT_TRANSLATE_NOOP("Messages", "has a port that does not exist: use a number from "
                                                     "1 to 65535, or none")),
    Problem.VALUE_URL_HOST: _value(QT_TRANSLATE_NOOP("Messages", "is not a host name or address this computer can "
                                                     "reach: use letters, digits, dots and dashes (no spaces, tabs, "
                                                     "line breaks or other characters; a name in another script in "
                                                     "its xn-- form)")),
    Problem.VALUE_NOT_ORG_ID: _value(QT_TRANSLATE_NOOP("Messages", "must be an organization ID (00D…)")),
    Problem.VALUE_BAD_ID: _value(QT_TRANSLATE_NOOP("Messages", "is not a valid ID")),
    Problem.VALUE_NOT_API_NAME: _value(QT_TRANSLATE_NOOP("Messages", "must be an API name: the Call Center's API "
                                                         "name, e.g. HVCC")),
    Problem.VALUE_NOT_PRINTABLE: _value(QT_TRANSLATE_NOOP("Messages", "must be printable, at most {limit} characters")),
    Problem.VALUE_NOT_HEADER_TEXT: _value(QT_TRANSLATE_NOOP("Messages", "is sent as an HTTP header, which carries "
                                                            "plain ASCII only (at most {limit} characters): write it "
                                                            "without accents or other scripts, e.g. \"Telefonica\"")),
    Problem.VALUE_NOT_API_VERSION: _value(QT_TRANSLATE_NOOP("Messages", "must be an API version such as \"62.0\"")),
    Problem.VALUE_NOT_PATTERN: _value(QT_TRANSLATE_NOOP("Messages", "must be a regular expression for the telephony "
                                                        "vendor's contact IDs, at most {limit} characters, e.g. "
                                                        "\"[0-9a-f-]{{36}}\" ({reason})")),
    Problem.VALUE_NOT_A_CHOICE: _value(QT_TRANSLATE_NOOP("Messages", "must be one of {choices}")),
    Problem.VALUE_NOT_OPENBAO_NAME: _value(QT_TRANSLATE_NOOP("Messages", "must be an OpenBao name: letters, digits, "
                                                             "'_', '-' and '.' (at most {limit})")),
    Problem.VALUE_NOT_NAMESPACE: _value(QT_TRANSLATE_NOOP("Messages", "must be a namespace path such as "
                                                          "\"contact-center\" or \"emea/contact-center\", or empty")),
    Problem.VALUE_TRAINING_SALESFORCE: _value(QT_TRANSLATE_NOOP("Messages", "is Salesforce: a profile with training "
                                                                "= true must point at a training simulator")),
    Problem.VALUE_TRAINING_PUBLIC: _value(QT_TRANSLATE_NOOP("Messages", "is a public address: a training simulator "
                                                            "belongs on a closed network (a private address such as "
                                                            "192.168.x.x or 10.x.x.x)")),
    Problem.KEYRING_MISSING: _no_keyring,
    Problem.KEYRING_LOCKED: QT_TRANSLATE_NOOP("Messages", "The keyring ({backend}) is locked. Unlock it (sign in to "
                                              "your desktop session or open your keyring app) and try again."),
    Problem.KEYRING_FAILED: QT_TRANSLATE_NOOP("Messages", "The keyring ({backend}) could not {action} the key: "
                                              "{error}. Check that your keyring is running and unlocked."),
    Problem.SECRET_MISSING: QT_TRANSLATE_NOOP("Messages", "No private key is stored for profile '{profile}' in "
                                              "{backend}. Store it: transfer-panel credentials set --profile "
                                              "{profile} --key-file KEY.pem"),
    Problem.SECRET_CORRUPT: lambda p: (f"The private key stored for profile '{p['profile']}' in {p['backend']} is "
                                       f"damaged ({_SECRET_WHY.get(str(p['why']), p['why'])}) and will not be used. "
                                       f"Store it again: transfer-panel credentials set --profile {p['profile']} "
                                       "--key-file KEY.pem"),
    Problem.SECRET_UNFIT: QT_TRANSLATE_NOOP("Messages", "The {name} to store for profile '{profile}' is empty, too "
                                            "long or not plain text (at most {limit} printable ASCII characters)."),
    Problem.KEY_NOT_PEM: QT_TRANSLATE_NOOP("Messages", "This is not a PEM private key: expected a file that starts "
                                           "with '-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----'."),
    Problem.KEY_NEEDS_PASSPHRASE: QT_TRANSLATE_NOOP("Messages", "The private key is protected by a passphrase: give "
                                                    "the passphrase too."),
    Problem.KEY_UNNEEDED_PASSPHRASE: QT_TRANSLATE_NOOP("Messages", "The private key is not protected by a "
                                                       "passphrase, but one was given: leave it empty."),
    Problem.KEY_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "The private key could not be read: the passphrase is "
                                              "wrong or the PEM is damaged."),
    Problem.KEY_NOT_RSA: QT_TRANSLATE_NOOP("Messages", "The private key is a {type} key: the SCRT API needs an RSA "
                                           "key (2048 or 4096 bits)."),
    Problem.KEY_BAD_SIZE: QT_TRANSLATE_NOOP("Messages", "The private key is RSA {bits}-bit: use a 2048- or 4096-bit "
                                            "key, as registered on the Call Center's certificate."),
    Problem.KEY_TOO_BIG: QT_TRANSLATE_NOOP("Messages", "{name} is too big to be a private key (over {limit_kib} "
                                           "KiB)."),
    Problem.KEY_FILE_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "Cannot read the key file {path}: {reason}."),
    Problem.PASSPHRASE_NEEDS_TERMINAL: QT_TRANSLATE_NOOP("Messages", "The key is protected by a passphrase: pass it "
                                                         "with --passphrase-env VAR."),
    Problem.KEY_EXISTS: QT_TRANSLATE_NOOP("Messages", "Profile '{profile}' already has a {purpose} key in {backend}: "
                                          "nothing was changed. A new key replaces it, and transfers fail until the "
                                          "new certificate is registered on the Call Center. To replace it, add "
                                          "--replace. To get a certificate for the key you have: transfer-panel "
                                          "credentials export-cert --profile {profile} --cert-out PATH"),
    Problem.CERT_NOT_WRITTEN: QT_TRANSLATE_NOOP("Messages", "Cannot write the certificate to {path} ({reason}): "
                                                "nothing was changed. Choose a folder you can write to."),
    Problem.CERT_NOT_SAVED_KEY_KEPT: QT_TRANSLATE_NOOP("Messages", "The new key is stored in {backend}, but its "
                                                       "certificate could not be saved as {path} ({reason}). Write "
                                                       "it again: transfer-panel credentials export-cert --profile "
                                                       "{profile} --cert-out PATH"),
    Problem.CERT_OUT_HOLDS_KEY: QT_TRANSLATE_NOOP("Messages", "{path} holds a private key: it is never overwritten. "
                                                  "Write the certificate to another file, e.g. {profile}.crt."),
    Problem.ENV_VAR_MISSING: QT_TRANSLATE_NOOP("Messages", "The environment variable {name} is not set."),
    Problem.SIGNER_UNAVAILABLE: QT_TRANSLATE_NOOP("Messages", "The signing service cannot sign now ({reason})."),
    Problem.OPENBAO_CA_FILE_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "openbao_ca_file {path!r} cannot be read as "
                                                          "PEM certificates ({error}): fix the path in the profile."),
    Problem.OPENBAO_CLIENT_CERT_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "The client certificate {cert} or its key "
                                                              "{key} cannot be read ({error}): check both files."),
    Problem.OPENBAO_TIMEOUT: QT_TRANSLATE_NOOP("Messages", "OpenBao at {url} did not answer in time. Try again; if "
                                               "it persists, tell IT."),
    Problem.OPENBAO_UNTRUSTED: QT_TRANSLATE_NOOP("Messages", "OpenBao at {url} presented a certificate this PC does "
                                                 "not trust: set openbao_ca_file to your company's CA certificate "
                                                 "(PEM) or install it in the OS trust store."),
    Problem.OPENBAO_UNREACHABLE: QT_TRANSLATE_NOOP("Messages", "OpenBao at {url} cannot be reached ({error}). Check "
                                                   "the network; if it persists, tell IT."),
    Problem.OPENBAO_SEALED: QT_TRANSLATE_NOOP("Messages", "OpenBao at {url} is sealed: IT must unseal it; try again "
                                              "then."),
    Problem.OPENBAO_FAILING: QT_TRANSLATE_NOOP("Messages", "OpenBao at {url} could not answer ({status}: {said}). "
                                               "Try again; if it persists, tell IT."),
    Problem.OPENBAO_DENIED: QT_TRANSLATE_NOOP("Messages", "OpenBao refused access to {path} ({status}: {said})."),
    Problem.OPENBAO_NOT_FOUND: QT_TRANSLATE_NOOP("Messages", "OpenBao has nothing at {path} (404): check "
                                                 "openbao_url, openbao_namespace and openbao_transit_mount in "
                                                 "profile '{profile}', or ask IT whether the engine is enabled "
                                                 "there."),
    Problem.OPENBAO_REFUSED: QT_TRANSLATE_NOOP("Messages", "OpenBao refused the request to {path} ({status}: "
                                               "{said}): check the profile's openbao_* keys, or ask IT."),
    Problem.OPENBAO_ANSWER_TOO_LARGE: QT_TRANSLATE_NOOP("Messages", "OpenBao's answer is over {limit} bytes."),
    Problem.OPENBAO_ANSWER_LACKS: QT_TRANSLATE_NOOP("Messages", "OpenBao's answer lacks '{field}': is openbao_url an "
                                                    "OpenBao or Vault server?"),
    Problem.OPENBAO_BAD_SIGNATURE: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "OpenBao's signature is not valid base64.") if p["why"] == "base64"
        else QT_TRANSLATE_NOOP("Messages", "OpenBao's answer holds no signature in the vault:v1:… form.")),
    Problem.OPENBAO_KEY_NO_VERSIONS: QT_TRANSLATE_NOOP("Messages", "OpenBao's key {key!r} has no versions: ask IT."),
    Problem.OPENBAO_KEY_NOT_RSA: QT_TRANSLATE_NOOP("Messages", "OpenBao's key {key!r} is not an RSA key pair: use "
                                                   "type rsa-2048 or rsa-4096."),
    Problem.OPENBAO_SIGN_DENIED: QT_TRANSLATE_NOOP("Messages", "OpenBao's policy does not let you sign with {path} "
                                                   "(403 permission denied): ask IT to give your role the "
                                                   "transfer-panel policy for key {key!r}, or check openbao_key and "
                                                   "openbao_transit_mount in profile '{profile}'."),
    Problem.OPENBAO_SIGNATURE_MISMATCH: QT_TRANSLATE_NOOP("Messages", "OpenBao's signature does not verify against "
                                                          "its own public key ({error}): ask IT to check the Transit "
                                                          "key."),
    Problem.OPENBAO_NOT_SIGNED_IN: lambda p: (f"Not signed in to OpenBao, which signs profile '{p['profile']}''s "
                                              f"transfers: {_sign_in_cli(p)}"),
    Problem.OPENBAO_SIGN_IN_ENDED: lambda p: f"Your OpenBao sign-in has expired or was revoked: {_sign_in_cli(p)}",
    Problem.OPENBAO_SIGN_IN_EXPIRED: lambda p: f"Your OpenBao sign-in has expired: {_sign_in_cli(p)}",
    Problem.OPENBAO_SIGNED_OUT: lambda p: f"Signed out of OpenBao: {_sign_in_cli(p)}",
    Problem.OPENBAO_SIGN_IN_ELSEWHERE: QT_TRANSLATE_NOOP("Messages", "This profile signs in to OpenBao with {auth}: "
                                                         "run transfer-panel credentials login --profile {profile}."),
    Problem.OPENBAO_BAD_USERNAME: QT_TRANSLATE_NOOP("Messages", "Give your OpenBao user name (no '/')."),
    Problem.OPENBAO_SIGN_IN_REFUSED: QT_TRANSLATE_NOOP("Messages", "OpenBao refused the sign-in ({said}): check what "
                                                       "you typed, or ask IT whether your account may use the "
                                                       "panel's role."),
    Problem.OPENBAO_SIGN_IN_NO_TOKEN: QT_TRANSLATE_NOOP("Messages", "OpenBao's answer to the sign-in holds no token: "
                                                        "ask IT."),
    Problem.OPENBAO_TOKEN_REFUSED: QT_TRANSLATE_NOOP("Messages", "OpenBao does not accept this token (expired, "
                                                     "revoked or mistyped)."),
    Problem.OPENBAO_CERT_FILES_NEEDED: QT_TRANSLATE_NOOP("Messages", "cert sign-in needs --client-cert PATH and "
                                                         "--client-key PATH."),
    Problem.OPENBAO_OIDC_NO_URL: QT_TRANSLATE_NOOP("Messages", "OpenBao gave no sign-in address for OIDC role "
                                                   "{role!r}: IT must add {redirect_uri} to the role's "
                                                   "allowed_redirect_uris."),
    Problem.OPENBAO_NO_BROWSER: QT_TRANSLATE_NOOP("Messages", "No browser could be opened: open this address "
                                                  "yourself to sign in: {url}"),
    Problem.OPENBAO_BROWSER_TIMEOUT: QT_TRANSLATE_NOOP("Messages", "The browser did not come back within {wait_s} s: "
                                                       "sign in again."),
    Problem.OPENBAO_CALLBACK_PORT_BUSY: QT_TRANSLATE_NOOP("Messages", "Port {port} on this PC is busy ({reason}), so "
                                                          "the browser cannot come back to the panel: close the "
                                                          "other sign-in (or program) and try again."),
    Problem.OPENBAO_IDP_REFUSED: QT_TRANSLATE_NOOP("Messages", "The identity provider refused the sign-in: {said}"),
    Problem.OPENBAO_CALLBACK_NO_CODE: QT_TRANSLATE_NOOP("Messages", "The browser came back without a sign-in code: "
                                                        "sign in again."),
    Problem.JOURNAL_RETENTION_RANGE: QT_TRANSLATE_NOOP("Messages", "Keep transfers for {low} to {high} days, not "
                                                       "{days}."),
    Problem.JOURNAL_UNUSABLE: lambda p: (f"The transfer history {p['path']} cannot be used "
                                         f"({_JOURNAL_WHY.get(str(p['reason']), p['reason'])}). Start the panel's "
                                         "window once: it moves the file aside and starts a new history. Or move "
                                         "it yourself."),  # the command line's: the window says it its own way
    Problem.JOURNAL_UNWRITABLE: QT_TRANSLATE_NOOP("Messages", "The transfer history {path} cannot be written "
                                                  "({reason})."),
    Problem.LINK_TOO_LONG: QT_TRANSLATE_NOOP("Messages", "The link is {length} characters long: expected "
                                             "transfer-panel://call/<call ID>."),
    Problem.LINK_MALFORMED: QT_TRANSLATE_NOOP("Messages", "{text!r} is not a call link: expected "
                                              "transfer-panel://call/<call ID>."),
    Problem.LINK_BAD_ENCODING: QT_TRANSLATE_NOOP("Messages", "The call ID in the link is not valid percent-encoded "
                                                 "UTF-8."),
    Problem.LINK_PADDED: QT_TRANSLATE_NOOP("Messages", "The call ID in the link starts or ends with a space or "
                                           "control character."),
    Problem.LINK_AND_CALL_ID: QT_TRANSLATE_NOOP("Messages", "Give the call as --call-id or as a transfer-panel:// "
                                                "link, not both."),
    Problem.HANDOVER_TOO_LONG: QT_TRANSLATE_NOOP("Messages", "The message from the other launch is too long."),
    Problem.HANDOVER_MALFORMED: QT_TRANSLATE_NOOP("Messages", "The message from the other launch is not one this "
                                                  "panel sends."),
    Problem.HANDOVER_NO_CALL_ID: QT_TRANSLATE_NOOP("Messages", "The message from the other launch holds no call ID."),
    Problem.RESOURCE_MISSING: QT_TRANSLATE_NOOP("Messages", "The panel's file {name} is missing (looked in "
                                                "{looked}). Reinstall the panel."),
    Problem.SALESFORCE_UNREACHABLE: QT_TRANSLATE_NOOP("Messages", "Cannot reach Salesforce at {instance} ({error}). "
                                                      "Check the network; the directory keeps its last copy."),
    Problem.SALESFORCE_TOKEN_REFUSED: QT_TRANSLATE_NOOP("Messages", "Salesforce refused a fresh access token for the "
                                                        "directory (401). Check the integration user's permissions."),
    Problem.SALESFORCE_API_LIMIT: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "The org has used up its daily Salesforce API calls ({used} of {limit} today). "
                          "The directory keeps its last copy; it refreshes again when the limit resets, or ask your "
                          "admin to raise the refresh interval."), used=p.number(p["used"]), limit=p.number(p["limit"]))
    if "used" in p else p.say(
        QT_TRANSLATE_NOOP("Messages", "The org has used up its daily Salesforce API calls. The directory keeps its "
                          "last copy; it refreshes again when the limit resets, or ask your admin to raise the "
                          "refresh interval.")),
    Problem.SALESFORCE_ANSWERED: QT_TRANSLATE_NOOP("Messages", "Salesforce answered {status} to the directory query: "
                                                   "{message}. The directory keeps its last copy."),
    Problem.SALESFORCE_LOGIN_UNREACHABLE: QT_TRANSLATE_NOOP("Messages", "Cannot reach the Salesforce login at {url} "
                                                            "({error}). Check the network."),
    Problem.SALESFORCE_LOGIN_REFUSED: QT_TRANSLATE_NOOP(
        "Messages", "Salesforce refused the directory login for {username}: {reason}. Check salesforce_consumer_key, "
        "salesforce_username and that the connected app holds the certificate of the key stored with "
        "`transfer-panel credentials set --profile {profile} --purpose salesforce-api`."),
    Problem.SALESFORCE_NOT_A_QUERY: QT_TRANSLATE_NOOP("Messages", "Salesforce sent an answer that is not a query "
                                                      "result. The directory keeps its last copy."),
    Problem.DEMO_DIRECTORY_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "The demo directory {path} cannot be read "
                                                         "({error}). Reinstall the panel."),
    Problem.FAVORITES_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "The favorites file {path} cannot be read ({error}); "
                                                    "starting without favorites. Starring a target writes a new one."),
    Problem.FAVORITES_DAMAGED: QT_TRANSLATE_NOOP("Messages", "The favorites file {path} is damaged; starting without "
                                                 "favorites. Starring a target writes a new one."),
    Problem.TARGET_KIND: QT_TRANSLATE_NOOP("Messages", "a directory entry must be an agent, a queue or a flow, not a "
                                           "{kind}"),
    Problem.TARGET_ID_OF_OTHER_KIND: QT_TRANSLATE_NOOP("Messages", "the {kind} ID {id} starts with {prefix}, which "
                                                       "is a {id_kind} ID, not a {kind} ID"),
    Problem.TARGET_NO_NAME: QT_TRANSLATE_NOOP("Messages", "the {kind} {id} has no name"),
    Problem.TARGET_PRESENCE_NOT_AGENT: QT_TRANSLATE_NOOP("Messages", "only agents have a presence; {label!r} is a "
                                                         "{kind}"),
    Problem.DIRECTORY_FILE_MISSING: QT_TRANSLATE_NOOP("Messages", "The directory file {path} does not exist. Check "
                                                      "directory_file in the profile."),
    Problem.DIRECTORY_FILE_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "The directory file {path} cannot be read "
                                                         "({reason}). Check directory_file in the profile and that "
                                                         "the file can be read."),
    Problem.DIRECTORY_FILE_NOT_REGULAR: QT_TRANSLATE_NOOP("Messages", "The directory file {path} is not a regular "
                                                          "file (a pipe, a device or a folder). Check directory_file "
                                                          "in the profile."),
    Problem.DIRECTORY_FILE_TOO_BIG: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "The directory file {path} holds {size} MiB; the panel reads directory files of "
                          "up to {limit} MiB. Check that it is the directory, and leave out what the panel does not "
                          "need."), size=p.number(p["size_mib"]), limit=p.number(p["limit_mib"])),
    Problem.DIRECTORY_FILE_NOT_UTF8: QT_TRANSLATE_NOOP("Messages", "The directory file {path} is not UTF-8 text. "
                                                       "Save it as UTF-8."),
    Problem.DIRECTORY_FILE_BAD_HEADER: QT_TRANSLATE_NOOP("Messages", "The directory file {path} needs a header row "
                                                         "with the columns kind, id, name (and optionally detail, "
                                                         "presence); its first line is not one:"),
    Problem.DIRECTORY_FILE_NO_HEADER: QT_TRANSLATE_NOOP("Messages", "The directory file {path} needs a header row "
                                                        "with the columns kind, id, name (and optionally detail, "
                                                        "presence); missing: {missing}."),
    Problem.DIRECTORY_FILE_NOT_JSON_FORM: QT_TRANSLATE_NOOP("Messages", "The directory file {path} must be JSON of "
                                                            "the form {{\"targets\": [{{\"kind\": …, \"id\": …, "
                                                            "\"name\": …}}, …]}}."),
    Problem.DIRECTORY_ROW: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "line {line}, target {position}") if p.get("position") is not None
        else QT_TRANSLATE_NOOP("Messages", "line {line}")),
    Problem.DIRECTORY_ROW_TOO_LONG: lambda p: p.say(QT_TRANSLATE_NOOP("Messages", "it is longer than {limit} bytes"),
                                                    limit=p.number(p["limit"])),
    Problem.DIRECTORY_ROW_OPEN_QUOTE: QT_TRANSLATE_NOOP("Messages", "a quote opens a field but does not close it on "
                                                        "the same line"),
    Problem.DIRECTORY_ROW_NOT_CSV: QT_TRANSLATE_NOOP("Messages", "the line is not valid CSV ({error})"),
    Problem.DIRECTORY_ROW_NOT_UTF8: QT_TRANSLATE_NOOP("Messages", "the line is not UTF-8 text; save the file as "
                                                      "UTF-8"),
    Problem.DIRECTORY_ROW_BAD_KIND: QT_TRANSLATE_NOOP("Messages", "kind {kind!r} must be agent, queue or flow"),
    Problem.DIRECTORY_ROW_NOT_JSON: QT_TRANSLATE_NOOP("Messages", "it is not valid JSON"),
    Problem.DIRECTORY_ROW_NESTED: QT_TRANSLATE_NOOP("Messages", "it holds lists or objects, or a string that does "
                                                    "not end on its line"),
    Problem.DIRECTORY_ROW_NOT_OBJECT: QT_TRANSLATE_NOOP("Messages", "it is not an object with kind, id and name"),
    Problem.DIRECTORY_ROW_CUT_SHORT: QT_TRANSLATE_NOOP("Messages", "the file ends inside it"),
    Problem.DIRECTORY_DUPLICATE_ID: QT_TRANSLATE_NOOP("Messages", "line {line}: the ID {id} is also on line "
                                                      "{earlier_line}; this later row is used"),
    Problem.DIRECTORY_JSON_BROKEN: QT_TRANSLATE_NOOP("Messages", "line {line}: the JSON is broken here (a comma or a "
                                                     "closing bracket is missing); nothing after it is read"),
    Problem.DIRECTORY_CACHE_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "The saved directory {path} cannot be read "
                                                          "({reason}); it is ignored."),
    Problem.DIRECTORY_CACHE_DAMAGED: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "The saved directory {path} is damaged or from another version ({why_text}); "
                          "it is ignored and replaced at the next refresh."),
        why_text=p.word(_CACHE_WHY.get(str(p["why"]), str(p["why"])))),
    Problem.SIMULATOR: "{text}",
    Problem.PLAN_UNKNOWN_SCENARIO: QT_TRANSLATE_NOOP("Messages", "Unknown scenario '{scenario}': use one of "
                                                     "{choices}."),
    Problem.PLAN_NOT_A_FLOW: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "{target} is not a flow: “{scenario}” applies to Omni-Channel flows (300…) "
                          "only."), scenario=p.translate("Scenarios", str(p["scenario"]), None, -1)),
    Problem.PLAN_NOT_SAVED: QT_TRANSLATE_NOOP("Messages", "Cannot save the class plan to {path}: {reason}"),
    Problem.PLAN_UNREADABLE: QT_TRANSLATE_NOOP("Messages", "Cannot read the class plan {path}: {reason}"),
    Problem.PLAN_NOT_TOML: QT_TRANSLATE_NOOP("Messages", "{path} is not a class plan (TOML): {error}"),
    Problem.PLAN_UNKNOWN_KEYS: QT_TRANSLATE_NOOP("Messages", "{source}: unknown keys {keys}; a plan has every_target "
                                                 "and [targets]."),
    Problem.PLAN_BAD_SHAPE: QT_TRANSLATE_NOOP("Messages", "{source}: every_target must be a scenario name and targets "
                                              "a table of target IDs."),
    Problem.PLAN_RULE_NO_SCENARIO: QT_TRANSLATE_NOOP("Messages", "{source}: [targets.{target}] needs scenario = \"…\" "
                                                     "(one of {choices})."),
    Problem.PLAN_BAD_RULE: QT_TRANSLATE_NOOP("Messages", "The class plan {source} cannot be used:"),
}

# Where the window says it differently: it has Settings, not commands or options.
WINDOW_TEMPLATES: dict[Problem, Template] = {
    Problem.ALREADY_ROUTED: _already_routed,
    Problem.TARGET_NOT_AVAILABLE: _target_not_available,
    Problem.SECRET_MISSING: QT_TRANSLATE_NOOP("Messages", "No private key is stored for profile '{profile}' in "
                                              "{backend}: open Settings… and set its key (transfers fail until "
                                              "then)."),
    Problem.SECRET_CORRUPT: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "The private key stored for profile '{profile}' in {backend} is damaged "
                          "({why_text}) and will not be used. Open Settings… and set it again."),
        why_text=p.word(_SECRET_WHY.get(str(p["why"]), str(p["why"])))),
    Problem.CONFIG_NO_PROFILE: QT_TRANSLATE_NOOP("Messages", "No profile is configured in {path}: add one in "
                                                 "Settings…."),
    Problem.KEY_EXISTS: QT_TRANSLATE_NOOP("Messages", "Profile '{profile}' already has a key in {backend}: nothing "
                                          "was changed. Replacing it stops transfers until the new certificate is "
                                          "registered on the Call Center; to get a certificate for the key you have, "
                                          "use Export certificate…."),
    Problem.CERT_NOT_SAVED_KEY_KEPT: QT_TRANSLATE_NOOP("Messages", "The new key is stored in {backend}, but its "
                                                       "certificate could not be saved as {path} ({reason}). Use "
                                                       "Export certificate… to save it elsewhere."),
    Problem.CONFIG_CHOOSE_PROFILE: QT_TRANSLATE_NOOP("Messages", "{count} profiles are configured ({names}): start "
                                                     "the panel with --profile NAME."),
    Problem.JOURNAL_UNUSABLE: lambda p: p.say(
        QT_TRANSLATE_NOOP("Messages", "The transfer history {path} cannot be used ({reason_text})."),
        reason_text=p.word(_JOURNAL_WHY.get(str(p["reason"]), str(p["reason"])))),
    Problem.OPENBAO_NOT_SIGNED_IN: QT_TRANSLATE_NOOP("Messages", "Not signed in to OpenBao, which signs this "
                                                     "profile's transfers: sign in with Sign in… at the top of the "
                                                     "panel."),
    Problem.OPENBAO_SIGN_IN_ENDED: QT_TRANSLATE_NOOP("Messages", "Your OpenBao sign-in has expired or was revoked: "
                                                     "sign in with Sign in… at the top of the panel."),
    Problem.OPENBAO_SIGN_IN_EXPIRED: QT_TRANSLATE_NOOP("Messages", "Your OpenBao sign-in has expired: sign in with "
                                                       "Sign in… at the top of the panel."),
    Problem.OPENBAO_SIGNED_OUT: QT_TRANSLATE_NOOP("Messages", "Signed out of OpenBao: sign in with Sign in… at the "
                                                  "top of the panel."),
}

# The window's header: a word or two for why transfers cannot be signed (the whole reason in its tooltip).
KEY_STATE_LABELS: dict[Problem, str] = {
    Problem.KEYRING_MISSING: QT_TRANSLATE_NOOP("Messages", "No keyring"),
    Problem.KEYRING_LOCKED: QT_TRANSLATE_NOOP("Messages", "Keyring locked"),
    Problem.KEYRING_FAILED: QT_TRANSLATE_NOOP("Messages", "Keyring error"),
    Problem.SECRET_MISSING: QT_TRANSLATE_NOOP("Messages", "No key"),
    Problem.SECRET_CORRUPT: QT_TRANSLATE_NOOP("Messages", "Key damaged"),
}


def describe(error: PanelError, front: Front = Front.CLI) -> str:
    """The error in words: what is wrong and how to fix it. A file's problems follow, one a line."""
    text = describe_code(error.code, error.params, front)
    if error.code is Problem.DIRECTORY_ROW:
        return say(QT_TRANSLATE_NOOP("Messages", "{row} (skipped)"), front,
                   row="; ".join([text, *(describe(detail, front) for detail in error.details)]))
    if error.code is Problem.VALUE_BAD_ID:
        return ": ".join([text, *(describe(detail, front) for detail in error.details)])
    if error.details:
        return "\n".join([text, *(f"  - {_place(detail, error, front)}{describe(detail, front)}"
                                 for detail in error.details)])
    return text


def _place(problem: PanelError, within: PanelError, front: Front) -> str:
    """Where a file's problem is written: "line 5: ", or "/etc/…/site.toml, line 3: " when it is
    in another file than the one the list is about; nothing when it has no line."""
    line, file = problem.params.get("line"), problem.params.get("file")
    if not line:
        return ""
    if not file or file == within.params.get("path"):
        return say(QT_TRANSLATE_NOOP("Messages", "line {line}: "), front, line=line)
    return say(QT_TRANSLATE_NOOP("Messages", "{file}, line {line}: "), front, file=file, line=line)


def describe_code(code: Problem, params: Params, front: Front = Front.CLI) -> str:
    template = (WINDOW_TEMPLATES.get(code) if front is Front.WINDOW else None) or TEMPLATES[code]
    lenient = _Lenient(params, words_for(front))
    return template(lenient) if callable(template) else lenient.say(template)


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
        return say(QT_TRANSLATE_NOOP("Messages", "Not signed in to OpenBao."), front)
    words = words_for(front)
    who = status.who or say(QT_TRANSLATE_NOOP("Messages", "a token"), front)
    if status.expires_at is None:
        return say(QT_TRANSLATE_NOOP("Messages", "Signed in to OpenBao as {who}, no expiry"), front, who=who)
    return say(QT_TRANSLATE_NOOP("Messages", "Signed in to OpenBao as {who}, until {until}"), front, who=who,
               until=words.clock(datetime.fromtimestamp(status.expires_at)))


_SIGN_OUT_TEXTS = {
    "revoked": QT_TRANSLATE_NOOP("Messages", "Signed out: the OpenBao token is revoked."),
    "already_ended": QT_TRANSLATE_NOOP("Messages", "Signed out (the OpenBao token had already expired or been "
                                       "revoked)."),
    "not_revoked": QT_TRANSLATE_NOOP("Messages", "Signed out here, but OpenBao could not revoke the token "
                                     "({reason}); it stops working when it expires."),
    "not_signed_in": QT_TRANSLATE_NOOP("Messages", "Profile '{profile}' was not signed in to OpenBao."),
}


def sign_out_text(result: SignedOut, profile: str, front: Front = Front.CLI) -> str:
    reason = describe(result.reason, front).rstrip(".") if result.reason is not None else "?"
    return say(_SIGN_OUT_TEXTS[result.how.value], front, reason=reason, profile=profile)


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
    OutcomeStatus.ACCEPTED: QT_TRANSLATE_NOOP("Messages", "Routing requested"),
    OutcomeStatus.REJECTED: QT_TRANSLATE_NOOP("Messages", "Rejected"),
    OutcomeStatus.WRONG_SHAPE: QT_TRANSLATE_NOOP("Messages", "Wrong route shape"),
    OutcomeStatus.SERVER_ERROR: QT_TRANSLATE_NOOP("Messages", "Server error"),
    OutcomeStatus.AUTH_FAILED: QT_TRANSLATE_NOOP("Messages", "Credentials refused"),
    OutcomeStatus.CREDENTIALS: QT_TRANSLATE_NOOP("Messages", "No credentials"),
    OutcomeStatus.THROTTLED: QT_TRANSLATE_NOOP("Messages", "Throttled"),
    OutcomeStatus.NOT_SENT: QT_TRANSLATE_NOOP("Messages", "Not sent"),
    OutcomeStatus.OUTCOME_UNKNOWN: QT_TRANSLATE_NOOP("Messages", "Outcome unknown"),
    OutcomeStatus.INTERNAL_ERROR: QT_TRANSLATE_NOOP("Messages", "Internal error"),
}
SENDING_LABEL = QT_TRANSLATE_NOOP("Messages", "Sending…")
GROUP_LABELS: dict[StatusGroup, str] = {
    StatusGroup.ROUTED: QT_TRANSLATE_NOOP("Messages", "Routing requested"),
    StatusGroup.UNKNOWN: QT_TRANSLATE_NOOP("Messages", "Outcome unknown or in progress"),
    StatusGroup.REJECTED: QT_TRANSLATE_NOOP("Messages", "Rejected by Salesforce"),
    StatusGroup.NOT_SENT: QT_TRANSLATE_NOOP("Messages", "Not sent or throttled"),
    StatusGroup.SETUP: QT_TRANSLATE_NOOP("Messages", "Credentials or setup"),
}
_CHECK_SOFTPHONE = QT_TRANSLATE_NOOP("Messages", "Check the softphone before doing anything: if the call did not "
                                     "move, try again.")
_SAFE_TO_RETRY = QT_TRANSLATE_NOOP("Messages", "Nothing was sent; trying again is safe.")


def outcome_text(outcome: RouteOutcome, target_label: str, front: Front = Front.CLI) -> OutcomeText:
    """The outcome in words: the headline a rep reads first, then what to do."""
    p = _Lenient({**outcome.params, "label": target_label, "status": outcome.http_status,
                  "retry_after": outcome.retry_after_s,
                  "said": outcome.server_message or _status_phrase(outcome.http_status)}, words_for(front))
    cause = outcome.cause
    if isinstance(cause, Problem):
        fix = p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was sent: fix the credentials and try again.")
                    if outcome.status is OutcomeStatus.CREDENTIALS else _SAFE_TO_RETRY)
        text = OutcomeText(describe_code(cause, outcome.params, front), fix)
    elif cause is None:  # a row from before outcomes were codes: its sentence was kept
        text = OutcomeText(str(outcome.params.get("message") or p.word(STATUS_LABELS[outcome.status])), "")
    else:
        text = _CAUSE_TEXTS[cause](p, front)
    if outcome.params.get("journal_failed"):
        text = OutcomeText(text.headline, _join(text.hint, p.word(_NOT_IN_HISTORY)))
    return text


_NOT_IN_HISTORY = QT_TRANSLATE_NOOP("Messages", "The transfer history could not be written: this transfer is missing "
                                    "from it.")


def _shape_fix(p: _Lenient, front: Front) -> str:
    if front is Front.WINDOW:
        return p.say(QT_TRANSLATE_NOOP("Messages", "In Settings…, set the route shape of profile '{profile}' to "
                                       "{other_shape} and try again."))
    return f"Set route_shape = \"{p['other_shape']}\" in profile '{p['profile']}' and try again."


def _throttled(p: _Lenient, front: Front) -> OutcomeText:
    wait = p.get("retry_after")
    hint = (p.say(QT_TRANSLATE_NOOP("Messages", "Try again in {seconds} s."), seconds=p.number(round(float(wait))))
            if isinstance(wait, int | float) else p.say(QT_TRANSLATE_NOOP("Messages", "Try again in a minute.")))
    return OutcomeText(p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce is busy ({status}) and did not process the "
                                               "request.")), hint)


def _internal(p: _Lenient, front: Front) -> OutcomeText:
    if p.get("sent"):
        return OutcomeText(p.say(QT_TRANSLATE_NOOP("Messages", "The transfer to {label} stopped with an unexpected "
                                                   "error ({error}).")),
                           p.say(QT_TRANSLATE_NOOP("Messages", "The call may or may not be moving: check the "
                                                   "softphone before trying again. Details are in the log.")))
    return OutcomeText(p.say(QT_TRANSLATE_NOOP("Messages", "The transfer to {label} could not be sent: an unexpected "
                                               "error ({error}).")),
                       p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was sent. Details are in the log; tell your "
                                               "administrator.")))


def _not_found_text(p: _Lenient, front: Front) -> OutcomeText:
    headline = p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce does not know this call (404): {said}."))
    if front is Front.WINDOW:
        return OutcomeText(headline, p.say(QT_TRANSLATE_NOOP(
            "Messages", "Check the call ID; the call may have ended. If every call fails this way, the server may "
            "expect the {other_shape} route shape (Settings…).")))
    return OutcomeText(headline, "Check the call ID; the call may have ended. If every call fails this way, the "
                                 f"server may expect route_shape = \"{p['other_shape']}\".")


def _outcome(headline: str, hint: str) -> Callable[[_Lenient, Front], OutcomeText]:
    """An outcome said by two marked templates."""
    return lambda p, f: OutcomeText(p.say(headline), p.say(hint))


_CAUSE_TEXTS: dict[Cause, Callable[[_Lenient, Front], OutcomeText]] = {
    Cause.ANSWER_ACCEPTED: _outcome(QT_TRANSLATE_NOOP("Messages", "Routing requested to {label}"), ""),
    Cause.ANSWER_REJECTED: _outcome(
        QT_TRANSLATE_NOOP("Messages", "Salesforce rejected routing to {label} ({status}): {said}."),
        QT_TRANSLATE_NOOP("Messages", "Check the target and the flow inputs; sending the same request again will "
                          "not help.")),
    Cause.ANSWER_NOT_FOUND: _not_found_text,
    Cause.ANSWER_WRONG_SHAPE: lambda p, f: OutcomeText(
        p.say(QT_TRANSLATE_NOOP("Messages", "The server does not accept the '{route_shape}' route shape (405): "
                                "nothing was routed.")), _shape_fix(p, f)),
    Cause.ANSWER_AUTH: _outcome(
        QT_TRANSLATE_NOOP("Messages", "Salesforce refused the credentials ({status}): {said}. Nothing was routed."),
        QT_TRANSLATE_NOOP("Messages", "Check the profile's org_id and call_center, the certificate registered on the "
                          "Call Center, and this computer's clock; then ask your administrator.")),
    Cause.ANSWER_THROTTLED: _throttled,
    Cause.ANSWER_SERVER_ERROR: _outcome(
        QT_TRANSLATE_NOOP("Messages", "Salesforce had a server error ({status}): {said}."),
        QT_TRANSLATE_NOOP("Messages", "The call may or may not have moved: check the softphone before you try "
                          "again.")),
    Cause.NOT_CONNECTED: _outcome(
        QT_TRANSLATE_NOOP("Messages", "Could not reach Salesforce ({error}): nothing was sent."),
        QT_TRANSLATE_NOOP("Messages", "Check the network connection and try again; retrying is safe.")),
    Cause.NO_ANSWER: _outcome(
        QT_TRANSLATE_NOOP("Messages", "No answer from Salesforce ({error}): the call may already be routing."),
        _CHECK_SOFTPHONE),
    Cause.DEADLINE_NOT_SENT: _outcome(
        QT_TRANSLATE_NOOP("Messages", "Salesforce could not be reached within {timeout_s} s: nothing was sent."),
        QT_TRANSLATE_NOOP("Messages", "Check the network connection and try again; retrying is safe.")),
    Cause.DEADLINE_NO_ANSWER: _outcome(
        QT_TRANSLATE_NOOP("Messages", "No answer from Salesforce within {timeout_s} s: the call may already be "
                          "routing."), _CHECK_SOFTPHONE),
    Cause.PANEL_CLOSED: _outcome(
        QT_TRANSLATE_NOOP("Messages", "The panel closed during the transfer to {label}: the call may have been "
                          "routed."), _CHECK_SOFTPHONE),
    Cause.CANCELLED: _outcome(
        QT_TRANSLATE_NOOP("Messages", "The panel quit during the transfer to {label}: the call may have been "
                          "routed."), _CHECK_SOFTPHONE),
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


_CHECK_FIRST = QT_TRANSLATE_NOOP("Messages", "Check the softphone first: transfer again only if the call did not "
                                 "move.")
_NOT_TWICE = QT_TRANSLATE_NOOP("Messages", "Do not retry blindly: a second request could route the call twice.")
_KEEP_CALLER = QT_TRANSLATE_NOOP("Messages", "Stay with the caller; ask your supervisor to transfer the call: this "
                                 "panel cannot transfer until IT fixes it.")
_TRY_AGAIN = QT_TRANSLATE_NOOP("Messages", "Tell the caller it will take a moment, then try again; if it keeps "
                               "failing, ask your supervisor.")
_SEND_LOG = QT_TRANSLATE_NOOP("Messages", "Send IT the log file (transfer-panel diagnostics).")
_SIGN_IN_PROBLEMS = frozenset({Problem.OPENBAO_NOT_SIGNED_IN, Problem.OPENBAO_SIGN_IN_ENDED,
                               Problem.OPENBAO_SIGN_IN_EXPIRED, Problem.OPENBAO_SIGNED_OUT})
_KIND_CHECKS = {
    IdKind.AGENT: QT_TRANSLATE_NOOP("Messages", "Check that agent {target} can take voice calls in Omni-Channel "
                                    "(presence status, capacity)."),
    IdKind.QUEUE: QT_TRANSLATE_NOOP("Messages", "Check that queue {target} supports voice calls and has a routing "
                                    "configuration."),
    IdKind.FLOW: QT_TRANSLATE_NOOP("Messages", "Check that {target} is an active Omni-Channel flow (its 300… flow "
                                   "definition ID)."),
}


def rep_outcome(outcome: RouteOutcome, facts: TransferFacts) -> RepOutcome:
    """The outcome of a transfer for the window: `happened` and `now` make the rep's one line;
    `details` and `for_it` go behind the Details expander."""
    p = _Lenient({**outcome.params, "retry_after": outcome.retry_after_s}, words_for(Front.WINDOW))
    cause = outcome.cause
    if isinstance(cause, Problem):
        said = _problem_outcome(p, outcome.status, cause, describe_code(cause, outcome.params, Front.WINDOW))
    elif cause is None:  # a row from before outcomes were codes: its sentence was kept
        said = RepOutcome(str(outcome.params.get("message") or p.word(STATUS_LABELS[outcome.status])), "")
    else:
        said = _REP_TEXTS[cause](p, facts)
    details = (*_answer_lines(p, outcome), *said.details)
    if outcome.params.get("journal_failed"):
        details += (p.word(_NOT_IN_HISTORY),)
    return RepOutcome(said.happened, said.now, details, said.for_it)


def _answer_lines(p: _Lenient, outcome: RouteOutcome) -> tuple[str, ...]:
    """What came back, as IT reads it: "HTTP 400 Bad Request · 52 ms", "Salesforce said: …"."""
    lines = []
    if outcome.http_status is not None:
        elapsed = p.number(round(outcome.elapsed_ms))
        if outcome.attempts > 1:
            lines.append(p.fill(p.translate("Messages", "HTTP {status} · {elapsed} ms · {attempts} attempts", None,
                                            outcome.attempts),
                                status=_status_phrase(outcome.http_status), elapsed=elapsed, attempts=outcome.attempts))
        else:
            lines.append(p.say(QT_TRANSLATE_NOOP("Messages", "HTTP {status} · {elapsed} ms"),
                               status=_status_phrase(outcome.http_status), elapsed=elapsed))
    if outcome.server_message and not outcome.accepted:  # a 2xx's body holds nothing for anyone
        lines.append(p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce said: {said}"), said=outcome.server_message))
    return tuple(lines)


def _problem_outcome(p: _Lenient, status: OutcomeStatus, cause: Problem, described: str) -> RepOutcome:
    """No token could be made, or the row could not be written: nothing left this computer."""
    if cause in _SIGN_IN_PROBLEMS:
        return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was sent: you are not signed in to OpenBao.")),
                          p.say(QT_TRANSLATE_NOOP("Messages", "Sign in (Sign in… at the top of the panel), then "
                                                  "transfer again.")), (described,))
    if cause is Problem.KEYRING_LOCKED:
        return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was sent: the keyring is locked.")),
                          p.say(QT_TRANSLATE_NOOP("Messages", "Unlock it (your desktop's keyring or password app), "
                                                  "then transfer again.")), (described,))
    if status is OutcomeStatus.CREDENTIALS:
        return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was sent: this panel has no usable key to sign "
                                                  "transfers.")), p.say(_KEEP_CALLER), (described,))
    happened = (QT_TRANSLATE_NOOP("Messages", "Nothing was sent: the transfer history cannot be written.")
                if cause.value.startswith("journal.")
                else QT_TRANSLATE_NOOP("Messages", "Nothing was sent: the panel could not sign the transfer."))
    return RepOutcome(p.say(happened), p.say(_TRY_AGAIN), (described,))


def _rejected(p: _Lenient, f: TransferFacts) -> RepOutcome:
    alternative = f.fallback if f.kind is IdKind.FLOW and f.fallback else f.alternative
    now = (p.say(QT_TRANSLATE_NOOP("Messages", "Tell the caller you are connecting them; try {alternative} or ask "
                                   "your supervisor."), alternative=alternative) if alternative
           else p.say(QT_TRANSLATE_NOOP("Messages", "Tell the caller you are connecting them, and ask your supervisor "
                                        "where to send the call.")))
    check = _KIND_CHECKS.get(f.kind) if f.kind is not None else None
    hints = [p.say(check, target=f.target)] if check and f.target else []
    if f.kind is IdKind.FLOW and f.flow_inputs:
        hints.append(p.fill(p.translate("Messages", "Check the {count} flow input(s): each name must be an input "
                                        "variable of the flow.", None, f.flow_inputs), count=f.flow_inputs))
    if f.kind is IdKind.FLOW and f.fallback_id:
        hints.append(p.say(QT_TRANSLATE_NOOP("Messages", "Check that the fallback queue {queue} supports voice "
                                             "calls."), queue=f.fallback_id))
    hints.append(p.say(QT_TRANSLATE_NOOP("Messages", "Sending the same request again will not help.")))
    return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce refused to route the call to {label}."),
                            label=f.label), now, for_it=tuple(hints))


def _not_found(p: _Lenient, f: TransferFacts) -> RepOutcome:
    return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce does not know this call: it may have ended.")),
                      p.say(QT_TRANSLATE_NOOP("Messages", "Check the softphone; if the caller is still there, ask "
                                              "your supervisor.")),
                      for_it=(p.say(QT_TRANSLATE_NOOP("Messages", "Check the call ID the softphone handed over.")),
                              p.say(QT_TRANSLATE_NOOP("Messages", "If every call fails this way, the server may "
                                                      "expect the {other_shape} route shape: set it for profile "
                                                      "'{profile}' in Settings…."))))


def _wrong_shape(p: _Lenient, f: TransferFacts) -> RepOutcome:
    return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was routed: the panel's settings do not match "
                                              "Salesforce.")), p.say(_KEEP_CALLER),
                      for_it=(p.say(QT_TRANSLATE_NOOP("Messages", "The server does not accept the '{route_shape}' "
                                                      "route shape: {fix}"), fix=_shape_fix(p, Front.WINDOW)),))


def _throttled_rep(p: _Lenient, f: TransferFacts) -> RepOutcome:
    wait = p.get("retry_after")
    now = (p.say(QT_TRANSLATE_NOOP("Messages", "Tell the caller it will take a moment; try again in {seconds} s."),
                 seconds=p.number(round(float(wait)))) if isinstance(wait, int | float)
           else p.say(QT_TRANSLATE_NOOP("Messages", "Tell the caller it will take a moment; try again in a minute.")))
    return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce is busy: nothing was routed.")), now,
                      (p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce did not process the request: sending it again "
                                               "is safe.")),))


def _internal_rep(p: _Lenient, f: TransferFacts) -> RepOutcome:
    error = (p.say(QT_TRANSLATE_NOOP("Messages", "Error: {error} (the traceback is in the panel's log file).")),)
    if p.get("sent"):
        return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "The transfer stopped with an unexpected error: the call "
                                                  "may or may not be moving.")), p.say(_CHECK_FIRST), error,
                          (p.say(_SEND_LOG), p.say(_NOT_TWICE)))
    return RepOutcome(p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was sent: the panel hit an unexpected error.")),
                      p.say(QT_TRANSLATE_NOOP("Messages", "Tell the caller it will take a moment, then try again; if "
                                              "it keeps happening, ask your supervisor.")), error, (p.say(_SEND_LOG),))


def _unknown(why: str) -> Callable[[_Lenient, TransferFacts], RepOutcome]:
    """The request may have gone: `why` (a marked template) says how far it got."""
    return lambda p, f: RepOutcome(
        p.say(QT_TRANSLATE_NOOP("Messages", "Outcome unknown: the call may already be moving.")), p.say(_CHECK_FIRST),
        (p.say(why), p.say(_NOT_TWICE)))


def _unreached(why: str) -> Callable[[_Lenient, TransferFacts], RepOutcome]:
    """Nothing was sent: `why` (a marked template) says what stopped it."""
    return lambda p, f: RepOutcome(
        p.say(QT_TRANSLATE_NOOP("Messages", "Could not reach Salesforce: nothing was sent.")), p.say(_TRY_AGAIN),
        (p.say(why),), (p.say(QT_TRANSLATE_NOOP("Messages", "Check this computer's network connection and that it can "
                                                "reach the profile's base_url.")),))


def _accepted(p: _Lenient, f: TransferFacts) -> RepOutcome:
    return RepOutcome(
        p.say(QT_TRANSLATE_NOOP("Messages", "Routing requested to {label}"), label=f.label),
        p.say(QT_TRANSLATE_NOOP("Messages", "Tell the caller you are connecting them; the softphone shows when the "
                                "call moves.")),
        (p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce accepted the routing request; its answer does not confirm "
                                 "that the call moved.")),))


_REP_TEXTS: dict[Cause, Callable[[_Lenient, TransferFacts], RepOutcome]] = {
    Cause.ANSWER_ACCEPTED: _accepted,
    Cause.ANSWER_REJECTED: _rejected,
    Cause.ANSWER_NOT_FOUND: _not_found,
    Cause.ANSWER_WRONG_SHAPE: _wrong_shape,
    Cause.ANSWER_AUTH: lambda p, f: RepOutcome(
        p.say(QT_TRANSLATE_NOOP("Messages", "Nothing was routed: Salesforce refused this panel's credentials.")),
        p.say(_KEEP_CALLER),
        for_it=(p.say(QT_TRANSLATE_NOOP("Messages", "Check the profile's org_id and call_center, the certificate "
                                        "registered on the Call Center (it must match the key in the keyring), and "
                                        "this computer's clock.")),)),
    Cause.ANSWER_THROTTLED: _throttled_rep,
    Cause.ANSWER_SERVER_ERROR: lambda p, f: RepOutcome(
        p.say(QT_TRANSLATE_NOOP("Messages", "Salesforce had a problem: the call may or may not have moved.")),
        p.say(_CHECK_FIRST),
        for_it=(p.say(QT_TRANSLATE_NOOP("Messages", "A failure on Salesforce's side; the panel never repeats such a "
                                        "request by itself.")),)),
    Cause.NOT_CONNECTED: _unreached(QT_TRANSLATE_NOOP("Messages", "Before anything was sent: {error}.")),
    Cause.DEADLINE_NOT_SENT: _unreached(QT_TRANSLATE_NOOP("Messages", "No connection within the profile's timeout "
                                                          "({timeout_s} s).")),
    Cause.NO_ANSWER: _unknown(QT_TRANSLATE_NOOP("Messages", "The request was sent, then: {error}.")),
    Cause.DEADLINE_NO_ANSWER: _unknown(QT_TRANSLATE_NOOP("Messages", "The request was sent; no answer within the "
                                                         "profile's timeout ({timeout_s} s).")),
    Cause.PANEL_CLOSED: _unknown(QT_TRANSLATE_NOOP("Messages", "The panel closed while the request was out.")),
    Cause.CANCELLED: _unknown(QT_TRANSLATE_NOOP("Messages", "The panel quit while the request was out.")),
    Cause.INTERNAL: _internal_rep,
}


def _status_phrase(status: ParamValue) -> str:
    if not isinstance(status, int):
        return "no details"
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


class _IsolatingFormatter(string.Formatter):
    """Fills each value in between Unicode's first-strong isolate and pop (U+2068, U+2069): in
    right-to-left text a Latin name keeps its own order, "Billing (Americas)" its closing bracket."""

    def format_field(self, value: object, format_spec: str) -> str:
        return f"\u2068{super().format_field(value, format_spec)}\u2069"


_ISOLATING = _IsolatingFormatter()


class _Lenient(dict[str, ParamValue]):
    """Parameters for a template, and the words to say it in: one a template names but the error
    lacks shows as "?" rather than failing (a row written by another version may lack one)."""

    def __init__(self, params: Params, words: Words = ENGLISH) -> None:
        super().__init__(params)
        self.words = words

    def __missing__(self, key: str) -> ParamValue:
        return "?"

    def with_params(self, **extra: ParamValue) -> _Lenient:
        return _Lenient({**self, **extra}, self.words)

    def word(self, text: str) -> str:
        """A marked text (no placeholders) in these words."""
        return self.words.translate(CONTEXT, text, -1)

    def say(self, template: str, **extra: ParamValue) -> str:
        """A marked template in these words, filled with these parameters and `extra`."""
        return self.fill(self.word(template), **extra)

    def translate(self, context: str, template: str, disambiguation: None, count: int) -> str:
        """A template whose plural form depends on `count`, in these words: pyside6-lupdate reads the
        literals of a call written `p.translate("Messages", "…", None, count)` as a plural text."""
        return self.words.translate(context, template, count)

    def fill(self, template: str, **extra: ParamValue) -> str:
        """A template already in these words, filled with these parameters and `extra` (decimals as
        the words write them)."""
        values = _Lenient({key: self.words.decimal(value) if isinstance(value, float) else value
                           for key, value in {**self, **extra}.items()}, self.words)
        return _ISOLATING.vformat(template, (), values) if self.words.isolate else template.format_map(values)

    def number(self, value: ParamValue) -> str:
        """A count or size, grouped as the words write it (1,234,567; a value that is not a number as it is)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return self.words.decimal(value) if isinstance(value, float) else self.words.integer(value)

    def clock(self, value: ParamValue) -> str:
        try:
            return self.words.clock(datetime.fromisoformat(str(value)).astimezone())
        except ValueError:
            return "?"

    def count(self, key: str) -> int:
        """A parameter that picks a plural form (-1: none, when it is not a number)."""
        value = self.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else -1
