from django import forms
from django.utils.translation import gettext_lazy as _

from media import pipeline


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleImageField, self).clean(file, initial) for file in files]


class UploadForm(forms.Form):
    """Several images at once; what they share (credit, source) typed once."""

    files = MultipleImageField(
        label=_("Images"),
        help_text=pipeline.UPLOAD_HELP_TEXT,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
