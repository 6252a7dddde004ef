"""The subscribe form (the box on every post and /subscribe/) and the preference form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from phonenumber_field.formfields import PhoneNumberField

from . import disclosures
from .models import Channel, Disclosure, Topic


class SubscribeForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = PhoneNumberField(label="Mobile phone (optional)", required=False,
                             region=None, widget=forms.TextInput(
                                 attrs={"autocomplete": "tel", "inputmode": "tel"}))
    topics = forms.MultipleChoiceField(label="What to receive", choices=Topic.choices,
                                       widget=forms.CheckboxSelectMultiple, required=False,
                                       initial=[Topic.DAILY])
    email_consent = forms.BooleanField(required=False, initial=False)
    sms_consent = forms.BooleanField(required=False, initial=False)
    email_disclosure = forms.CharField(widget=forms.HiddenInput, max_length=64)
    sms_disclosure = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    page = forms.CharField(widget=forms.HiddenInput, max_length=1024, required=False)
    # a honeypot: hidden from people by the stylesheet, filled in by naive bots
    website = forms.CharField(label="Leave this field empty", required=False, max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "tabindex": "-1"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].region = settings.TAPEREADER_PHONE_REGION
        self.email_text = disclosures.disclosure_text(Channel.EMAIL)
        self.sms_text = disclosures.disclosure_text(Channel.SMS)
        if not self.is_bound:
            self.initial.setdefault("email_disclosure", disclosures.sha256_text(self.email_text))
            self.initial.setdefault("sms_disclosure", disclosures.sha256_text(self.sms_text))
        self.email_disclosure_obj: Disclosure | None = None
        self.sms_disclosure_obj: Disclosure | None = None

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email_consent"):
            self.add_error("email_consent", "Tick this box to receive the note by email.")
        if data.get("sms_consent") and not data.get("phone"):
            self.add_error("phone", "Enter your mobile number to receive texts, "
                                    "or untick the text message box.")
        if data.get("email_consent"):
            self.email_disclosure_obj = disclosures.by_hash(Channel.EMAIL,
                                                            data.get("email_disclosure", ""))
            if self.email_disclosure_obj is None:
                self.add_error(None, "The consent text changed since this page was loaded: "
                                     "please read it again and resubmit.")
        if data.get("sms_consent") and data.get("phone"):
            self.sms_disclosure_obj = disclosures.by_hash(Channel.SMS,
                                                          data.get("sms_disclosure", ""))
            if self.sms_disclosure_obj is None:
                self.add_error(None, "The consent text changed since this page was loaded: "
                                     "please read it again and resubmit.")
        return data

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone")
        return phone.as_e164 if phone else ""


class PreferencesForm(forms.Form):
    email_on = forms.BooleanField(label="Email me the note and the alerts I chose",
                                  required=False)
    sms_on = forms.BooleanField(label="Text me (to the confirmed number)", required=False)
    topics = forms.MultipleChoiceField(label="What to receive", choices=Topic.choices,
                                       widget=forms.CheckboxSelectMultiple, required=False)
