"""The forms of two-step verification. They check what was typed is the right shape; the
views check it against the user's devices (plans.two_step), which has side effects (a
used-up backup code, a throttle, the audit log, the lock-out count)."""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from front.forms.base import GovukForm
from plans import two_step

CHOOSING_ADVICE = (
    "At least 12 characters, not a common password and not like your name or email. "
    "Three or four random words are easy to remember and hard to guess."
)
APP_CODE_ERROR = "Enter the 6-digit code your authenticator app shows"


def code_input(css_class, **attrs):
    """A box for a one-time code: offered from the phone's autofill, never spell-checked or
    capitalised."""
    return forms.TextInput(
        attrs={
            "class": css_class,
            "autocomplete": "one-time-code",
            **attrs,
            "spellcheck": "false",
            "autocapitalize": "off",
        }
    )


def app_code_field(label="Code from your authenticator app", **kwargs):
    return forms.CharField(
        label=label,
        max_length=20,
        strip=True,
        error_messages={"required": APP_CODE_ERROR},
        widget=code_input(
            "govuk-input--width-5 govuk-input--extra-letter-spacing", inputmode="numeric"
        ),
        **kwargs,
    )


def clean_app_code(value: str) -> str:
    code = two_step.normalise_app_code(value)
    if value and not two_step.APP_CODE.fullmatch(code):
        raise forms.ValidationError("The code must be 6 digits")
    return code


class AppCodeForm(GovukForm, forms.Form):
    """The first code of an authenticator app being set up."""

    code = app_code_field(help_text="For example, 123456")

    def clean_code(self):
        return clean_app_code(self.cleaned_data["code"])


class SignInCodeForm(GovukForm, forms.Form):
    """The code asked for after the password: the app's, or else a backup code (a form of its
    own on the page, so that the app's field can ask phones for digits only)."""

    code = app_code_field(required=False, help_text="For example, 123456")
    backup_code = forms.CharField(
        label="Backup code",
        required=False,
        max_length=20,
        help_text="One of the backup codes you saved when you turned on two-step "
        "verification: 8 letters and numbers, for example abcd 2345",
        widget=code_input("govuk-input--width-10"),
    )

    def clean_code(self):
        return clean_app_code(self.cleaned_data["code"])

    def clean_backup_code(self):
        typed = self.cleaned_data["backup_code"]
        code = two_step.normalise_backup_code(typed)
        if typed and not two_step.BACKUP_CODE.fullmatch(code):
            raise forms.ValidationError("A backup code is 8 letters and numbers")
        return code

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("backup_code"):
            self.add_error("code", APP_CODE_ERROR)
        return data

    @property
    def backup_chosen(self) -> bool:
        """Whether the backup code's form was the one sent (its part of the page opens)."""
        return bool(self.data.get("backup_code")) or "backup_code" in self.errors

    def typed(self) -> str:
        return self.cleaned_data.get("code") or self.cleaned_data.get("backup_code")


class ConfirmItsYouForm(GovukForm, forms.Form):
    """Before two-step verification is turned off or new backup codes are made: the password,
    or a code from the app (for someone who no longer knows which)."""

    password = forms.CharField(
        label="Your password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = app_code_field(label="Or a code from your authenticator app", required=False)

    def clean_code(self):
        return clean_app_code(self.cleaned_data["code"])

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("password") and not data.get("code"):
            self.add_error("password", "Enter your password, or a code from your app")
        return data


class ResetAskForm(GovukForm, PasswordResetForm):
    """The address to send a reset link to, in GOV.UK's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.help_text = "The one you were invited with, or have changed it to since."
        email.error_messages = {
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        }
        self.style_fields()


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    """A new password, twice, checked by the site's rules (the reset, an invitation)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = CHOOSING_ADVICE
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
        self.style_fields()


class GovukPasswordChangeForm(GovukSetPasswordForm, PasswordChangeForm):
    """The current password, then the new one twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Your current password"


class EmailChangeForm(GovukForm, forms.Form):
    email = forms.EmailField(
        label="New email address",
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="To show it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError("That is your email address already")
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not right")
        return password
