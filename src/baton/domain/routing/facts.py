"""What routing looks at: a record's fields, with domains and company names normalized.

Domains fold to their registrable domain (``eu.shop.acme.co.uk`` → ``acme.co.uk``,
``www.acme.com`` → ``acme.com``) using the Public Suffix List bundled with the
``publicsuffixlist`` package. Free-mail domains never identify a company.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "yahoo.de",
        "ymail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "hotmail.fr",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "gmx.com",
        "web.de",
        "mail.com",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "zoho.com",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "t-online.de",
        "libero.it",
        "comcast.net",
        "verizon.net",
        "att.net",
    ]
)
LEGAL_FORMS = frozenset(
    [
        "incorporated",
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "plc",
        "gmbh",
        "ag",
        "kg",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "pty",
        "kk",
        "srl",
        "spa",
        "group",
        "holdings",
    ]
)


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    # imported on first use, so the CLI starts without it
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


@lru_cache(maxsize=65536)
def registrable_domain(value: str | None) -> str | None:
    """The registrable domain of a host, URL or email address; None when there is none."""
    if not value:
        return None
    host = value.strip().lower()
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", host).split("/")[0].split(":")[0].strip(".")
    if not host or "." not in host:
        return None
    suffix = _psl().privatesuffix(host)
    return suffix if isinstance(suffix, str) else None  # always a str (or None) for a str host


def is_free_mail(domain: str | None) -> bool:
    return domain in FREE_MAIL


@lru_cache(maxsize=65536)
def company_key(name: str | None) -> str | None:
    """A company name reduced for matching: 'ACME, Inc.' and 'Acme' give 'acme'."""
    if not name:
        return None
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # S.A. -> sa, B.V. -> bv
    text = re.sub(r"\b([a-z])\.(?=[a-z]\b)", r"\1", text).replace(".", " ")
    # GmbH & Co. KG is a legal form, not a partner
    text = re.sub(r"&\s*co\b", " co", text).replace("&", " and ")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or words[-1] == "and"):
        words.pop()  # legal forms trail the name
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words) or None


@dataclass(frozen=True)
class RecordFacts:
    """The fields of one record as routing sees them (a lead, or an account being re-homed)."""

    fields: Mapping[str, Any]
    record_id: int | None = None
    kind: str = "lead"
    current_owner: str | None = None
    override_owner: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name.startswith("extra."):
            return self.extra.get(name[6:])
        return self.fields.get(name)

    @property
    def email_domain(self) -> str | None:
        return registrable_domain(self.fields.get("email"))

    @property
    def website_domain(self) -> str | None:
        return registrable_domain(self.fields.get("website"))
