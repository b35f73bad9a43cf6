from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class UploadForm(FlaskForm):
    roster = FileField(
        "Roster file (CSV or XLSX)", validators=[FileRequired("Choose a CSV or XLSX file")]
    )


class ConfirmForm(FlaskForm):
    """The confirmation of a previewed import; the pressed button says which rows."""
