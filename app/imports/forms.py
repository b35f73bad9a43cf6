"""The forms of every import's pages: the upload, and the confirmation of a preview."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

CHOOSE_FILE = "Choose a CSV or XLSX file"
CHOOSE_SCHOOL = "Choose the school the file is for"


def upload_form(field_name: str, label: str) -> type[FlaskForm]:
    """Return the upload form of one import: a required file field sent as `field_name`
    (the importer's purpose, e.g. "roster"), read in views as `form.file`."""

    class UploadForm(FlaskForm):
        file = FileField(label, name=field_name, validators=[FileRequired(CHOOSE_FILE)])

    return UploadForm


def school_upload_form(field_name: str, label: str) -> type[FlaskForm]:
    """The upload form for an account of no school (the programme admin): the school the
    file is for, then the file. The view fills the school's choices."""

    class SchoolUploadForm(upload_form(field_name, label)):
        school = SelectField(
            "School", coerce=int, choices=[], validators=[InputRequired(CHOOSE_SCHOOL)]
        )

    return SchoolUploadForm


class ConfirmForm(FlaskForm):
    """The confirmation of a previewed import; the pressed button (mode "all" or "valid")
    says which rows."""
