"""Masking of personal numbers in lists (手机号脱敏): selectors mask, so every page, export and API
list shows the same thing."""


def mask_phone(phone: str | None) -> str:
    """138****5678 for an 11-digit mobile; other numbers keep only their last four digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) == 11 and digits.isdigit():
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_id_number(number: str | None) -> str:
    """Resident ID (18 characters): keep the first six (region) and last four."""
    if not number:
        return ""
    value = number.strip()
    if len(value) <= 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
