"""The stylesheets: site.css for the shell and shared components, one more per page family,
and no selector styled in two places (two rules for one selector end up conflicting)."""

import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def rules(text: str, context: str = ""):
    """(context, selector) of every rule in `text`; a rule inside @media has the media
    query as its context, since a rule for a narrow screen rightly restates a selector."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    position = 0
    while (brace := text.find("{", position)) != -1:
        prelude = text[position:brace].strip()
        depth, end = 1, brace + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        if prelude.startswith("@"):
            yield from rules(text[brace + 1 : end - 1], " ".join(prelude.split()))
        else:
            for selector in prelude.split(","):
                yield context, " ".join(selector.split())
        position = end


def test_no_selector_is_styled_twice_in_any_stylesheet():
    seen = defaultdict(list)
    for path in sorted(CSS.glob("*.css")):
        for context, selector in rules(path.read_text()):
            seen[(context, selector)].append(path.name)

    twice = {key: files for key, files in seen.items() if len(files) > 1}
    assert not twice, f"styled more than once: {twice}"


def test_the_rule_reader_sees_media_queries_and_selector_lists():
    css = "a, b { x: 1 } /* c { } */ @media (max-width: 40rem) { a { x: 2 } }"

    assert list(rules(css)) == [("", "a"), ("", "b"), ("@media (max-width: 40rem)", "a")]


def test_every_page_adds_at_most_one_stylesheet_and_it_exists():
    linked = defaultdict(list)
    for template in TEMPLATES.rglob("*.html"):
        for name in re.findall(r"static 'css/([\w.-]+)'", template.read_text()):
            linked[template.name].append(name)

    assert linked.pop("base.html") == ["site.css"]
    assert all(len(names) == 1 for names in linked.values()), linked
    assert {name for names in linked.values() for name in names} == {
        path.name for path in CSS.glob("*.css") if path.name != "site.css"
    }
