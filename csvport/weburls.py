"""The one rule for web addresses, wherever one is entered or shown: a full http:// or
https:// URL. The CSV importers, the models (so the admin's forms) and the pages' links
(the `web_url` template filter) all use it, so what one accepts the others accept, and a
`javascript:` or `ftp:` address written by any other means never becomes a link."""

import functools

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SCHEMES = ("http", "https")

# Its own code: a form field's message for "invalid" ("Enter a valid URL.") would
# replace this one's, which says what is accepted.
validate_web_url = URLValidator(
    schemes=list(SCHEMES),
    message="Enter a full web address starting with http:// or https://.",
    code="not_web_address",
)


@functools.lru_cache(maxsize=100_000)
def is_web_url(text: str) -> bool:
    # Many rows cite one source: validating each address once saves most of the work.
    try:
        validate_web_url(text)
    except ValidationError:
        return False
    return True


def link_target(text) -> str:
    """The address, when it may be a link's target; "" otherwise."""
    if not isinstance(text, str) or not text:
        return ""
    return text if is_web_url(text) else ""
