"""Built-in personal-data detection: vectorized candidate search, validation, masking.

Each entity has a candidate pattern (run column-wise by pyarrow's RE2 engine, so clean rows
cost one vectorized pass), an extraction pattern for the rows that matched, a validator
(Luhn and issuer ranges for cards, area/group/serial rules for SSNs, per-country length and
mod-97 for IBANs, ``ipaddress`` for IPs, ``phonenumbers`` for phones) and a mask. Nothing
outside this module ever sees a raw value: findings carry only masked examples and positions.
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

# --------------------------------------------------------------------------- validators

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


_NO_SEPARATORS = str.maketrans("", "", " -")
_SPACE = re.compile(r"\s")
_NON_DIGIT = re.compile(r"\D")

# each digit doubled, its digits summed (Luhn): 5 -> 10 -> 1
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn(digits: str) -> bool:
    """The Luhn checksum of a digit string (every second digit from the right doubled, by
    a translation table; the digits summed through their bytes: no loop in Python)."""
    backwards = digits[::-1]
    both = backwards[0::2] + backwards[1::2].translate(_DOUBLED)
    return (sum(both.encode()) - 48 * len(both)) % 10 == 0


def card_issuer(digits: str) -> str | None:
    """The card network a number's prefix and length belong to, or None."""
    n = len(digits)
    p2, p4, p6 = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (
        p4 == 6011 or 644 <= int(digits[:3]) <= 649 or p2 == 65 or 622126 <= p6 <= 622925
    ) and 16 <= n <= 19:
        return "discover"
    if (300 <= int(digits[:3]) <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if 3500 <= p4 <= 3599 and 16 <= n <= 19:
        return "jcb"
    if p4 in (2131, 1800) and n == 15:
        return "jcb"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69 or p4 == 604) and 12 <= n <= 19:
        return "maestro"
    return None


def valid_card(text: str) -> bool:
    """12–19 digits (spaces or dashes allowed), Luhn-valid, with a known issuer prefix."""
    digits = text.translate(_NO_SEPARATORS)
    return 12 <= len(digits) <= 19 and luhn(digits) and card_issuer(digits) is not None


def valid_ssn(text: str) -> bool:
    """US SSN rules: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    digits = text.translate(_NO_SEPARATORS)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def iban_value(text: str) -> str | None:
    """The IBAN at the start of ``text`` (spaces ignored, cut at its country's length)."""
    compact = _SPACE.sub("", text)
    length = IBAN_LENGTHS.get(compact[:2])
    if length is None or len(compact) < length:
        return None
    iban = compact[:length]
    if not (iban[4:].isalnum() and iban.isascii()):
        return None
    rearranged = iban[4:] + iban[:4]
    number = rearranged.translate(_IBAN_DIGITS)  # A -> 10 ... Z -> 35
    return iban if number.isdigit() and int(number) % 97 == 1 else None


_IBAN_DIGITS = str.maketrans(
    {ch: str(int(ch, 36)) for ch in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
)


def _iban_end(text: str, start: int, length: int) -> int:
    """Index just after ``length`` non-space characters from ``start``."""
    match = _nonspace_run(length).match(text, start)
    return match.end() if match else len(text)


@functools.cache
def _nonspace_run(length: int) -> re.Pattern[str]:
    return re.compile(rf"(?:\s*\S){{{length}}}")


def valid_iban(text: str) -> bool:
    """Per-country length and the ISO 13616 mod-97 check."""
    return iban_value(text) is not None


# file extensions that are no top-level domain: "logo@2x.png", "font@latest.woff2" are asset
# names, not addresses (extensions that are also TLDs — .zip, .mov, .py, .md — stay)
FILE_EXTENSIONS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico", "tif", "tiff", "heic",
        "woff", "ttf", "otf", "eot", "css", "scss", "less", "js", "mjs", "jsx", "tsx", "json",
        "map", "html", "htm", "xml", "yml", "yaml", "txt", "csv", "pdf", "mp3", "mp4", "wav",
        "webm", "ogg", "php", "asp", "aspx", "jsp",
    }
)  # fmt: skip


def valid_email(text: str) -> bool:
    """A plausible address: local part ≤ 64, dotted domain with an alphabetic TLD that is
    not a file extension."""
    local, _, domain = text.rpartition("@")
    if not local or len(local) > 64 or ".." in text or local.startswith(".") or local.endswith("."):
        return False
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and labels[-1].isalpha()
        and labels[-1].lower() not in FILE_EXTENSIONS
        and all(labels)
        and not domain.startswith("-")
    )


def make_ip_validator(ignore_private: bool) -> Callable[[str], bool]:
    """IPv4/IPv6 validation, optionally ignoring private, loopback and link-local ranges."""

    def valid(text: str) -> bool:
        if not ignore_private and ":" not in text:  # IPv4 as ``ipaddress`` reads it
            octets = text.split(".")
            return (
                len(octets) == 4
                and all(
                    o.isascii() and o.isdigit() and len(o) <= 3 and (o == "0" or o[0] != "0")
                    and int(o) <= 255
                    for o in octets
                )
                and text != "0.0.0.0"  # noqa: S104 (the unspecified address is no finding)
            )  # fmt: skip
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return False
        if ignore_private and (address.is_private or address.is_loopback or address.is_link_local):
            return False
        return not address.is_unspecified

    return valid


# dates, times, SSNs, IPs, version strings and decimal numbers (coordinates: "37.774929")
# are not phone numbers
NOT_PHONE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{3}-\d{2}-\d{4}"
    r"|\d{1,3}(\.\d{1,3}){2,3}|\d+\.\d+)\s*$"
)


def _region_precheck(region: str) -> Callable[[str], bool] | None:
    """A necessary condition for ``digits`` to parse as a valid number of ``region``.

    ``phonenumbers.parse`` is most of the gate's cost on text that never repeats, and most
    (candidate, region) pairs cannot be valid: a valid number's national significant number
    always matches the region's general pattern. This tries every way ``parse`` derives it
    (as written, without the national prefix, without the country code); digits that start
    with the region's international dialling prefix always go to ``parse``. None: no
    precheck for this region (its metadata rewrites numbers while parsing)."""
    from phonenumbers.phonemetadata import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule or metadata.general_desc is None:
        return None
    national = _Prefix.of(metadata)
    if national.general is None:
        return None
    idd = re.compile(metadata.international_prefix) if metadata.international_prefix else None
    code = str(metadata.country_code)

    def possible(digits: str) -> bool:
        if idd is not None and idd.match(digits):
            return True
        forms = [digits]
        if digits.startswith(code):
            forms.append(digits[len(code) :])
        for form in list(forms):
            cut = national.prefix.match(form) if national.prefix is not None else None
            if cut is not None and cut.end():
                forms.append(form[cut.end() :])
        return any(national.viable(form) for form in forms)

    return possible


PLAIN_PHONE = re.compile(r"[\d\s().+/-]+")
# what the parse-free decision takes: ASCII digits and the separators phonenumbers treats
# as punctuation, no "+" (an international number is parsed)
PARSE_FREE = re.compile(r"[0-9 ().\-/]+")
INTERNATIONAL = re.compile(r"\s*\+[0-9 ().\-/]+")


def _valid_type(metadata: Any) -> Callable[[str], bool]:
    """``phonenumbers``' ``_number_type_helper(nsn, metadata) != UNKNOWN`` as one regex per
    length: the general description, then any number type whose possible lengths allow it
    (premium rate ... voicemail, fixed line, mobile), as the helper tries them one by one."""
    kinds = [
        metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
        metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail,
        metadata.fixed_line,
    ]  # fmt: skip
    if not metadata.same_mobile_and_fixed_line_pattern:
        kinds.append(metadata.mobile)
    kinds = [d for d in kinds if d is not None and d.national_number_pattern]
    general = metadata.general_desc
    cache: dict[int, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}

    def fits(desc: Any, length: int) -> bool:
        return not desc.possible_length or length in desc.possible_length

    def check(nsn: str) -> bool:
        length = len(nsn)
        if length not in cache:
            gen = (
                re.compile(general.national_number_pattern)
                if general is not None and general.national_number_pattern and fits(general, length)
                else None
            )
            chosen = [f"(?:{d.national_number_pattern})" for d in kinds if fits(d, length)]
            cache[length] = (gen, re.compile("|".join(chosen)) if chosen else None)
        gen, any_type = cache[length]
        return (
            gen is not None
            and any_type is not None
            and gen.fullmatch(nsn) is not None
            and any_type.fullmatch(nsn) is not None
        )

    return check


def _region_decider(region: str) -> Callable[[str], bool | None] | None:
    """``phonenumbers.is_valid_number(phonenumbers.parse(digits, region))`` for ASCII digits
    written without "+", without parsing: the country-code and national-prefix stripping of
    ``parse`` replayed as ``phonenumbers``' helpers do it (:class:`_Prefix`), then the number
    types as one regex (:func:`_valid_type`). None (ask ``parse``) for digits that start
    with the region's international dialling prefix; no decider (None) for regions whose
    metadata rewrites numbers while parsing. ``tests/gates/test_pii_phones.py`` compares the
    decisions with parsing on thousands of phone-like strings."""
    from phonenumbers import phonenumberutil as pu
    from phonenumbers.phonemetadata import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None or metadata.country_code is None:
        return None
    code = metadata.country_code
    main = pu.region_code_for_country_code(code)
    after_code = (
        metadata
        if main == region
        else PhoneMetadata.metadata_for_region_or_calling_code(code, main)
    )
    if after_code is None or any(m.national_prefix_transform_rule for m in (metadata, after_code)):
        return None
    idd = re.compile(metadata.international_prefix) if metadata.international_prefix else None
    prefix = str(code)
    national = _Prefix.of(metadata)

    def decide(digits: str) -> bool | None:
        if idd is not None and idd.match(digits):
            return None
        meta = metadata
        nsn = digits
        if digits.startswith(prefix):  # _maybe_extract_country_code, from the default region
            potential = national.strip(digits[len(prefix) :])
            too_long = national.length(digits) == national.too_long
            if (not national.viable(digits) and national.viable(potential)) or too_long:
                nsn, meta = potential, after_code
        return _national_valid(nsn, meta, code)

    return decide


class _Prefix:
    """``phonenumbers``' national-prefix stripping and length test for one region's metadata
    (one without a transform rule), with its patterns compiled once:
    ``_maybe_strip_national_prefix_carrier_code``'s number, ``_match_national_number``
    against the general description, ``_test_number_length`` for unknown types."""

    _made: ClassVar[dict[int, tuple[Any, _Prefix]]] = {}

    def __init__(self, metadata: Any) -> None:
        from phonenumbers import phonenumberutil as pu

        general = metadata.general_desc
        pattern = general.national_number_pattern if general is not None else None
        self.general = re.compile(pattern) if pattern else None
        npp = metadata.national_prefix_for_parsing
        self.prefix = re.compile(npp) if npp else None
        self.lengths = list(general.possible_length) if general is not None else []
        self.local = list(general.possible_length_local_only) if general is not None else []
        self.too_long = pu.ValidationResult.TOO_LONG
        self.kept = (
            pu.ValidationResult.TOO_SHORT,
            pu.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
            pu.ValidationResult.INVALID_LENGTH,
        )
        self.results = pu.ValidationResult

    @classmethod
    def of(cls, metadata: Any) -> _Prefix:
        made = cls._made.get(id(metadata))
        if made is None or made[0] is not metadata:
            made = cls._made[id(metadata)] = (metadata, cls(metadata))
        return made[1]

    def viable(self, number: str) -> bool:
        return self.general is not None and self.general.fullmatch(number) is not None

    def strip(self, number: str) -> str:
        if not number or self.prefix is None:
            return number
        match = self.prefix.match(number)
        if match is None:
            return number
        rest = number[match.end() :]
        if self.viable(number) and not self.viable(rest):
            return number
        return rest

    def length(self, number: str) -> Any:
        results = self.results
        if not self.lengths:  # no general description (every description has lengths)
            return results.INVALID_LENGTH
        size = len(number)
        if size in self.local:
            return results.IS_POSSIBLE_LOCAL_ONLY
        if self.lengths[0] == size:
            return results.IS_POSSIBLE
        if self.lengths[0] > size:
            return results.TOO_SHORT
        if self.lengths[-1] < size:
            return results.TOO_LONG
        return results.IS_POSSIBLE if size in self.lengths[1:] else results.INVALID_LENGTH


def _national_valid(nsn: str, metadata: Any, code: int) -> bool:
    """How ``parse`` and ``is_valid_number`` end for a national significant number of country
    code ``code``: the national prefix stripped when what remains has a possible length for
    the region (``metadata``), the length bounds, then the number types."""

    if len(nsn) < 2:
        return False
    national = _Prefix.of(metadata)
    potential = national.strip(nsn)
    if national.length(potential) not in national.kept:
        nsn = potential
    if not 2 <= len(nsn) <= 17:
        return False
    return _valid_for_code(code)(nsn)


@functools.cache
def _valid_for_code(code: int) -> Callable[[str], bool]:
    """``phonenumbers.is_valid_number`` of a national significant number with country code
    ``code``: the code's region (the only one, or the first whose leading digits or number
    types fit, as ``region_code_for_number`` picks it), then that region's number types."""
    from phonenumbers import phonenumberutil as pu
    from phonenumbers.phonemetadata import PhoneMetadata

    regions = pu.COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if len(regions) == 1:
        only = PhoneMetadata.metadata_for_region_or_calling_code(code, regions[0])
        return _valid_type(only) if only is not None else (lambda nsn: False)
    candidates = []
    for name in regions:
        meta = PhoneMetadata.metadata_for_region(name)
        if meta is None:
            continue
        leading = re.compile(meta.leading_digits) if meta.leading_digits is not None else None
        candidates.append((leading, _valid_type(meta)))

    def valid(nsn: str) -> bool:
        for leading, valid_type in candidates:
            if leading is not None:
                if leading.match(nsn):
                    return valid_type(nsn)
            elif valid_type(nsn):
                return True
        return False

    return valid


def _international_decider() -> Callable[[str], bool | None]:
    """``is_valid_number(parse("+" + digits))`` without parsing: the country code as
    ``parse`` extracts it (the first one to three digits that are one), then the national
    prefix stripped as it strips it. None (ask ``parse``) where the code's metadata rewrites
    numbers while parsing."""
    from phonenumbers import phonenumberutil as pu
    from phonenumbers.phonemetadata import PhoneMetadata

    def decide(digits: str) -> bool | None:
        if len(digits) <= 2:  # too short after the "+"
            return False
        for width in (1, 2, 3):
            code = int(digits[:width])
            if digits[0] != "0" and code in pu.COUNTRY_CODE_TO_REGION_CODE:
                break
        else:
            return False
        nsn = digits[width:]
        main = pu.region_code_for_country_code(code)
        meta = PhoneMetadata.metadata_for_region_or_calling_code(code, main)
        if meta is None:
            return False
        if meta.national_prefix_transform_rule:
            return None
        return _national_valid(nsn, meta, code)

    return decide


# How numbers are written at home, without "+" and the country code. In these regions a
# national number always starts with the trunk prefix 0 ("020 7946 0958", "030 1234567"):
# digits without it are none of their numbers, although ``phonenumbers`` reads them as the
# national number after the prefix ("877-76317" is a bird's band number, not 08777 6317;
# "20000-22500" an income bracket). India writes mobiles without it ("98765 43210"); Italy has
# no trunk prefix (landlines start with 0, mobiles are ten digits from 3, toll-free 80x).
TRUNK_ZERO = frozenset(
    {"GB", "DE", "FR", "NL", "AU", "AT", "CH", "BE", "IE", "FI", "SE", "JP", "IL"}
)


# Spain has no trunk prefix either; its nine digits are grouped 3-3-3, 3-2-2-2 (as
# libphonenumber formats them) or 2-3-2-2 ("91 234 56 78"), or groups of these run
# together: "8563-44077" and "7000-12000" are not Spanish numbers
SPANISH_GROUPS = ((3, 3, 3), (3, 2, 2, 2), (2, 3, 2, 2))
_DIGIT_RUN = re.compile(r"\d+")


def _runs_together(groups: list[int], pattern: tuple[int, ...]) -> bool:
    """Whether ``groups`` are ``pattern``'s groups, some of them run together."""
    at = 0
    for size in groups:
        total = 0
        while total < size and at < len(pattern):
            total += pattern[at]
            at += 1
        if total != size:
            return False
    return at == len(pattern)


def written_at_home(region: str, digits: str, text: str) -> bool:
    """Whether ``digits`` (of ``text``, a number written without "+") are written as
    ``region`` writes its numbers at home (:data:`TRUNK_ZERO`, :data:`SPANISH_GROUPS`)."""
    if region in TRUNK_ZERO:
        return digits.startswith("0")
    if region == "IN":
        return digits.startswith("0") or (len(digits) == 10 and digits[0] in "6789")
    if region == "IT":  # toll-free numbers: 800 and 803 with six digits ("800 013 000")
        if digits[0] == "0" or (digits[0] == "3" and len(digits) == 10):
            return True
        first = _DIGIT_RUN.search(text)
        return digits.startswith("80") and first is not None and len(first.group()) in (3, 9)
    if region == "ES" and len(digits) == 9:  # mobiles from 6 and 7, landlines from 8 and 9
        runs = [len(run) for run in _DIGIT_RUN.findall(text)] or [9]
        return digits[0] in "6789" and any(_runs_together(runs, p) for p in SPANISH_GROUPS)
    return True


def make_phone_validator(regions: list[str], precheck: bool = True) -> Callable[[str], bool]:
    """Phone numbers that ``phonenumbers`` says are valid (E.164 or national formats).

    Plain candidates are decided without ``phonenumbers.parse`` where that is exact
    (:func:`_region_precheck`, :func:`_region_decider`, :func:`_international_decider`);
    ``precheck=False`` parses every candidate for every region (the reference the tests of
    those compare with)."""
    import phonenumbers

    # regions in the order they are tried, the last one a number was valid in first: a
    # column's numbers mostly come from one country (any valid region decides: the answer
    # does not depend on the order)
    everywhere = list(regions)
    national = [r for r in regions if r not in ("US", "CA")]
    nanp = [r for r in regions if r in ("US", "CA")]

    def first(region: str) -> None:
        for order in (everywhere, national, nanp):
            if order and order[0] != region and region in order:
                order.remove(region)
                order.insert(0, region)

    prechecks = {region: _region_precheck(region) for region in regions} if precheck else {}
    deciders = {region: _region_decider(region) for region in regions} if precheck else {}
    international = _international_decider() if precheck else None

    @functools.lru_cache(maxsize=65536)
    def valid(text: str) -> bool:
        digits = _NON_DIGIT.sub("", text)
        if not 7 <= len(digits) <= 15 or NOT_PHONE.search(text):
            return False
        candidates: list[str | None] = list(everywhere)
        if text.lstrip(" (").startswith("+"):  # "+44 20 ...", "(+358) 40 ..."
            candidates = [None]
        elif text.isdigit():  # bare digits: national trunk prefix 0, or a NANP number
            if text.startswith("0"):
                candidates = list(national)
            elif len(text) == 10 and text[0] in "23456789":
                candidates = list(nanp)
            else:
                return False
        # extensions ("x12"), letters ("1-800-FLOWERS") and other marks: parse decides
        plain = PLAIN_PHONE.fullmatch(text) is not None
        parse_free = plain and PARSE_FREE.fullmatch(text) is not None
        for region in candidates:
            if region is not None and not written_at_home(region, digits, text):
                continue
            check = prechecks.get(region) if region is not None and plain else None
            if check is not None and not check(digits):
                continue
            if region is None:  # "+" and the country code
                decide = international if INTERNATIONAL.fullmatch(text) else None
            else:
                decide = deciders.get(region) if parse_free else None
            decided = decide(digits) if decide is not None else None
            if decided is None:
                try:
                    decided = phonenumbers.is_valid_number(phonenumbers.parse(text, region))
                except phonenumbers.NumberParseException:
                    decided = False
            if decided:
                if region is not None:
                    first(region)
                return True
        return False

    return valid


# --------------------------------------------------------------------------- masks


def mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    tld = domain.rsplit(".", 1)[-1]
    return f"{local[:1]}***@{domain[:1]}***.{tld}"


def mask_card(value: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    return "**** **** **** " + digits[-4:]


def mask_iban(value: str) -> str:
    compact = _SPACE.sub("", value)
    return compact[:2] + "**" + " ****" * 3 + " **" + compact[-2:]


def mask_phone(value: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    return (
        ("+" if value.strip().startswith("+") else "") + "*" * max(len(digits) - 2, 0) + digits[-2:]
    )


def mask_ip(value: str) -> str:
    if ":" in value:
        return value.split(":", 1)[0] + ":****:****"
    return ".".join(value.split(".")[:2]) + ".*.*"


def mask_all(value: str) -> str:
    return re.sub(r"[A-Za-z0-9]", "*", value)


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True)
class Entity:
    """A kind of personal data the built-in engine finds."""

    name: str
    pattern: str  # RE2 and Python compatible: the column-wise candidate filter
    validate: Callable[[str], bool]
    mask: Callable[[str], str]
    extract: str = ""  # Python regex for the values (defaults to ``pattern``)
    before: tuple[Entity, ...] = ()  # entities whose values are blanked out first
    # dates, times, UUIDs and case numbers (LOOK_ALIKE) are blanked out before its
    # candidates are validated: they hold digit runs that look like phones and cards
    look_alikes_first: bool = False
    # (character, pattern): in text without the character, the pattern finds the same
    # candidates as ``pattern`` and faster (IPv6 needs ":"; most text has none)
    lean: tuple[str, str] = ("", "")
    # its pattern never matches a newline and reads one as the end of a text: texts may be
    # searched joined by newlines (true of the built-ins; a policy's pattern may say ``\s``)
    joined: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    lean_regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    is_iban: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # ASCII classes (\d, \w, \b), as RE2 reads the same pattern in the column-wise
        # filter: both engines agree on which texts hold a candidate
        object.__setattr__(self, "regex", re.compile(self.extract or self.pattern, re.ASCII))
        object.__setattr__(self, "is_iban", self.name == "iban")
        lean = re.compile(self.lean[1], re.ASCII) if self.lean[0] else self.regex
        object.__setattr__(self, "lean_regex", lean)

    def spans(
        self, text: str, skip: list[tuple[int, int]] | None = None
    ) -> list[tuple[int, int, str]]:
        """(start, end, value) of every validated value in ``text``.

        ``skip`` spans (look-alikes, other entities' values) are blanked out before the
        candidates are searched: a candidate never reaches into them, and one right after
        them is found ("2024-01-02 020 7946 0958"). The blank is a word character no
        entity's candidate holds, so it stops a candidate as the text it covers did."""
        out = []
        searched = _blank(text, skip) if skip else text
        regex = self.lean_regex if self.lean[0] and self.lean[0] not in text else self.regex
        for match in regex.finditer(searched):
            start, end = match.span()
            value = match.group(0)
            if self.is_iban:
                value = iban_value(value) or ""
                end = _iban_end(text, start, len(value))
                if value and not (end < len(text) and text[end].isalnum()):
                    out.append((start, end, value))
            elif self.validate(value):
                out.append((start, end, value))
        return out

    def found(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of the values in ``text`` that are findings.

        Mask, then detect: candidates inside look-alikes (dates, times, UUIDs, case
        numbers; cheap, unvalidated spans) and inside a ``before`` entity's findings are
        never validated. (:func:`scan_strings` does the same for every entity of a column,
        each searched once in the texts its filter flagged, joined.)"""
        skip = _blocked_spans(text) if self.look_alikes_first else []
        for other in self.before:
            skip = skip + [(s, e) for s, e, _ in other.found(text)]
        return self.spans(text, skip)

    def find(self, text: str) -> list[str]:
        """The values in ``text`` that are findings."""
        return [v for _, _, v in self.found(text)]


EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}"
CARD = r"\b\d(?:[ -]?\d){11,18}\b"
SSN = r"\b\d{3}[- ]\d{2}[- ]\d{4}\b"
IBAN = r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}"
IPV4 = r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
IPV6 = (
    r"(?:[0-9A-Fa-f]{1,4}:){2,7}(?::?[0-9A-Fa-f]{1,4}|:)"
    r"|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}"
)
PHONE = (
    # North American numbers with the trunk prefix 1: "1-800-356-9377", "1 (212) 555-0199"
    r"1[ .-]?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}"
    r"|\+\d{1,3}[ .-]?(?:\(0\)|\(\d{1,4}\))?[ .-]?\d{1,5}(?:[ .-]?\d{1,5}){1,5}"
    r"|\(\d{2,5}\)[ .-]?\d{3,9}(?:[ .-]\d{2,5}){0,3}"
    r"|\d{2,5}(?:[ .-]\d{2,5}){2,4}"
    r"|\d{2,5}[ .-]\d{5,8}"
    r"|\b\d{9,12}\b"
)
# the same, with token boundaries RE2 cannot express: not inside hex ids, words or longer numbers
PHONE_EXTRACT = r"(?<![\w.+-])(?:" + PHONE.replace(r"\b", "") + r")(?![\w-]|\.\d)"
# the column-wise filter with the same boundaries, as RE2 can say them: the characters
# around the number are matched instead of looked at (a filter only asks whether a match
# exists), so "ORD-2024-123456" and ISBNs are not candidate texts
PHONE_FILTER = r"(?:^|[^\w.+-])(?:" + PHONE.replace(r"\b", "") + r")(?:$|[^\w.\-]|\.(?:$|[^\d]))"

ENTITY_NAMES = ("email", "phone", "credit_card", "us_ssn", "iban", "ip_address")

# Look-alikes that are never personal data: their spans block phone and card candidates.
# pandas/ISO dates and date-times (with fractional seconds and time zones), times, UUIDs
# (whose hex groups can be all digits), year-prefixed case numbers, web addresses and ISBNs.
DATE = r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?"
DATETIME = (
    rf"(?<!\d){DATE}(?:[ T]{TIME}(?:Z|[+-]\d{{2}}:?\d{{2}})?)?(?!\d)"
    rf"|(?<![0-9A-Fa-f:]){TIME}(?![0-9A-Fa-f:])"  # not in IPv6 groups: "cd16:40c6"
)
UUID = r"(?<![0-9A-Fa-f-])[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f-])"
# year-prefixed case, lot and build numbers: "2019-004512", "2023-11-0042", "2023.11.05.1234"
CASE_NUMBER = r"(?<![\w.+-])(?:19|20)\d{2}(?:[-/.]\d{2}){0,2}[-/.]\d{4,8}(?![\w-])"
# web addresses (the digits of their paths and queries are ids: "amazon.com/gp/0785383239")
# and ISBNs announced as such ("ISBN-10: 0738551856")
WEB = (
    r"(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)[^\s<>\"']+"
    r"|ISBN(?:-1[03])?:?[ ]?(?:\d[ -]?){9,12}[\dXx]"
)


LOOK_ALIKE = re.compile(rf"{DATETIME}|{UUID}|{CASE_NUMBER}|(?<!\w)(?:{WEB})", re.ASCII)

# The same look-alikes for RE2, which has no look-arounds: the character before and after is
# matched and written back (``LOOK_ALIKE_KEEP``), the look-alike itself becomes ``§``. Run
# column-wise before the candidate filters of phones, cards and IPs, so that cells whose only
# digits are dates, times, UUIDs or case numbers never reach Python. It only narrows the
# filter: every span it masks is one LOOK_ALIKE blocks too (same patterns and boundaries; a
# boundary character consumed by one match can only make it miss the next look-alike), and
# the mask is a non-word character where the look-alike ended in a word character, so no
# value that LOOK_ALIKE leaves alone stops matching its entity's filter.
LOOK_ALIKE_RE2 = (
    rf"(^|[^\d])(?:{DATE}(?:[ T]{TIME}(?:Z|[+-]\d{{2}}:?\d{{2}})?)?)([^\d]|$)"
    rf"|(^|[^0-9A-Fa-f:])(?:{TIME})([^0-9A-Fa-f:]|$)"
    r"|(^|[^0-9A-Fa-f-])[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}([^0-9A-Fa-f-]|$)"
    r"|(^|[^\w.+-])(?:19|20)\d{2}(?:[-/.]\d{2}){0,2}[-/.]\d{4,8}([^\w-]|$)"
    rf"|(^|[^\w])(?:{WEB})"
)
LOOK_ALIKE_KEEP = r"\1\3\5\7\9§\2\4\6\8"
MASKED_FILTER = frozenset({"phone", "credit_card"})


def mask_look_alikes(array: Any) -> Any:
    """``array`` with dates, times, UUIDs and case numbers replaced by ``§`` (RE2, one pass),
    or None when pyarrow cannot run the pattern."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.replace_substring_regex(array, LOOK_ALIKE_RE2, LOOK_ALIKE_KEEP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` overwritten by ``_`` (same length: positions stay)."""
    parts, at = [], 0
    for start, end in sorted(spans):
        if end <= at:
            continue
        start = max(start, at)
        parts += [text[at:start], "_" * (end - start)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _look_alike_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the look-alikes in ``text`` (dates, times, UUIDs, case numbers), one pass.

    Every look-alike holds a "-" (dates, UUIDs, case numbers), a ":" (times), a "/" or a "."
    (case numbers): text without them is not searched."""
    if "-" not in text and ":" not in text and "/" not in text and "." not in text:
        return []
    return [m.span() for m in LOOK_ALIKE.finditer(text)]


_blocked_spans = functools.lru_cache(maxsize=1 << 16)(_look_alike_spans)


def builtin_entities(phone_regions: list[str], ignore_private_ips: bool) -> dict[str, Entity]:
    """The built-in entities, configured."""
    ip_valid = make_ip_validator(ignore_private_ips)
    email = Entity("email", EMAIL, valid_email, mask_email, joined=True)
    iban = Entity("iban", IBAN, valid_iban, mask_iban, joined=True)
    card = Entity(
        "credit_card",
        CARD,
        valid_card,
        mask_card,
        before=(iban,),
        look_alikes_first=True,
        joined=True,
    )
    ssn = Entity("us_ssn", SSN, valid_ssn, lambda v: "***-**-****", joined=True)
    ip = Entity("ip_address", f"{IPV4}|{IPV6}", ip_valid, mask_ip, lean=(":", IPV4), joined=True)
    phone_valid = make_phone_validator(phone_regions)
    phone = Entity(
        "phone",
        PHONE_FILTER,
        phone_valid,
        mask_phone,
        PHONE_EXTRACT,
        (email, iban, card, ssn, ip),
        look_alikes_first=True,
        joined=True,
    )
    return {
        "email": email,
        "credit_card": card,
        "us_ssn": ssn,
        "iban": iban,
        "ip_address": ip,
        "phone": phone,
    }


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": lambda v: luhn(_NON_DIGIT.sub("", v)),
    "credit_card": valid_card,
    "us_ssn": valid_ssn,
    "iban": valid_iban,
    "email": valid_email,
}


def custom_entity(name: str, pattern: str, validator: str | None) -> Entity:
    """A policy-defined entity: a regex plus an optional built-in validator."""
    check = VALIDATORS[validator] if validator else (lambda v: True)
    return Entity(name, pattern, check, mask_all)


# --------------------------------------------------------------------------- column names

# Column names are compared as tokens: camelCase and separators split, lower-cased, so
# `EmailAddr` is (email, addr) and an e-mail signal, `last_login` is not a surname column,
# and `product_name` is not a person's name. The first signal that matches wins.
NAME_SIGNALS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e mail", "emailaddress", "mail address", "mail"),  # mail: whole only
    "phone": ("phone", "phonenumber", "mobile", "tel", "telephone", "cell phone", "fax"),
    "date_of_birth": (
        "dob", "date of birth", "dateofbirth", "birth", "birthdate", "birthday", "born",
        "birth date", "birth year", "geburtsdatum", "fecha nacimiento",
    ),
    "name": (
        "first", "last", "surname", "forename", "fname", "lname", "firstname", "lastname",
        "fullname", "givenname", "familyname", "maidenname", "middlename", "given name",
        "family name", "first name", "last name", "full name", "middle name", "maiden name",
        "name",
    ),
    "ip_address": ("ip", "ip address", "ipaddress", "ipaddr"),
    "address": ("address", "addr", "street", "streetaddress", "home address"),
    "postcode": (
        "zip", "zipcode", "zip code", "postcode", "post code", "postal code", "postalcode",
    ),
    "passport": ("passport", "passport no", "passport number"),
    "us_ssn": ("ssn", "social security", "socialsecurity", "social security number"),
    "national_id": (
        "national id", "nationalid", "nin", "tax id", "taxid", "nino", "id card", "idcard",
        "driver license", "drivers license", "driving licence",
    ),
}  # fmt: skip
# what `..._name` means when it is not a person's name
NOT_PERSON = frozenset(
    {
        "product", "file", "model", "company", "brand", "item", "feature", "column", "table",
        "dataset", "data", "city", "country", "street", "host", "domain", "class", "category",
        "event", "project", "job", "app", "device", "org", "organisation", "organization",
        "business", "shop", "store", "team", "group", "field", "key", "type", "bank", "merchant",
        "vendor", "drug", "test", "task", "metric", "run", "artifact", "label", "stage", "place",
        "school", "hospital", "station", "region", "state", "variable", "var", "param", "service",
        "package", "branch", "tag", "queue", "bucket", "object", "node", "cluster", "sheet", "tab",
        "page", "site", "course", "game", "song", "album", "book", "movie", "title", "font",
        "color", "colour", "display", "screen", "account", "code", "short", "long", "path", "dir",
        "folder", "image", "layer", "module", "function", "method",
        # found naming things in published tables (R's datasets): counties, institutions,
        # manufacturers, pets, species, statistical areas, studies, covered entities
        "county", "town", "village", "district", "province", "territory", "municipality",
        "csa", "cbsa", "msa", "metro", "area", "zone", "inst", "institution", "facility",
        "clinic", "study", "trial", "mfr", "manufacturer", "maker", "animal", "pet", "dog",
        "cat", "horse", "breed", "species", "genus", "common", "scientific", "latin", "plant",
        "crop", "gene", "protein", "disease", "storm", "hurricane", "entity", "agency",
        "department", "dept", "program", "programme", "club", "league", "venue", "airport",
        "airline", "ship", "vessel", "vehicle", "party", "show", "series", "episode", "film",
        "journal", "publisher", "channel", "network", "database", "schema", "index", "sensor",
        "location", "industry", "occupation", "language", "currency", "unit", "park", "river",
        "lake",
    }
)  # fmt: skip
# words that make a column's name a figure derived from personal data, not the data itself:
# `has_email_address`, `sent_email`, `phone_service`, `birth_rate`, `BirthWeightOz`,
# `voice_mail_plan`, `frac_black_emp_zip`, `iPhone`, `Mobile_developer`, `foreignBorn`
DERIVED = frozenset(
    {
        "has", "is", "was", "n", "count", "counts", "cnt", "pct", "percent", "frac",
        "fraction", "share", "rate", "ratio", "avg", "mean", "median", "total", "flag",
        "plan", "service", "sent", "received", "opened", "clicked", "bounced", "verified",
        "valid", "invalid", "missing", "length", "len", "format", "provider", "status",
        "developer", "usage", "pieces", "i", "weight", "wt", "oz", "gm", "kg", "lb", "lbs",
        "grams", "order", "ord", "outcome", "exp", "expectancy", "spacing", "interval",
        "foreign", "native", "abroad", "defect", "defects", "consent", "optin", "subscribed",
        "pl", "place", "country", "city",
    }
)  # fmt: skip
# only these whole names: `first` and `last` on their own are name columns, `first_seen` not
WHOLE_ONLY = frozenset({"first", "last", "name", "mail"})

# GDPR Art. 9 special categories of personal data, by column name
SPECIAL_SIGNALS: dict[str, tuple[str, ...]] = {
    "racial_or_ethnic_origin": (
        "race", "racial", "ethnicity", "ethnic", "ethnic origin", "ethnic group", "skin color",
        "skin colour", "skin tone",
    ),
    "political_opinion": (
        "political", "politics", "party affiliation", "political party", "voting",
    ),
    "religion_or_belief": ("religion", "religious", "faith", "denomination", "belief"),
    "trade_union_membership": ("union", "trade union", "union member", "union membership"),
    "genetic_data": ("genetic", "genome", "genotype", "dna", "gene", "genomic"),
    "biometric_data": (
        "biometric", "fingerprint", "faceprint", "face embedding", "iris scan", "voiceprint",
        "retina", "face encoding",
    ),
    "health": (
        "health", "diagnosis", "diagnoses", "disease", "illness", "medical", "medication",
        "disability", "disabled", "pregnancy", "pregnant", "hiv", "icd", "icd10", "icd9",
        "symptom", "symptoms", "mental health", "blood type", "bmi", "comorbidity",
        "comorbidities", "prescription",
    ),
    "sex_life_or_orientation": (
        "sexual orientation", "sexuality", "sex life", "lgbt", "lgbtq", "orientation sexual",
    ),
}  # fmt: skip


def column_tokens(column: str) -> list[str]:
    """A column name as lower-case tokens (camelCase and separators split; a digit then a
    capital is no boundary, `X3Ssn` is not an SSN; a number at a token's end is dropped,
    `phone2` and `name_child1` are a phone and a name)."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", column))
    tokens = [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]
    return [re.sub(r"(?<=[a-z])\d+$", "", t) for t in tokens]


def _has(tokens: list[str], phrase: str) -> bool:
    words = phrase.split()
    return any(tokens[i : i + len(words)] == words for i in range(len(tokens) - len(words) + 1))


def column_signal(column: str) -> str | None:
    """The kind of personal data a column's name suggests, or None."""
    tokens = column_tokens(column)
    if any(t in DERIVED for t in tokens):
        return None
    for signal, phrases in NAME_SIGNALS.items():
        for phrase in phrases:
            if phrase in WHOLE_ONLY:
                if phrase == "name":
                    hit = "name" in tokens and not any(t in NOT_PERSON for t in tokens)
                elif phrase == "mail":  # `mail` alone; `piecesOfMail` is post
                    hit = tokens == ["mail"]
                else:
                    hit = tokens == [phrase] or tokens[-2:] == [phrase, "name"]
            else:
                hit = _has(tokens, phrase)
            if hit:
                return signal
    return None


def names_things(column: str) -> bool:
    """Whether a column's name says its values name things, not people: `county_name`,
    `animal_name`, `Name_of_Covered_Entity`, `title`, `country`. Such a column is not
    judged for person names (its pets, towns and films are named like people), unless its
    name also signals personal data (:func:`scan_signal` asks :func:`column_signal` first)."""
    tokens = column_tokens(column)
    if len(tokens) == 1:
        return tokens[0] in NOT_PERSON
    return "name" in tokens and any(t in NOT_PERSON for t in tokens)


def scan_signal(column: str) -> str | None:
    """The signal a column's scan goes by: :func:`column_signal`, or else ``"things"`` when
    the column names things (:func:`names_things`)."""
    return column_signal(column) or ("things" if names_things(column) else None)


def special_category(column: str) -> str | None:
    """The GDPR Art. 9 special category a column's name suggests, or None."""
    tokens = column_tokens(column)
    for category, phrases in SPECIAL_SIGNALS.items():
        if any(_has(tokens, phrase) for phrase in phrases):
            return category
    return None


# --------------------------------------------------------------------------- scanning


@dataclass
class Findings:
    """Counts, the first positions (ten at most, ascending) and masked examples of one entity
    in one place."""

    count: int = 0
    rows: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    texts: int = field(default=0, compare=False)  # texts recorded (see :func:`record`)

    def merge(self, other: Findings) -> None:
        """Add ``other``'s findings (the first ten positions of both, examples capped)."""
        self.rows = sorted(set(self.rows).union(other.rows))[:10]
        for masked in other.examples:
            if len(self.examples) < 3 and masked not in self.examples:
                self.examples.append(masked)
        self.count += other.count
        self.texts += other.texts

    def add(self, position: int, masked: str) -> None:
        self.count += 1
        rows = self.rows
        if position not in rows and (len(rows) < 10 or position < rows[-1]):
            bisect.insort(rows, position)
            del rows[10:]
        if len(self.examples) < 3 and masked not in self.examples:
            self.examples.append(masked)


Allow = Callable[[str], bool]


def allow_nothing(value: str) -> bool:
    """The allow-list of a policy without one (the scan skips asking it)."""
    return False


def as_array(values: Any) -> Any:
    """A pyarrow string array (or :class:`Cells`) from an array or a list of strings."""
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray | Cells):
        return values
    return pa.array(values, type=pa.string())


class Cells:
    """A column as its distinct texts and the rows of each.

    Real columns repeat their values (templates, categories, copied notes): the column-wise
    filters then run over the distinct texts only, not over every cell, and each matching
    text hands out its rows (ascending) as :func:`candidates` does for a plain array, in the
    same order (first appearance), so findings are the same either way."""

    def __init__(self, texts: Any, codes: Any) -> None:
        import numpy as np

        self.texts = texts  # pyarrow string array of the distinct non-null texts
        valid = codes >= 0
        self.counts = np.bincount(codes[valid], minlength=len(texts))
        rows = np.flatnonzero(valid)
        self._rows = rows[np.argsort(codes[valid], kind="stable")]
        self._starts = np.concatenate([[0], np.cumsum(self.counts)])

    def rows(self, code: int) -> Any:
        """Row indices of distinct text ``code``, ascending."""
        return self._rows[self._starts[code] : self._starts[code + 1]]

    def __len__(self) -> int:
        return int(self._starts[-1])


# a column is scanned as its distinct texts when they are at most this share of its cells
DISTINCT_SHARE = 0.8


def distinct_cells(array: Any) -> Any:
    """``array`` as :class:`Cells` when its values repeat enough to gain, else as it is."""
    import numpy as np
    import pyarrow as pa

    if isinstance(array, Cells) or len(array) < 1000:
        return array
    encoded = array.dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    if len(encoded.dictionary) > DISTINCT_SHARE * len(array):
        return array
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return Cells(encoded.dictionary, codes)


def count_where(array: Any, test: Callable[[Any], Any]) -> int:
    """How many cells of ``array`` (an array or :class:`Cells`) pass ``test``, a pyarrow
    compute function from strings to booleans."""
    import numpy as np
    import pyarrow.compute as pc

    if isinstance(array, Cells):
        flags = pc.fill_null(test(array.texts), False).to_numpy(zero_copy_only=False)
        return int(array.counts[np.asarray(flags, dtype=bool)].sum())
    return int(pc.sum(test(array)).as_py() or 0)


def candidates(array: Any, pattern: str, regex: re.Pattern[str] | None = None) -> Any:
    """(distinct text, array indices) of the cells matching ``pattern``.

    The pattern runs column-wise (pyarrow's RE2); each distinct text is handed out once, so
    columns that repeat values (templates, categories, copied notes) are validated once per
    value, and the result is spread over its rows (first appearance first)."""
    import numpy as np

    texts = array.texts if isinstance(array, Cells) else array
    flags = _matches(texts, pattern, regex).astype(np.int64)
    yield from _flagged(array, flags, 1)


def record(
    found: Findings,
    rows: Any,
    values: list[str],
    positions: Any,
    mask: Callable[[str], str] | None = None,
) -> None:
    """Count ``values`` (one text's, masked by ``mask`` or already masked) in each of
    ``rows`` (array indices, ascending: a numpy array or a list).

    Texts come in the order of their first cell (as :func:`candidates` hands them out), so
    the first ten positions are among the rows of the first ten texts: after those, once
    ``found`` keeps three examples, values are only counted (and not masked)."""
    found.texts += 1
    if found.texts > 10 and len(found.examples) >= 3:
        found.count += len(rows) * len(values)
        return
    masks = [mask(v) for v in values] if mask is not None else values
    for index in list(rows[:10]):
        row = int(positions[index]) if positions is not None else int(index)
        for masked in masks:
            found.add(row, masked)
    found.count += (len(rows) - min(len(rows), 10)) * len(masks)


# Cells that are nothing but digits are judged per column for phones and cards: in a column
# of ids, some ids are valid phone numbers or pass Luhn by chance (10-digit random ids: about
# 40 % are valid NANP numbers; 16-digit ones: about 5 % look like cards), while in a column
# of phone or card numbers nearly all are. Below this share of valid cells (with at least
# BARE_MIN such cells), the column's all-digit cells are ids, not findings.
BARE_SHARE = 0.6
BARE_MIN = 20
BARE_DIGITS = frozenset({"phone", "credit_card"})


def scan_strings(
    values: Any, entities: dict[str, Entity], allowed: Allow, positions: Any = None
) -> dict[str, Findings]:
    """Scan a pyarrow string array (or its :class:`Cells`); ``positions`` maps array index
    -> row number.

    Each entity's filter runs column-wise (RE2) and flags the texts it may hold. Then each
    entity is searched in the texts it flagged, all of them joined into one string (a
    newline between two texts is, to every built-in pattern, what the end of a text is): one
    regex pass and no Python per text. Entities whose findings blank another's candidates
    (``before``) go first; a text with look-alikes or such findings is blanked before it is
    joined. The findings are those of :meth:`Entity.find` on every cell (a test compares
    them), in the same order."""
    import numpy as np

    array = as_array(values)
    texts = array.texts if isinstance(array, Cells) else array
    chosen = list(entities.values())
    slots = _slots(chosen)
    flags, raw_bit, look_bit = _flags(texts, chosen, slots)
    hits = _Hits.of(array, flags, (1 << len(chosen)) - 1)
    if hits is None:
        return {}
    slot_of = {id(e): k for k, e in enumerate(slots)}
    blocking = {slot_of[id(o)] for e in slots for o in e.before}
    blanks: dict[int, dict[int, list[tuple[int, int]]]] = {}  # slot -> text -> finding spans
    looks: dict[int, list[tuple[int, int]]] = {}
    has_look = (hits.bits >> look_bit & 1).astype(bool)
    out: dict[str, Findings] = {}
    for k in _slot_order(slots, slot_of):
        entity = slots[k]
        wanted = (hits.bits >> k & 1).astype(bool) if k < len(chosen) else None
        search = wanted.copy() if wanted is not None else np.zeros(len(hits.texts), bool)
        if k in blocking:
            search |= (hits.bits >> raw_bit[k] & 1).astype(bool)
        where = np.flatnonzero(search)
        if where.size == 0:
            continue
        # what is blanked before the search: look-alikes, the blocking entities' findings
        skips: dict[int, list[tuple[int, int]]] = {}
        if entity.look_alikes_first:
            for i in where[has_look[where]].tolist():
                if i not in looks:
                    looks[i] = _look_alike_spans(hits.texts[i])
                if looks[i]:
                    skips[i] = looks[i]
        for other in entity.before:
            for i, spans in blanks.get(slot_of[id(other)], {}).items():
                skips[i] = skips.get(i, []) + spans
        found = _search(entity, hits.texts, where, skips)
        if k in blocking:
            by_text: dict[int, list[tuple[int, int]]] = {}
            for i, start, end, _ in found:
                by_text.setdefault(i, []).append((start, end))
            blanks[k] = by_text
        if wanted is not None:
            result = _findings(entity, hits, wanted, found, allowed, positions)
            if result.count:
                out[entity.name] = result
    return {e.name: out[e.name] for e in chosen if e.name in out}


def _slots(chosen: list[Entity]) -> list[Entity]:
    """The chosen entities, then the entities whose findings blank theirs (transitively)."""
    slots = list(chosen)
    todo = [o for e in chosen for o in e.before]
    while todo:
        other = todo.pop(0)
        if all(other is not e for e in slots):
            slots.append(other)
            todo += other.before
    return slots


def _slot_order(slots: list[Entity], slot_of: dict[int, int]) -> list[int]:
    """Slot indices, each after the slots whose findings blank its candidates."""
    order: list[int] = []

    def visit(k: int) -> None:
        if k in order:
            return
        for other in slots[k].before:
            visit(slot_of[id(other)])
        order.append(k)

    for k in range(len(slots)):
        visit(k)
    return order


def _search(
    entity: Entity, texts: list[str], where: Any, skips: dict[int, list[tuple[int, int]]]
) -> list[tuple[int, int, int, str]]:
    """(text, start, end, value) of ``entity``'s validated values in ``texts[where]``, each
    text blanked at its ``skips`` first, in text and then position order."""
    import numpy as np

    if not entity.joined:  # a policy's own pattern may read a newline: text by text
        return [
            (i, start, end, value)
            for i in where.tolist()
            for start, end, value in entity.spans(texts[i], skips.get(i))
        ]
    ids = where.tolist()
    groups = [ids]
    if entity.lean[0]:  # the texts without the character are searched by the lean pattern
        mark = entity.lean[0]
        groups = [[i for i in ids if mark not in texts[i]], [i for i in ids if mark in texts[i]]]
    out: list[tuple[int, int, int, str]] = []
    for group in groups:
        if not group:
            continue
        parts = [texts[i] if i not in skips else _blank(texts[i], skips[i]) for i in group]
        lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
        spans = entity.spans("\n".join(parts))
        if not spans:
            continue
        at = np.searchsorted(starts, [s for s, _, _ in spans], side="right") - 1
        origin = starts[at].tolist()
        out += [
            (group[w], s - o, e - o, v)
            for w, o, (s, e, v) in zip(at.tolist(), origin, spans, strict=True)
        ]
    if len(groups) > 1:
        out.sort(key=lambda hit: (hit[0], hit[1]))
    return out


def _findings(
    entity: Entity,
    hits: _Hits,
    wanted: Any,
    found: list[tuple[int, int, int, str]],
    allowed: Allow,
    positions: Any,
) -> Findings:
    """Record ``entity``'s values in the texts ``wanted`` says it was chosen for (allowed
    values dropped), with the per-column judgement of all-digit cells."""
    import numpy as np

    per_text: dict[int, list[str]] = {}
    for i, _, _, value in found:
        if wanted[i] and (allowed is allow_nothing or not allowed(value)):
            per_text.setdefault(i, []).append(value)

    def is_bare(i: int) -> bool:
        return entity.name in BARE_DIGITS and hits.texts[i].strip().isdigit()

    result, bare = Findings(), Findings()
    for i, values in per_text.items():
        record(bare if is_bare(i) else result, hits.rows(i), values, positions, entity.mask)
    if bare.count:  # only then are all the searched all-digit cells counted
        tested = int(hits.counts[[i for i in np.flatnonzero(wanted).tolist() if is_bare(i)]].sum())
        valid = int(hits.counts[[i for i in per_text if is_bare(i)]].sum())
        if tested < BARE_MIN or valid / tested >= BARE_SHARE:
            result.merge(bare)
    return result


def _flags(texts: Any, chosen: list[Entity], slots: list[Entity]) -> tuple[Any, list[int], int]:
    """Each text's flags (numpy int64): bit ``j`` when chosen entity ``j``'s filter matched
    it (on the texts with look-alikes masked, for :data:`MASKED_FILTER`), a bit per blocking
    entity whose raw pattern occurs in it (``raw_bit``: a slot's bit, or -1), and one bit
    (``look_bit``) when it holds a look-alike at all.

    One RE2 pass with every pattern at once first: the other passes (and the mask) run on
    the texts it matched only (masking never makes a filter match where the raw text did
    not: the mask keeps the characters around a look-alike, so it joins nothing)."""
    import numpy as np
    import pyarrow as pa

    every = texts
    union = _union_hits(texts, slots)
    if union is not None and union.sum() < 0.8 * len(texts):
        every = texts.filter(pa.array(union))
    masked = None
    if MASKED_FILTER.intersection(e.name for e in chosen):
        masked = mask_look_alikes(every)
    flags = np.zeros(len(every), dtype=np.int64)
    for bit, entity in enumerate(chosen):
        narrow = masked if entity.name in MASKED_FILTER else None
        flags |= _matches(every, entity.pattern, entity.regex, narrow).astype(np.int64) << bit
    blocking = {id(o) for e in slots for o in e.before}
    raw_bit, bit = [], len(chosen)
    for k, entity in enumerate(slots):
        if id(entity) not in blocking:
            raw_bit.append(-1)
        elif k < len(chosen) and entity.name not in MASKED_FILTER:
            raw_bit.append(k)  # its filter ran on the raw texts
        else:
            flags |= _matches(every, entity.pattern, entity.regex).astype(np.int64) << bit
            raw_bit.append(bit)
            bit += 1
    # look-alikes (dates, times, UUIDs, case numbers): where the RE2 mask changed a text
    if masked is not None:
        flags |= _changed(every, masked).astype(np.int64) << bit
    else:
        flags |= np.int64(1) << bit
    if every is not texts:
        full = np.zeros(len(texts), dtype=np.int64)
        full[np.flatnonzero(union)] = flags
        flags = full
    return flags, raw_bit, bit


def _union_hits(texts: Any, entities: list[Entity]) -> Any:
    """Which texts any of ``entities``' patterns matches (numpy bool), None when RE2 cannot
    run one of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    union = "|".join(f"(?:{e.pattern})" for e in entities)
    try:
        return _bools(pc.match_substring_regex(texts, union))
    except pa.ArrowInvalid:
        return None


def _changed(texts: Any, masked: Any) -> Any:
    """Which texts the look-alike mask changed (numpy bool)."""
    import pyarrow.compute as pc

    return _bools(pc.not_equal(texts, masked))


def _matches(
    texts: Any, pattern: str, regex: re.Pattern[str] | None = None, filtered: Any = None
) -> Any:
    """Which of ``texts`` match ``pattern`` (RE2, column-wise; on ``filtered``, the same
    texts with look-alikes masked, when given), as a numpy bool array. A pattern RE2 cannot
    run (a policy's own) is searched by Python's ``regex``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        mask = pc.match_substring_regex(texts if filtered is None else filtered, pattern)
    except pa.ArrowInvalid:
        compiled = regex or re.compile(pattern)
        mask = pa.array([bool(compiled.search(v)) if v else False for v in texts.to_pylist()])
    return _bools(mask)


def _bools(mask: Any) -> Any:
    """A pyarrow boolean array (or chunked array) as numpy, nulls false."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pc.fill_null(mask, False)
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


class _Hits:
    """The distinct texts of the cells whose flags meet a mask, in the order of each one's
    first cell (the order of :func:`candidates`), with the flags of that cell, how many
    cells hold each text and (``rows(i)``) their array indices, ascending."""

    def __init__(self, texts: list[str], bits: Any, counts: Any, rows: Callable[[int], Any]):
        self.texts, self.bits, self.counts, self.rows = texts, bits, counts, rows

    @classmethod
    def of(cls, array: Any, flags: Any, wanted: int) -> _Hits | None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        hits = np.flatnonzero(flags & wanted)
        if hits.size == 0:
            return None
        if isinstance(array, Cells):  # distinct texts already: hand out each one's rows
            texts = pc.take(array.texts, pa.array(hits)).to_pylist()
            return cls(
                [t or "" for t in texts],
                flags[hits],
                array.counts[hits],
                lambda i: array.rows(int(hits[i])),
            )
        encoded = pc.take(array, pa.array(hits)).dictionary_encode()
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        texts = [t or "" for t in encoded.dictionary.to_pylist()]
        if len(texts) == len(hits):  # no text repeats: each is one cell, in order
            return cls(texts, flags[hits], np.ones(len(hits), np.int64), lambda i: [hits[i]])
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes, kind="stable")
        counts = np.bincount(codes, minlength=len(texts))
        starts = np.concatenate([[0], np.cumsum(counts)])
        firsts = hits[order[starts[:-1]]]
        return cls(texts, flags[firsts], counts, lambda i: hits[order[starts[i] : starts[i + 1]]])


def _flagged(array: Any, flags: Any, wanted: int) -> Any:
    """(distinct text, array indices) of the cells whose flags meet ``wanted`` (:class:`_Hits`)."""
    hits = _Hits.of(array, flags, wanted)
    if hits is None:
        return
    for i, text in enumerate(hits.texts):
        yield text, hits.rows(i)


def scan_bare_ssns(values: Any, allowed: Allow, positions: Any = None) -> Findings | None:
    """SSNs written as nine bare digits (``123456789``) that pass the SSN rules, in a column
    whose name says it holds SSNs: elsewhere nine digits are ids, and only SSNs with
    separators are findings."""
    array = as_array(values)
    found = Findings()
    for text, rows in candidates(array, r"^\s*\d{9}\s*$"):
        value = text.strip()
        if value.isascii() and valid_ssn(value) and not allowed(value):
            record(found, rows, ["***-**-****"], positions)
    return found if found.count else None


# --------------------------------------------------------------------------- labels


@functools.cache
def _label_entities() -> tuple[Entity, ...]:
    found = builtin_entities(list(DEFAULT_LABEL_REGIONS), ignore_private_ips=False)
    # the order matters: structured entities first, phones (the loosest pattern) last
    order = ("email", "iban", "credit_card", "us_ssn", "ip_address", "phone")
    return tuple(found[name] for name in order)


DEFAULT_LABEL_REGIONS = ("US", "GB", "DE", "FR", "IN")


def mask_text(text: str) -> str:
    """``text`` with every value a built-in entity finds replaced by that entity's mask.

    Group names (a sensitive column's or a slice's values) pass through this before they
    enter a report, so an e-mail used as a group is shown as ``j***@e***.com``.
    """
    spans: list[tuple[int, int, str]] = []
    blocked = _blocked_spans(text)
    for entity in _label_entities():
        if not entity.regex.search(text):
            continue
        taken = [(s, e) for s, e, _ in spans] + (blocked if entity.look_alikes_first else [])
        spans += [(s, e, entity.mask(v)) for s, e, v in entity.spans(text, taken)]
    for start, end, masked in sorted(spans, reverse=True):
        text = text[:start] + masked + text[end:]
    return text


def masked_labels(values: list[str]) -> list[str]:
    """Group labels with personal data masked; masked labels that collide get ``#2``, ``#3``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for value in values:
        label = mask_text(value)
        if label != value:
            seen[label] = seen.get(label, 0) + 1
            label = label if seen[label] == 1 else f"{label} #{seen[label]}"
        out.append(label)
    return out
