"""Email over SMTP (STARTTLS, implicit TLS, or plain on a trusted relay).

The Message-ID is derived from the alert key, so a message re-sent after a
worker crash carries the same id (mail clients and Gmail fold such copies);
``References`` ties every alert about one lead and person into one thread.
Each sending thread keeps its SMTP session open between messages (checked with
NOOP before reuse), which saves the connect, TLS and login of every message.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any

from baton.notify import DeliveryError, Message, Sent


def message_id(key: str, domain: str) -> str:
    return f"<alert.{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


class EmailNotifier:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        security: str = "starttls",
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10,
    ) -> None:
        self.host, self.port, self.sender, self.security = host, port, sender, security
        self.username, self.password, self.timeout = username, password, timeout
        self.domain = sender.rsplit("@", 1)[-1].rstrip(">").strip() or "baton"
        self._local = threading.local()
        self._open: list[smtplib.SMTP] = []
        self._lock = threading.Lock()

    def address_of(self, person: dict[str, Any], *, silent: bool = False) -> str | None:
        return person.get("email")

    def build(self, message: Message, address: str, name: str | None = None) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = formataddr((name or "", address))
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message_id(message.key, self.domain)
        thread = (
            f"<thread.{hashlib.sha256(message.thread.encode()).hexdigest()[:32]}@{self.domain}>"
        )
        mail["In-Reply-To"] = thread
        mail["References"] = thread
        mail["X-Baton-Alert-Key"] = message.key
        mail["X-Baton-Alert-Kind"] = message.kind
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        return mail

    def send(self, message: Message, address: str, *, recovering: bool = False) -> Sent:
        mail = self.build(message, address)
        try:
            self._session().send_message(mail)
        except (
            smtplib.SMTPResponseException
        ) as exc:  # the server answered: the session stays usable
            raise DeliveryError(
                f"email: SMTP {exc.smtp_code} {exc.smtp_error.decode(errors='replace')[:200]}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryError(f"email: {type(exc).__name__}: {exc}") from exc
        return Sent(mail["Message-ID"])

    def _session(self) -> smtplib.SMTP:
        """This thread's open session, or a new one (a session the server closed is replaced)."""
        smtp = getattr(self._local, "smtp", None)
        if smtp is not None:
            try:
                if smtp.noop()[0] == 250:
                    return smtp
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()
        smtp = self._connect()
        self._local.smtp = smtp
        with self._lock:
            self._open.append(smtp)
        return smtp

    def _drop(self) -> None:
        smtp = getattr(self._local, "smtp", None)
        self._local.smtp = None
        if smtp is not None:
            with self._lock:
                self._open = [s for s in self._open if s is not smtp]
            _quietly_close(smtp)

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def close(self) -> None:
        with self._lock:
            sessions, self._open = self._open, []
        for smtp in sessions:
            _quietly_close(smtp)


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
