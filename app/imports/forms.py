"""The forms of every import's pages: the upload, and the confirmation of a preview."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

CHOOSE_FILE = "Choose a CSV or XLSX file"


def upload_form(field_name: str, label: str) -> type[FlaskForm]:
    """Return the upload form of one import: a required file field sent as `field_name`
    (the importer's purpose, e.g. "roster"), read in views as `form.file`."""

    class UploadForm(FlaskForm):
        file = FileField(label, name=field_name, validators=[FileRequired(CHOOSE_FILE)])

    return UploadForm


class ConfirmForm(FlaskForm):
    """The confirmation of a previewed import; the pressed button (mode "all" or "valid")
    says which rows."""
