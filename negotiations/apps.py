from django.apps import AppConfig


class NegotiationsConfig(AppConfig):
    name = "negotiations"
    verbose_name = "Negotiations"

    def ready(self):
        # The words for the rules this app's database keeps (changes.refusals).
        from negotiations import integrity  # noqa: F401
