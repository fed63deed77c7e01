"""The OpenBao sign-in row: who is signed in and until when, or "Sign in…" when nobody is.

Shown only for a profile with signing = "openbao". OIDC opens the system browser; userpass
asks for the password inline in the row (never a modal dialog, never stored); the other
methods are for kiosks and scripts (`transfer-panel credentials login`). The core session
does the work (app/core/signing/openbao_session.py); transfers without a sign-in send nothing
because the signer refuses to sign.
"""

from __future__ import annotations

import getpass
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.core.errors import PanelError, Problem
from app.core.profile import OpenBaoAuth
from app.messages import Front, describe, describe_code, oidc_page, sign_in_text
from app.ui.common import a11y
from app.ui.common.tasks import spawn

if TYPE_CHECKING:
    from app.core.signing.openbao_session import OpenBaoSession, SignInStatus


class SignInRow(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInRow")
        a11y.name(self, "OpenBao sign-in")
        self.session: OpenBaoSession | None = None
        self.status_label = QLabel("Not signed in to OpenBao.", self)
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.sign_in_button = QPushButton("Sign in…", self)
        a11y.name(self.sign_in_button, "Sign in to OpenBao")
        self.sign_in_button.setAutoDefault(False)
        self.sign_in_button.clicked.connect(self.start_sign_in)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText("OpenBao user name")
        a11y.name(self.username, "OpenBao user name")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Password")
        a11y.name(self.password, "OpenBao password")
        self.password.returnPressed.connect(self.submit_password)
        self.submit_button = QPushButton("Sign in", self)
        self.submit_button.setAutoDefault(False)
        a11y.name(self.submit_button, "Sign in with this password")
        self.submit_button.clicked.connect(self.submit_password)
        self._password_form = QWidget(self)
        form = QHBoxLayout(self._password_form)
        form.setContentsMargins(0, 0, 0, 0)
        for widget in (self.username, self.password, self.submit_button):
            widget.setParent(self._password_form)
            form.addWidget(widget)
        self._password_form.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.sign_in_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 6, 8, 6)
        column.addLayout(top)
        column.addWidget(self._password_form)
        self.hide()

    def tab_chain(self) -> list[QWidget]:
        return [self.sign_in_button, self.username, self.password, self.submit_button]

    def set_session(self, session: OpenBaoSession | None) -> None:
        """Follow this profile's sign-in (None: the profile signs with a local key; the row hides).
        Asks OpenBao once for the status and keeps the token renewed through the shift."""
        self.session = session
        self._password_form.hide()
        self.setVisible(session is not None)
        if session is None:
            return
        session.subscribe(lambda status: self._show(status, session))
        self._show(session.current, session)
        spawn(self._refresh(session))

    async def _refresh(self, session: OpenBaoSession) -> None:
        try:
            await session.status()
        except PanelError as error:  # OpenBao down at start: say so, signing will say it again
            self._show_problem(session, error)
            return
        session.start_renewal()

    def start_sign_in(self) -> None:
        session = self.session
        if session is None:
            return
        auth = session.settings.auth
        if auth is OpenBaoAuth.USERPASS:
            self.username.setText(self.username.text() or getpass.getuser())
            self._password_form.show()
            self.password.setFocus()
        elif auth is OpenBaoAuth.OIDC:
            self.status_label.setText("Signing in with your browser… finish there, then come back.")
            self.sign_in_button.setEnabled(False)
            spawn(self._sign_in(session, session.login_oidc(page=oidc_page)))
        else:  # kiosks and scripts
            self.status_label.setText(describe_code(Problem.OPENBAO_SIGN_IN_ELSEWHERE, {
                "auth": auth.value, "profile": session.settings.profile_name}, Front.WINDOW))

    def submit_password(self) -> None:
        session = self.session
        if session is None or not self.password.text():
            return
        password, username = self.password.text(), self.username.text().strip()
        self.password.clear()  # not kept, even in the widget
        self.submit_button.setEnabled(False)
        spawn(self._sign_in(session, session.login_userpass(username, password)))

    async def _sign_in(self, session: OpenBaoSession, login: Awaitable[SignInStatus]) -> None:
        try:
            await login
        except PanelError as error:
            self._show_problem(session, error)
            return
        finally:
            if shiboken6.isValid(self):
                self.sign_in_button.setEnabled(True)
                self.submit_button.setEnabled(True)
        if shiboken6.isValid(self) and session is self.session:
            self._password_form.hide()
            session.start_renewal()

    def _show(self, status: SignInStatus, source: OpenBaoSession) -> None:
        if not shiboken6.isValid(self) or source is not self.session:
            return  # an earlier profile's session, or the window is gone
        self.status_label.setText(sign_in_text(status, Front.WINDOW))
        self.status_label.setToolTip(", ".join(status.policies))
        self.sign_in_button.setVisible(not status.signed_in)

    def _show_problem(self, session: OpenBaoSession, error: PanelError) -> None:
        if shiboken6.isValid(self) and session is self.session:
            self.status_label.setText(describe(error, Front.WINDOW))
            self.sign_in_button.setVisible(True)
