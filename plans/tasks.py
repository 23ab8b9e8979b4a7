"""Background tasks of the plans app: the password reset's email, sent apart from the
request so that its answer takes as long whether or not the address is a member's."""

from django.contrib.auth.forms import PasswordResetForm
from django_tasks import task


@task()
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """Email a reset link to each active member with this address and a password (Django's
    PasswordResetForm finds them; nothing is sent for any other address)."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        )
