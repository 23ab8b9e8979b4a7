from django.apps import AppConfig
from django.db.models.signals import post_save


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self):
        # Imported once the apps are ready: they import models.
        from reporting import prerender

        for model in prerender.shown_in_packs():
            uid = f"prerender {model._meta.label}"
            post_save.connect(prerender.saved, sender=model, dispatch_uid=uid)
