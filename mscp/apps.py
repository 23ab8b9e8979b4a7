from django.apps import AppConfig


class MscpConfig(AppConfig):
    name = "mscp"
    verbose_name = "Site"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from mscp.sessions import record_sign_in

        user_logged_in.connect(record_sign_in, dispatch_uid="mscp.sessions.record_sign_in")
