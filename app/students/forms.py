from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app import academic
from app.dates import UKDateField
from app.upn import InvalidUPN, normalise_upn

YEAR_GROUPS = [SelectChoice(str(y), f"Year {y}") for y in range(7, 14)]


def _upn(_form, field) -> None:
    try:
        field.data = normalise_upn(field.data)
    except InvalidUPN as error:
        raise ValidationError(str(error)) from error


class StudentForm(FlaskForm):
    upn = StringField("UPN", validators=[DataRequired("Enter the UPN"), _upn])
    first_name = StringField(
        "First name", validators=[DataRequired("Enter the first name"), Length(max=100)]
    )
    last_name = StringField(
        "Last name", validators=[DataRequired("Enter the last name"), Length(max=100)]
    )
    preferred_name = StringField("Preferred name", validators=[Optional(), Length(max=100)])
    date_of_birth = UKDateField("Date of birth", validators=[Optional()])
    year_group = SelectField("Year group", choices=YEAR_GROUPS)
    sex = SelectField(
        "Sex (as in the school census)",
        choices=[
            SelectChoice("", "Not recorded"),
            SelectChoice("F", "Female"),
            SelectChoice("M", "Male"),
        ],
        default="",
    )
    pupil_premium = BooleanField("Pupil Premium")
    pupil_premium_as_at = UKDateField("Pupil Premium recorded as at", validators=[Optional()])
    fsm_ever6 = BooleanField("FSM ever 6 (free school meals in the last six years)")
    looked_after = BooleanField("Looked after")
    previously_looked_after = BooleanField("Previously looked after")
    sen = SelectField(
        "SEN provision",
        choices=[
            SelectChoice("", "Not recorded"),
            SelectChoice("N", "No SEN (N)"),
            SelectChoice("K", "SEN support (K)"),
            SelectChoice("E", "EHC plan (E)"),
        ],
        default="",
    )
    ks2_maths = IntegerField(
        "KS2 maths scaled score",
        validators=[Optional(), NumberRange(80, 120, "A KS2 scaled score is from 80 to 120")],
    )
    is_target = BooleanField("Target student")
    target_reason = StringField(
        "Reason for changing the target mark",
        validators=[Optional(), Length(max=200, message="At most 200 characters")],
    )
    survey_opt_out = BooleanField("Opted out of surveys")
    left_on = UKDateField("Date left the school", validators=[Optional()])
    # The version of the student the form showed, so a save over a newer change is refused.
    version = HiddenField()

    def fill_from(self, student, today: date) -> None:
        """Set the fields from `student` (for a GET of the edit page)."""
        for name in (
            "upn",
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "pupil_premium",
            "pupil_premium_as_at",
            "fsm_ever6",
            "looked_after",
            "previously_looked_after",
            "ks2_maths",
            "is_target",
            "survey_opt_out",
            "left_on",
        ):
            getattr(self, name).data = getattr(student, name)
        self.year_group.data = str(min(max(student.year_group(today), 7), 13))
        self.sen.data = student.sen or ""
        self.sex.data = student.sex or ""
        self.version.data = student.version

    def student_data(self, today: date) -> dict:
        """Return the validated values as Student attributes."""
        return {
            "upn": self.upn.data,
            "first_name": self.first_name.data.strip(),
            "last_name": self.last_name.data.strip(),
            "preferred_name": (self.preferred_name.data or "").strip() or None,
            "date_of_birth": self.date_of_birth.data,
            "entry_year": academic.entry_year_for(int(self.year_group.data), today),
            "pupil_premium": self.pupil_premium.data,
            "pupil_premium_as_at": self.pupil_premium_as_at.data,
            "fsm_ever6": self.fsm_ever6.data,
            "looked_after": self.looked_after.data,
            "previously_looked_after": self.previously_looked_after.data,
            "sen": self.sen.data or None,
            "sex": self.sex.data or None,
            "ks2_maths": self.ks2_maths.data,
            "is_target": self.is_target.data,
            "survey_opt_out": self.survey_opt_out.data,
            "left_on": self.left_on.data,
        }


class ConfirmTargetsForm(FlaskForm):
    """Confirm a cohort's target list: how its target students were chosen."""

    criteria = TextAreaField(
        "How were these target students chosen?",
        validators=[
            DataRequired("Say how the target students were chosen"),
            Length(max=1000, message="At most 1000 characters"),
        ],
    )
