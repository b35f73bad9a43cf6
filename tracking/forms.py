"""Forms of the tracker. Each record form knows its fields, how to fill itself from a stored
record (`fill`) and the values it gives the services (`values`)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
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
from tracking.destinations import hecos
from tracking.exam_series import recent_series, series_label, series_value
from tracking.grades import GradeKind, Qualification, Tier
from tracking.post16.rules import check_ukprn, check_urn
from tracking.vocabulary import (
    Award,
    DestinationStatus,
    DestinationType,
    EnrichmentKind,
    Evidence,
    InterventionType,
    Post16Institution,
    Post16Route,
    Post16Status,
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
    names = ("qualification", "kind", "grade", "tier", "recorded_on", "term", "series")
    text_names = ("grade", "tier", "term", "series")
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
    series = SelectField("Exam series (final grades)", choices=[], default="")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.series.choices = [
            SelectChoice("", "No series (not a final grade)"),
            *(SelectChoice(value, text) for value, text in recent_series(date.today())),
        ]

    def fill(self, record: Any) -> None:
        """As RecordForm.fill, with the series as its value ("2026-06"), offered even when it
        is not one of the recent June and November series."""
        super().fill(record)
        value = series_value(record.series)
        if value and value not in {choice.value for choice in self.series.choices}:
            self.series.choices.append(SelectChoice(value, series_label(record.series)))
        self.series.data = value


class Post16Form(RecordForm):
    """A post-16 route, its status and date, and where: the own sixth form or another school
    or college (its name, and its URN or UKPRN where known)."""

    names = ("route", "status", "institution", "provider", "provider_urn", "provider_ukprn")
    names += ("recorded_on",)
    text_names = ("provider", "provider_urn", "provider_ukprn")
    route = SelectField("Route", choices=choices(Post16Route))
    status = SelectField("Status", choices=choices(Post16Status))
    institution = SelectField(
        "Where",
        choices=[SelectChoice("", "Not known"), *choices(Post16Institution)],
        default="",
    )
    # No Optional(): it would stop the chain before `validate_provider` when empty.
    provider = StringField("Name of the other school or college", validators=[Length(max=200)])
    provider_urn = StringField("Its URN (schools, 6 digits)", validators=[Optional()])
    provider_ukprn = StringField("Its UKPRN (colleges, 8 digits)", validators=[Optional()])
    recorded_on = _date("Date", "Enter the date")

    def validate_provider(self, field) -> None:
        if self.institution.data == Post16Institution.OTHER and not _text(field.data):
            raise ValidationError("Enter the name of the school or college")

    def validate_provider_urn(self, field) -> None:
        self._check_code(field, check_urn)

    def validate_provider_ukprn(self, field) -> None:
        self._check_code(field, check_ukprn)

    def _check_code(self, field, check) -> None:
        try:
            field.data = check(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if field.data and self.institution.data != Post16Institution.OTHER:
            raise ValidationError("Give it only for another school or college")


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


def _hecos_subject(form, field) -> None:
    """A subject typed as a HECoS code or name: matched to one HECoS subject, or an error
    listing the candidates (tracking.destinations.hecos.match)."""
    if (field.data or "").strip():
        try:
            field.subject = hecos.match(field.data)
        except hecos.SubjectError as error:
            raise ValidationError(str(error)) from None
        field.data = field.subject.label


class DestinationForm(RecordForm):
    """A destination: its subject is searched in HECoS (two subjects for joint honours); a
    record from before HECoS keeps its subject and category until a HECoS subject is given."""

    names = ("type", "status", "hecos", "hecos_joint", "provider", "evidence", "recorded_on")
    text_names = ("provider",)
    type = SelectField("Destination", choices=choices(DestinationType))
    status = SelectField(
        "Status",
        choices=[SelectChoice("", "Not recorded"), *choices(DestinationStatus)],
        default=DestinationStatus.CONFIRMED.value,
    )
    hecos = StringField("Subject (HECoS)", validators=[Optional(), Length(max=120), _hecos_subject])
    hecos_joint = StringField(
        "Second subject, joint honours only (HECoS)",
        validators=[Optional(), Length(max=120), _hecos_subject],
    )
    provider = StringField("Provider or employer", validators=[Optional(), Length(max=200)])
    evidence = SelectField("Known from", choices=choices(Evidence))
    recorded_on = _date("Date", "Enter the date")

    def validate_hecos_joint(self, field) -> None:
        if field.data and not self.hecos.data:
            raise ValidationError("Give the first subject too")
        if field.data and field.data == self.hecos.data:
            raise ValidationError("The two subjects of a joint honours course must differ")

    def fill(self, record: Any) -> None:
        kept = {name: getattr(record, name) for name in self.names if "hecos" not in name}
        super().fill(SimpleNamespace(**kept, hecos="", hecos_joint="", version=record.version))
        labels = [s.label for c in hecos.codes_of(record.hecos) if (s := hecos.subject(c))]
        self.hecos.data, self.hecos_joint.data = (labels + ["", ""])[:2]
        self.status.data = record.status or ""

    def values(self) -> dict[str, Any]:
        out = super().values()
        fields = [f for f in (self.hecos, self.hecos_joint) if getattr(f, "subject", None)]
        out.pop("hecos_joint")
        out["status"] = out["status"] or None
        out["hecos"] = hecos.stored(f.subject.code for f in fields)
        if fields:  # else an older record keeps the subject it had
            out["subject"] = " and ".join(f.subject.name for f in fields)
        return out


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
