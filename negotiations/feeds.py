"""Atom feeds of the changes: one for everything, one per negotiation (Django's
syndication framework). An entry is a change set: one save in the admin or one import,
told in words, by whom and when, linking to the page that shows it."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from negotiations.lookups import get_negotiation
from negotiations.recent_changes import change_sets, entries

ENTRIES = 30


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Tariff Talks Tracker: recent changes"
    subtitle = "Who changed what in the talks and tariff data, newest first."

    def link(self):
        return reverse("negotiations:changes")

    def items(self, obj=None):
        return entries(change_sets(negotiation=obj)[:ENTRIES], negotiation=obj)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        lines = [change.text for change in item.changes]
        if item.more:
            lines.append(f"… and {item.more:,} more.")
        summary = f"{item.who}, {item.change_set.created_at:%Y-%m-%d %H:%M} UTC"
        return "\n".join([summary, *lines])

    def item_link(self, item):
        return item.url or f"{reverse('negotiations:changes')}#change-set-{item.change_set.pk}"

    def item_guid(self, item):
        return f"change-set-{item.change_set.pk}"

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return item.who

    def item_pubdate(self, item):
        return item.change_set.created_at

    def item_updateddate(self, item):
        return item.change_set.created_at


class NegotiationChangesFeed(ChangesFeed):
    def get_object(self, request, slug):
        return get_negotiation(slug)

    def title(self, obj):
        return f"Tariff Talks Tracker: changes to the {obj.title}"

    def subtitle(self, obj):
        return f"Who changed what in the {obj.title}: rounds, positions, issues, milestones."

    def link(self, obj):
        return f"{reverse('negotiations:changes')}?negotiation={obj.slug}"
