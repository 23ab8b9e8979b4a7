from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self):
        from django.contrib.auth import signals

        from plans import audit, two_step

        # Django's own signals, so a failed sign-in is recorded whatever else (django-axes)
        # is listening.
        signals.user_logged_in.connect(audit.signed_in, dispatch_uid="audit_signed_in")
        signals.user_logged_out.connect(audit.signed_out, dispatch_uid="audit_signed_out")
        signals.user_login_failed.connect(audit.sign_in_failed, dispatch_uid="audit_failed")
        signals.user_logged_in.connect(
            two_step.signed_in_with_password, dispatch_uid="two_step_signed_in"
        )
