"""What each field a person fills in may hold: one rule per field, for the forms, both APIs and the intake check.

A rule is plain data (the longest length and, for a formatted value, a pattern
the whole value must match) with a check that says in English what is wrong.
The web forms' validators (``ticketing.web.fields``), the API models
(``ticketing.schemas``) and their generated OpenAPI documents are made from
these rules, and ``rules.Intake.problems`` checks a new request with them, so
a value one of them accepts the others accept too.

Patterns are matched against the whole value and use only what Python's
``re``, ECMAScript (the documents' JSON Schema) and Hypothesis read alike:
explicit ASCII classes, never ``\\d`` or ``\\w``, whose meaning differs.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed and carriage return are text
YEARS = range(2000, 2101)  # dates and times people give: far ones overflow time zone arithmetic
MAX_PAGE = 100_000  # no list has that many pages; a larger number would overflow the database's offset
MAX_ID = 2**31 - 1  # the largest id a path or body may carry: ids are 32-bit INTEGER columns
TICKET_NUMBER = r"[0-9]{6}-[0-9]{6,}"  # a tracking number: 261127-000001
# An extension as people type it (2天, 3小时, 1天2小时, 2d, 30m, full-width too): digits first, then units;
# ``Duration.parse`` reads the value and says what is wrong with one that fits this but not the grammar.
WORKING_TIME = (
    r"[ \u3000]*[0-9\uff10-\uff19][0-9\uff10-\uff19A-Za-z\uff21-\uff3a\uff41-\uff5a \u3000天日工作个小时钟头分]*"
)
MAX_WORKING_TIME = 40
LATITUDE, LONGITUDE = 90.0, 180.0  # WGS84 bounds, either sign

MAX_DESCRIPTION = 4000
MAX_TEXT = 2000  # a note, reason, resolution or callback comment
MAX_BODY = 200  # the name of the competent body a request is referred to
MAX_NAME = 100  # a resident's name
MAX_ADDRESS = 300
MAX_PHONE = 32
MAX_EMAIL = 254  # characters: the longest address SMTP carries
MAX_REASON = 200  # an absence's reason

# A mainland mobile (1, then 3–9, then nine digits; +86 or 86 before it allowed) or a landline with its area code
# (0, then 9 to 11 digits: 010-12345678, 0571 8888 8888); spaces and hyphens anywhere.  Only a mobile takes SMS.
_SEP = "[ -]*"
MOBILE_PATTERN = rf"{_SEP}(?:\+?{_SEP}8{_SEP}6{_SEP})?1{_SEP}[3-9](?:{_SEP}[0-9]){{9}}{_SEP}"
LANDLINE_PATTERN = rf"{_SEP}0{_SEP}[1-9](?:{_SEP}[0-9]){{8,10}}{_SEP}"
PHONE_PATTERN = f"{MOBILE_PATTERN}|{LANDLINE_PATTERN}"
# No control character, and Python's and ECMAScript's \s differ only in \x1c-\x1f, \x85 and \ufeff: all excluded.
_ADDRESS_PART = r"[^@\s\x00-\x1f\x7f-\x9f\ufeff]+"
EMAIL_PATTERN = rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}"


@dataclass(frozen=True, slots=True)
class TextRule:
    """A text field: at most ``max_length`` characters, no control character, and ``pattern`` if it has one.

    Whether the field may be left empty is the form's to say, not the rule's.
    """

    max_length: int
    pattern: str | None = None
    what: str = ""  # what a value matching the pattern is: "a phone number (5–15 digits)"

    def problem(self, text: str) -> str | None:
        """What is wrong with ``text``, in English; None if nothing."""
        if CONTROL.search(text):
            return "control characters are not allowed"
        if len(text) > self.max_length:
            return f"at most {self.max_length} characters, got {len(text)}"
        if self.pattern is not None and re.fullmatch(self.pattern, text) is None:
            return f"{text!r} is not {self.what}"
        return None

    def fits(self, text: str) -> bool:
        return self.problem(text) is None


DESCRIPTION = TextRule(MAX_DESCRIPTION)
TEXT = TextRule(MAX_TEXT)
BODY = TextRule(MAX_BODY)
NAME = TextRule(MAX_NAME)
ADDRESS = TextRule(MAX_ADDRESS)
REASON = TextRule(MAX_REASON)
PHONE = TextRule(
    MAX_PHONE,
    PHONE_PATTERN,
    "a phone number: a mainland mobile (11 digits, 13… to 19…, +86 allowed) or a landline with its area code"
    " (010-12345678)",
)
MOBILE = TextRule(MAX_PHONE, MOBILE_PATTERN, "a mainland mobile number (11 digits, 13… to 19…, +86 allowed)")
EMAIL = TextRule(MAX_EMAIL, EMAIL_PATTERN, "an e-mail address")


DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\uff0d\ufe63_]")  # hyphens, dashes, minus and long marks IMEs type
TYPED_NUMBER = re.compile(r"([0-9]{6})([0-9]{6,10})")  # a day and a serial of at most a ticket id's ten digits


def typed_digits(text: str) -> str:
    """``text`` with full-width digits and signs made ASCII (NFKC), dashes made hyphens and spaces dropped."""
    return "".join(DASHES.sub("-", unicodedata.normalize("NFKC", text)).split())


def typed_ticket_number(text: str) -> str:
    """A tracking number as a resident types it — ``２６１１２７０００００１``, ``261127 000001`` — in its form
    ``261127-000001``; text that is no tracking number comes back only tidied, for the format check to refuse."""
    tidy = typed_digits(text)
    return TYPED_NUMBER.sub(r"\1-\2", tidy) if TYPED_NUMBER.fullmatch(tidy) else tidy


def is_mobile(text: str) -> bool:
    """Whether ``text`` is a mainland mobile number, the only kind an SMS reaches."""
    return MOBILE.fits(typed_digits(text))


def tidy_phone(text: str) -> str:
    """A phone as it is kept and dialled: a mobile's 11 digits (``13912345678``), a landline's area code and number
    (``0571-88888888``); anything else comes back as given, for the rule to refuse."""
    digits = typed_digits(text).replace("-", "")
    if MOBILE.fits(digits):
        return digits[-11:]
    if re.fullmatch(LANDLINE_PATTERN, digits):
        area = 3 if digits[1] in "12" else 4  # 010 and 02x are the three-digit area codes
        return f"{digits[:area]}-{digits[area:]}"
    return text


def is_email(text: str) -> bool:
    """Whether ``text`` reads as an e-mail address."""
    return EMAIL.fits(text)


def is_coordinate(value: float, bound: float) -> bool:
    """Whether ``value`` is a finite WGS84 coordinate within ±``bound`` (``LATITUDE`` or ``LONGITUDE``)."""
    return math.isfinite(value) and abs(value) <= bound
