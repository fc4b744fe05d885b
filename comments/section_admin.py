"""Section desks and comment hours in the admin: the queue's filter by section (opening on the
moderator's own sections, with the count waiting in each), the desks editors assign, and the
hours of the site (in the discussion settings) and of each section."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blog.models import Category
from comments import selectors
from comments.models import DiscussionSettings, SectionDesk, SectionHours
from comments.models.hours import WEEKDAYS, days_of
from comments.section_desks import ALL_SECTIONS, MODERATE_PERMISSION, SECTION_PARAMETER

MINE = "mine"
WITHOUT = "none"


class SectionFilter(admin.SimpleListFilter):
    """The queue by section. A moderator with a desk opens it on their sections ("All
    sections" is one click away); every choice says how many comments wait there."""

    title = _("section")
    parameter_name = SECTION_PARAMETER

    def __init__(self, request, params, model, model_admin):
        self.desk = selectors.desk_sections(request.user)
        self.waiting = selectors.pending_by_section()
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        choices = []
        if self.desk:
            mine = sum(count for pk, (_n, count) in self.waiting.items() if pk in self.desk)
            choices.append((MINE, gettext("My sections (%(count)d waiting)") % {"count": mine}))
        names = {pk: name for pk, (name, _count) in self.waiting.items() if pk is not None}
        unnamed = self.desk - set(names)
        if unnamed:  # the desk's sections where nothing waits
            names |= dict(Category.objects.filter(pk__in=unnamed).values_list("pk", "name"))
        for pk, name in sorted(names.items(), key=lambda item: item[1].lower()):
            count = self.waiting.get(pk, ("", 0))[1]
            label = gettext("%(name)s (%(count)d waiting)") % {"name": name, "count": count}
            choices.append((str(pk), label))
        if None in self.waiting:
            count = self.waiting[None][1]
            label = gettext("Without a section (%(count)d waiting)") % {"count": count}
            choices.append((WITHOUT, label))
        return choices

    def has_output(self) -> bool:
        return bool(self.lookup_choices) or bool(self.desk)

    def chosen(self) -> str | None:
        """The section shown: what the address asks, else the moderator's own."""
        value = self.value()
        if value is None and self.desk:
            return MINE
        return value

    def queryset(self, request, queryset):
        value = self.chosen()
        if value in (None, ALL_SECTIONS):
            return queryset
        if value == MINE:
            return queryset.filter(article__category_id__in=self.desk)
        if value == WITHOUT:
            return queryset.filter(article__category__isnull=True)
        if not (value.isascii() and value.isdigit()) or int(value) >= 2**63:
            raise IncorrectLookupParameters(value)
        return queryset.filter(article__category_id=int(value))

    def choices(self, changelist):
        value = self.chosen()
        yield {
            "selected": value in (None, ALL_SECTIONS),
            "query_string": (
                changelist.get_query_string({self.parameter_name: ALL_SECTIONS})
                if self.desk
                else changelist.get_query_string(remove=[self.parameter_name])
            ),
            "display": _("All sections"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class WeekdaysField(forms.MultipleChoiceField):
    """Boxes to tick; "6,7" (as stored) or an empty value read as what they mean."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.split(",")
        return [day for day in super().to_python(value) if day.strip()]


class HoursForm(forms.ModelForm):
    """The closed days as boxes to tick, stored as "6,7"."""

    closed_days = WeekdaysField(
        label=_("closed all day on"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Days (in the site's time zone) when discussions stay closed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.initial.get("closed_days") or ""
        if isinstance(stored, str):
            self.initial["closed_days"] = [str(day) for day in sorted(days_of(stored))]

    def clean_closed_days(self) -> str:
        return ",".join(sorted(self.cleaned_data["closed_days"]))


class DiscussionSettingsForm(HoursForm):
    class Meta:
        model = DiscussionSettings
        fields = ["closed_from", "closed_until", "closed_days"]  # the admin adds its fieldsets' own


class SectionHoursForm(HoursForm):
    class Meta:
        model = SectionHours
        fields = ["category", "closed_from", "closed_until", "closed_days"]


@admin.register(SectionHours)
class SectionHoursAdmin(admin.ModelAdmin):
    """A section's own comment hours, in place of the site's (empty: always open)."""

    form = SectionHoursForm
    list_display = ["category", "closed_from", "closed_until", "days"]
    list_select_related = ["category"]

    @admin.display(description=_("closed all day on"))
    def days(self, hours):
        names = dict(WEEKDAYS)
        return ", ".join(str(names[str(day)]) for day in sorted(days_of(hours.closed_days)))


@admin.register(SectionDesk)
class SectionDeskAdmin(admin.ModelAdmin):
    """Which sections each moderator looks after: editors assign them."""

    list_display = ["moderator", "sections"]
    list_select_related = ["moderator"]
    filter_horizontal = ["categories"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description=_("sections"))
    def sections(self, desk):
        return ", ".join(category.name for category in desk.categories.all())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "moderator":
            # Only people who moderate comments have a desk.
            kwargs["queryset"] = (
                get_user_model()
                ._default_manager.with_perm(
                    MODERATE_PERMISSION,
                    is_active=True,
                    include_superusers=True,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
