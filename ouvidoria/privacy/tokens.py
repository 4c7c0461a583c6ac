"""Keyed hashes of a requester's name words and phone number, to find people without decrypting anyone.

Names and phones are encrypted at rest (``ouvidoria.privacy.fields``), so SQL cannot compare them. Beside each
requester we keep the HMAC (``blind_index``, under the blind-index key) of:
- each word of the name and of the social name, folded (no accents, lower case), the Portuguese particles left out
  ("de", "da", "dos", "e"...): "Vanessa Araújo" is found by "vanessa araujo", "ARAUJO" or "Araújo Vanessa";
- the phone's national number (area code + number) and the number alone, digits only: "(11) 98765-4321",
  "+55 11 98765-4321" and "98765-4321" find it.
Each value is prefixed with its kind before hashing ("name:", "phone:"), so a name word never collides with a
number. Whole words only: a prefix ("Van") finds nothing, by design (docs/security.md).
"""

import re
import unicodedata

from ouvidoria.privacy.crypto import blind_index

PARTICLES = frozenset({"d", "da", "das", "de", "del", "di", "do", "dos", "du", "e", "y"})
MAX_NAME_WORDS = 8


def fold(text: str) -> str:
    """Lower case without accents ("Araújo" and "araujo" are one word)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_words(text: str) -> list[str]:
    """The words of a name that identify: folded, without particles or single letters, in order, once each."""
    words = [w for w in re.split(r"[^0-9a-z]+", fold(text)) if len(w) > 1 and w not in PARTICLES]
    return list(dict.fromkeys(words))


def phone_digits(text: str) -> str | None:
    """The phone's national number (area code + 8 or 9 digits), or its 8–9 digits when no area code was given;
    None when ``text`` is not a Brazilian phone. The country code (+55) and a carrier prefix (0xx) are dropped."""
    digits = re.sub(r"\D", "", text)
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    elif len(digits) in (11, 12) and digits.startswith("0"):
        digits = digits[1:]
    if (len(digits) in (10, 11) and digits[0] != "0") or len(digits) in (8, 9):
        return digits
    return None


def phone_forms(text: str) -> list[str]:
    """What a phone can be looked up by: its national number and, with an area code, the number alone."""
    digits = phone_digits(text)
    if digits is None:
        return []
    return [digits, digits[2:]] if len(digits) >= 10 else [digits]


def name_digest(word: str) -> str:
    return blind_index(f"name:{word}")


def phone_digest(digits: str) -> str:
    return blind_index(f"phone:{digits}")


def requester_digests(*, name: str, social_name: str, phone: str) -> set[str]:
    """Every keyed hash a requester is found by, from their name, social name and phone."""
    words = name_words(f"{name} {social_name}")
    return {name_digest(w) for w in words} | {phone_digest(f) for f in phone_forms(phone)}
