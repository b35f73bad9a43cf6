"""The grades import's upload form."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class GradesUploadForm(FlaskForm):
    grades = FileField(
        "Grades file (CSV or XLSX)", validators=[FileRequired("Choose a CSV or XLSX file")]
    )
