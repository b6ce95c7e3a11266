"""Masking personal data for roles that do not need it (DESIGN.md "Security")."""


def mask_phone(phone):
    """'19155052501' → '191****2501'; '0632-5512345' → '0632-***2345'; short or empty stays as is."""
    phone = (phone or "").strip()
    digits = [i for i, c in enumerate(phone) if c.isdigit()]
    if len(digits) < 7:
        return phone
    keep_head = 3 if "-" not in phone else phone.index("-") + 1
    hidden = [i for i in digits[:-4] if i >= keep_head]
    return "".join("*" if i in hidden else c for i, c in enumerate(phone))


def mask_id_number(number):
    """A 居民身份证 number: first 6 and last 4 characters shown."""
    number = (number or "").strip()
    if len(number) < 11:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


class Masker:
    """The one place that decides how a page or export shows personal data to its reader.

    `Masker(unmasked)` with `unmasked = get_access(user).sees_personal_data`; every page and export
    that shows a phone or an ID number goes through `.phone()` / `.id_number()` (templates: the
    `{% phone value %}` / `{% id_number value %}` tags, which read the request's `access`)."""

    def __init__(self, unmasked):
        self.unmasked = bool(unmasked)

    def phone(self, value):
        return (value or "") if self.unmasked else mask_phone(value)

    def id_number(self, value):
        return (value or "") if self.unmasked else mask_id_number(value)
