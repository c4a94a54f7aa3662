from django import forms
from django.utils.translation import gettext_lazy as _

from enquiries.models import Enquiry
from lifevalley.models import Sector
from zones.models import Project, Zone


class EnquiryForm(forms.ModelForm):
    """What a company tells the park. ``homepage`` is a honeypot: people never see it."""

    homepage = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    consent = forms.BooleanField(
        label=_("I agree that the park may contact me about this enquiry."),
        error_messages={"required": _("Please agree to be contacted, or we cannot answer.")},
    )
    zone = forms.ModelChoiceField(
        queryset=Zone.objects.none(), required=False, to_field_name="slug",
        widget=forms.HiddenInput,
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, to_field_name="slug",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Enquiry
        fields = ["organisation", "contact_person", "email", "phone", "sector", "space_wanted",
                  "area_m2", "timeline", "message", "consent", "zone", "project"]
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["sector"].empty_label = _("Other or not sure")
        self.fields["zone"].queryset = Zone.objects.published()
        self.fields["project"].queryset = Project.objects.published()
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["contact_person"].widget.attrs["autocomplete"] = "name"

    @property
    def is_bot(self):
        return bool(self.data.get("homepage"))

    def clean(self):
        cleaned = super().clean()
        project, zone = cleaned.get("project"), cleaned.get("zone")
        if project and not zone:
            cleaned["zone"] = project.zone
        return cleaned
