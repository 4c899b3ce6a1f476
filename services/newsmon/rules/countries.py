"""Country values of queries and topics: ISO 3166 alpha-3 codes, or country names mapped to them.

``country:SDN``, ``country:Sudan`` and ``--country "South Korea"`` all mean one code, so an analyst
does not need to know that Syria is SYR. Names come from pycountry (official and common names)
and babel's English territory names (the names news uses: Russia, Syria, Türkiye). Besides
ISO codes newsmon's knowledge base uses ``IGO`` (international organisations) and ``XKX``
(Kosovo). Anything else is refused with the closest codes or names as suggestions.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from .tokens import fold

EXTRA_CODES = {"IGO": "international organisation", "XKX": "Kosovo"}
_CODE = re.compile(r"^[A-Za-z]{3}$")


class CountryError(ValueError):
    """A value that is neither a known country code nor a country name; ``suggestions`` may help."""

    def __init__(self, value: str, suggestions: list[str]):
        self.value = value
        self.suggestions = suggestions
        hint = f" (did you mean {' or '.join(suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown country '{value}'{hint}")


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], dict[str, str]]:
    """(known codes, folded name -> code)."""
    import pycountry
    from babel import Locale

    codes = set(EXTRA_CODES)
    names: dict[str, str] = {fold(v): k for k, v in EXTRA_CODES.items() if k != "IGO"}
    alpha2: dict[str, str] = {}
    for country in pycountry.countries:
        codes.add(country.alpha_3)
        alpha2[country.alpha_2] = country.alpha_3
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                names.setdefault(fold(name), country.alpha_3)
    alpha2["XK"] = "XKX"
    for two, name in Locale("en").territories.items():
        code = alpha2.get(two)
        if code:
            names.setdefault(fold(name), code)
            # "Congo - Kinshasa" -> also "Congo (Kinshasa)"-less forms are left to suggestions
    return frozenset(codes), names


def country_code(value: str) -> str:
    """The alpha-3 code ``value`` means (a code in any case, or a country name); raises :class:`CountryError`."""
    value = value.strip()
    codes, names = _tables()
    if _CODE.match(value) and value.upper() in codes:
        return value.upper()
    code = names.get(fold(value))
    if code:
        return code
    return _refuse(value)


def _refuse(value: str) -> str:
    codes, names = _tables()
    if _CODE.match(value):
        same_start = [c for c in sorted(codes) if c[:2] == value[:2].upper()]
        close = difflib.get_close_matches(value.upper(), same_start, n=3, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(value.upper(), sorted(codes), n=3, cutoff=0.6)
    else:
        close = []
    close += [f"{n.title()} ({names[n]})" for n in difflib.get_close_matches(fold(value), list(names), n=3, cutoff=0.7)]
    raise CountryError(value, close[:3])
