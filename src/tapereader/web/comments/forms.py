"""The reply form (WordPress's fields and wording) and the author's reply in the admin."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

from .conf import comment_settings
from .sanitizer import clean_name, clean_website, plain_text


class CommentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100,
                           error_messages={"required": "Please enter your name."})
    email = forms.EmailField(label="Email", max_length=254, error_messages={
        "required": "Please enter your email address.",
        "invalid": "Please enter a valid email address."})
    website = forms.CharField(label="Website", max_length=500, required=False)
    comment = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 7}),
                              error_messages={"required": "Please type your comment."})
    notify = forms.BooleanField(label="Notify me of replies by email", required=False,
                                initial=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    ts = forms.CharField(required=False, widget=forms.HiddenInput)
    # the honeypot: hidden from people (the hidden attribute), bots fill it
    homepage = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "reply-%s")  # ids of their own: other forms share the page
        super().__init__(*args, **kwargs)
        n = comment_settings().max_length
        body = self.fields["comment"]
        body.max_length = n
        body.validators.append(MaxLengthValidator(n))
        body.widget.attrs["maxlength"] = str(n)
        self.fields["name"].widget.attrs.update(autocomplete="name", maxlength=100)
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["website"].widget = forms.URLInput(attrs={"autocomplete": "url"})
        self.fields["homepage"].widget.attrs.update(tabindex="-1", autocomplete="off")

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Please enter your name.")
        return name

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_website(self) -> str:
        raw = self.cleaned_data["website"].strip()
        if not raw:
            return ""
        url = clean_website(raw)
        if not url:
            raise forms.ValidationError(
                "Please enter a full web address starting with http:// or https://.")
        return url

    def clean_comment(self) -> str:
        text = plain_text(self.cleaned_data["comment"], keep_newlines=True).strip()
        if not text:
            raise forms.ValidationError("Please type your comment.")
        return text


class AuthorReplyForm(forms.Form):
    comment = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 8}))

    def clean_comment(self) -> str:
        return plain_text(self.cleaned_data["comment"], keep_newlines=True).strip()
