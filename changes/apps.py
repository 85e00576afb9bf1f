from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = "changes"

    def ready(self):
        from simple_history.signals import pre_create_historical_record

        from changes.scope import link_historical_record

        pre_create_historical_record.connect(link_historical_record)
