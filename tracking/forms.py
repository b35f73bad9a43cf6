"""Forms of the tracker. Each record form knows its fields, how to fill itself from a stored
record (`fill`) and the values it gives the services (`values`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.dates import UKDateField
from tracking.grades import GradeKind, Qualification, Tier
from tracking.vocabulary import (
    Award,
    DestinationType,
    EnrichmentKind,
    Evidence,
    InterventionType,
    Post16Status,
    Post16Subject,
    SubjectCategory,
    UcasStatus,
)
from tracking.vocabulary import choices as coded


def _date(label: str, message: str) -> UKDateField:
    return UKDateField(label, validators=[DataRequired(message)])


def choices(kind) -> list[SelectChoice]:
    """The options of a select of coded values (see tracking.vocabulary.LABELS)."""
    return [SelectChoice(value, text) for value, text in coded(kind)]


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


class RecordForm(FlaskForm):
    """A form for one kind of student record; subclasses list their fields in `names`."""

    names: tuple[str, ...] = ()
    text_names: tuple[str, ...] = ()
    # The version of the record an edit form showed, so a save over a newer change is refused.
    version = HiddenField()

    def fill(self, record: Any) -> None:
        """Set the fields from a stored record (for the edit form)."""
        for name in self.names:
            value = getattr(record, name)
            getattr(self, name).data = "" if value is None else value
        self.version.data = record.version

    def values(self) -> dict[str, Any]:
        """Return the validated values as record attributes (blank text as None)."""
        out = {}
        for name in self.names:
            value = getattr(self, name).data
            out[name] = _text(value) if name in self.text_names or value == "" else value
        return out


class GradeForm(RecordForm):
    names = ("qualification", "kind", "grade", "tier", "recorded_on", "term")
    text_names = ("grade", "tier", "term")
    qualification = SelectField(
        "Qualification", choices=choices(Qualification), default="gcse_maths"
    )
    kind = SelectField("Kind of grade", choices=choices(GradeKind))
    grade = StringField("Grade", validators=[DataRequired("Enter a grade"), Length(max=3)])
    tier = SelectField(
        "Tier (GCSE Maths)",
        choices=[SelectChoice("", "No tier"), *choices(Tier)],
        default="",
    )
    recorded_on = _date("Date (or first day of the term)", "Enter the date the grade is for")
    term = StringField("Term (optional)", validators=[Optional(), Length(max=30)])


class Post16Form(RecordForm):
    names = ("subject", "status", "provider", "recorded_on")
    text_names = ("provider",)
    subject = SelectField("Course", choices=choices(Post16Subject))
    status = SelectField("Status", choices=choices(Post16Status))
    provider = StringField("Where (school, college)", validators=[Optional(), Length(max=200)])
    recorded_on = _date("Date", "Enter the date")


class UcasForm(RecordForm):
    names = ("course", "provider", "subject", "subject_category", "status", "recorded_on")
    text_names = ("course", "provider", "subject")
    course = StringField("Course", validators=[DataRequired("Enter the course"), Length(max=200)])
    provider = StringField(
        "University or college", validators=[DataRequired("Enter the provider"), Length(max=200)]
    )
    subject = StringField("Subject (e.g. Physics)", validators=[Optional(), Length(max=100)])
    subject_category = SelectField("Subject category", choices=choices(SubjectCategory))
    status = SelectField("Status", choices=choices(UcasStatus))
    recorded_on = _date("Date", "Enter the date")


class DestinationForm(RecordForm):
    names = ("type", "subject_category", "subject", "provider", "evidence", "recorded_on")
    text_names = ("subject", "provider", "subject_category")
    type = SelectField("Destination", choices=choices(DestinationType))
    subject_category = SelectField(
        "Subject category",
        choices=[SelectChoice("", "Not applicable or not known"), *choices(SubjectCategory)],
        default="",
    )
    subject = StringField("Subject (e.g. Mathematics)", validators=[Optional(), Length(max=100)])
    provider = StringField("Provider or employer", validators=[Optional(), Length(max=200)])
    evidence = SelectField("Known from", choices=choices(Evidence))
    recorded_on = _date("Date", "Enter the date")


class CompetitionForm(RecordForm):
    names = ("competition", "taken_on", "award", "follow_on")
    text_names = ("competition", "follow_on")
    competition = StringField(
        "Competition (e.g. UKMT Intermediate Maths Challenge)",
        validators=[DataRequired("Enter the competition"), Length(max=120)],
    )
    taken_on = _date("Date taken", "Enter the date")
    award = SelectField("Award", choices=choices(Award))
    follow_on = StringField(
        "Follow-on round qualified for (e.g. Kangaroo, Olympiad)",
        validators=[Optional(), Length(max=120)],
    )


class NoteForm(RecordForm):
    names = ("text",)
    text_names = ("text",)
    text = TextAreaField("Note", validators=[DataRequired("Write the note"), Length(max=5000)])


RECORD_FORMS: dict[str, type[RecordForm]] = {
    "grade": GradeForm,
    "post16": Post16Form,
    "ucas": UcasForm,
    "destination": DestinationForm,
    "competition": CompetitionForm,
    "note": NoteForm,
}


def record_form(kind: str, record_id: int | None = None, **kwargs) -> RecordForm:
    """Return the form of `kind`, prefixed so several forms on one page keep unique ids."""
    prefix = f"{kind}{record_id}" if record_id else f"new-{kind}"
    return RECORD_FORMS[kind](prefix=prefix, **kwargs)


class InterventionForm(FlaskForm):
    type = SelectField("Kind of support", choices=choices(InterventionType))
    subtype = SelectField(
        "Kind of enrichment",
        choices=[SelectChoice("", "Not enrichment"), *choices(EnrichmentKind)],
        default="",
    )
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    held_on = _date("Date", "Enter the date")
    duration_minutes = IntegerField(
        "Duration in minutes",
        validators=[
            DataRequired("Enter the duration in minutes"),
            NumberRange(1, 24 * 60, "Enter a duration from 1 to 1440 minutes"),
        ],
    )
    provider = StringField("Provider", validators=[Optional(), Length(max=200)])
    mentor = StringField("Mentor (peer mentoring)", validators=[Optional(), Length(max=200)])
    group_id = SelectField("Group invited", choices=[], validate_choice=False)
    version = HiddenField()  # of the intervention the form showed, as in RecordForm

    def validate_subtype(self, field) -> None:
        if self.type.data == InterventionType.ENRICHMENT and not field.data:
            raise ValidationError("Choose the kind of enrichment")

    def validate_group_id(self, field) -> None:
        allowed = {choice.value for choice in self.group_id.choices}
        if (field.data or "") not in allowed:
            raise ValidationError("Choose a group from the list")

    def set_groups(self, groups) -> None:
        """Offer `groups` (already scoped to the user) as the invited group."""
        self.group_id.choices = [
            SelectChoice("", "No group"),
            *(SelectChoice(str(g.id), g.name) for g in groups),
        ]

    def fill(self, intervention) -> None:
        for name in ("type", "title", "held_on", "duration_minutes", "provider", "mentor"):
            getattr(self, name).data = getattr(intervention, name)
        self.subtype.data = intervention.subtype or ""
        self.group_id.data = str(intervention.group_id or "")
        self.version.data = intervention.version

    def values(self) -> dict[str, Any]:
        return {
            "type": self.type.data,
            "subtype": self.subtype.data or None,
            "title": self.title.data.strip(),
            "held_on": self.held_on.data,
            "duration_minutes": self.duration_minutes.data,
            "provider": _text(self.provider.data),
            "mentor": _text(self.mentor.data),
            "group_id": int(self.group_id.data) if self.group_id.data else None,
        }


def today_default(form: RecordForm) -> RecordForm:
    """Default an empty date of a new-record form to today."""
    for name in ("recorded_on", "taken_on"):
        if name in form.names and getattr(form, name).data is None:
            getattr(form, name).data = date.today()
    return form
