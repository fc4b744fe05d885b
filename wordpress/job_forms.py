"""The upload form of the admin's imports: what is checked before anything is kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wordpress import conf, job_files
from wordpress.menus import LOCATION_CHOICES
from wordpress.models import ImportJob


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=ImportJob.Kind.choices,
        initial=ImportJob.Kind.WORDPRESS,
        widget=forms.RadioSelect,
    )
    export = forms.FileField(
        label=_("Export file"),
        help_text=_(
            "WordPress: Tools > Export > All content (a .xml file). Disqus: Moderation > Export "
            "(unpack the .xml.gz it sends you)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,text/xml,application/xml"}),
    )
    media = forms.FileField(
        label=_("Zip of uploads (optional, WordPress only)"),
        required=False,
        help_text=_(
            "A zip of the site's wp-content/uploads folder (2019/05/photo.jpg, or "
            "wp-content/uploads/2019/05/photo.jpg inside): featured images and the images in "
            "posts are taken from it into the media library, without their camera data."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    map = forms.FileField(
        label=_("Map of threads (optional, Disqus only)"),
        required=False,
        help_text=_(
            "A CSV file for the threads their links cannot place: one row each, the thread "
            "(its link, identifier or dsq:id) and the article here (its address or slug)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    keep_remote_images = forms.BooleanField(
        label=_("Keep images of other sites as images"),
        required=False,
        help_text=_(
            "By default an image on another site becomes a link to it, so that no page makes "
            "a request to another site."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for place, name in LOCATION_CHOICES:
            self.fields[f"menu_{place}"] = forms.SlugField(
                label=_("WordPress menu for the place “%(place)s” (optional)") % {"place": name},
                required=False,
                help_text=_(
                    "The menu's slug in WordPress. The export does not say which menu the theme "
                    "showed where; without this, a menu is placed by its name (Primary, Main, "
                    "Footer...)."
                ),
            )

    def menu_locations(self) -> dict[str, str]:
        return {
            place: self.cleaned_data[f"menu_{place}"]
            for place, _name in LOCATION_CHOICES
            if self.cleaned_data.get(f"menu_{place}")
        }

    def clean(self):
        data = super().clean()
        kind, export = data.get("kind"), data.get("export")
        if kind and export is not None:
            try:
                job_files.check_export_file(export, kind=kind)
            except job_files.UploadRefused as exc:
                self.add_error("export", str(exc))
        if data.get("media") is not None:
            if kind == ImportJob.Kind.DISQUS:
                self.add_error("media", _("A zip of uploads goes with a WordPress export only."))
            else:
                try:
                    job_files.check_zip(data["media"])
                except job_files.UploadRefused as exc:
                    self.add_error("media", str(exc))
        if data.get("map") is not None:
            if kind == ImportJob.Kind.WORDPRESS:
                self.add_error("map", _("A map of threads goes with a Disqus export only."))
            elif data["map"].size > conf.get("MOVING_MAX_EXPORT_BYTES"):
                self.add_error("map", job_files.too_big(data["map"].size))
        return data
