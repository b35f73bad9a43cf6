from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Form,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from app.admin import services
from app.models import Role, School
from app.passwords import password_problem
from app.web import number_arg

NO_SCHOOL = ""


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _raise_if(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


def school_choices(schools: list[School], empty_label: str) -> list[SelectChoice]:
    """Return select options for `schools`, labelled with name and URN, after an empty one."""
    return [SelectChoice(NO_SCHOOL, empty_label)] + [
        SelectChoice(str(s.id), f"{s.name} ({s.urn})") for s in schools
    ]


class SchoolForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the school's name."),
            Length(max=services.NAME_MAX, message="Use at most %(max)d characters."),
        ],
    )
    urn = StringField("URN", filters=[_strip], validators=[DataRequired("Enter the URN.")])

    def validate_urn(self, field) -> None:
        _raise_if(services.urn_problem(field.data))


class UserForm(FlaskForm):
    """A new staff account. A lead's form has no role or school: the view removes them."""

    name = StringField(
        "Name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the person's name."),
            Length(max=services.NAME_MAX, message="Use at most %(max)d characters."),
        ],
    )
    email = EmailField(
        "Email",
        filters=[services.normalise_email],
        validators=[DataRequired("Enter the email address.")],
    )
    role = SelectField(
        "Role", choices=[SelectChoice(r.value, r.label) for r in Role], default=Role.TEACHER.value
    )
    school = SelectField("School", choices=school_choices([], "No school"), default=NO_SCHOOL)
    password = PasswordField("Password", validators=[DataRequired("Enter a password.")])

    def set_schools(self, schools: list[School]) -> None:
        self.school.choices = school_choices(schools, "No school")

    @property
    def school_id(self) -> int | None:
        return int(self.school.data) if self.school.data else None

    def validate_email(self, field) -> None:
        _raise_if(services.email_problem(field.data, current_user))

    def validate_school(self, field) -> None:
        if self.role.data in {r.value for r in Role}:
            _raise_if(services.school_choice_problem(Role(self.role.data), self.school_id))

    def validate_password(self, field) -> None:
        _raise_if(password_problem(field.data))


class MoveStudentForm(FlaskForm):
    """Where a student is moving and why (the reason is kept in the audit log)."""

    school = SelectField("Move to", choices=school_choices([], "Choose a school"))
    reason = TextAreaField(
        "Why is the student moving?",
        filters=[_strip],
        validators=[DataRequired("Say why the student is moving: it is kept in the audit log.")],
    )

    def set_schools(self, schools: list[School]) -> None:
        self.school.choices = school_choices(schools, "Choose a school")

    @property
    def school_id(self) -> int | None:
        return number_arg(self.school.data)


class AuditFilterForm(Form):
    """The audit log's filter, read from the query string (a GET form needs no CSRF token)."""

    school = SelectField("School", choices=school_choices([], "All schools"), default=NO_SCHOOL)

    def set_schools(self, schools: list[School]) -> None:
        self.school.choices = school_choices(schools, "All schools")

    @property
    def school_id(self) -> int | None:
        return number_arg(self.school.data)
