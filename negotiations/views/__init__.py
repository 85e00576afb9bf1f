"""Analyst pages of the tracker, one module per resource."""


def wants_fragment(request) -> bool:
    """Whether to answer an HTMX request with the swapped part alone. A history restore
    after a cache miss sends HX-Request too, but needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
