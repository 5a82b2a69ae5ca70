"""Input shape for the org pages only; the import's business checks live in org.importing."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_FILES = 2
MAX_FILE_SIZE = 20 * 1024 * 1024  # a district's units and staff fit in far less


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is reported by the importer, with the other problems, as "The file is empty."
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if not data:
            return [single(None, initial)]  # raises "required"
        files = data if isinstance(data, list | tuple) else [data]
        return [single(file, initial) for file in files]


class OrgImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("One workbook (.xlsx) with the sheets “units” and “people”, or a units CSV and/or a "
                    "people CSV. Hold Ctrl to choose two files."),
        widget=MultipleFileInput(attrs={"accept": ".xlsx,.csv,.txt", "class": "form-control"}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(_("Choose at most two files: a workbook, or a units CSV and a people CSV."))
        for file in files:
            if file.size > MAX_FILE_SIZE:
                raise ValidationError(
                    _("%(name)s is larger than %(max)s; split it into smaller files.")
                    % {"name": file.name, "max": filesizeformat(MAX_FILE_SIZE)}
                )
        return files
