from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError


class WaveField(SelectField):
    """The wave (a term of an academic year) chosen from a list, never typed."""

    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _label in self.choices or ()}:
            raise ValidationError(
                "Choose the wave from the list: a term of this academic year or the last"
            )


class OpenSessionForm(FlaskForm):
    instrument = SelectField("Questionnaire", validators=[DataRequired("Choose a questionnaire")])
    group = SelectField("Group", coerce=int, validators=[DataRequired("Choose a group")])
    # Choices (`surveys.waves.wave_choices`) and the default (this term) are set by the view.
    wave = WaveField("Wave")


class JoinForm(FlaskForm):
    class_code = StringField(
        "Class code",
        validators=[DataRequired("Enter the class code"), Length(max=20)],
    )
    personal_code = StringField(
        "Personal code",
        validators=[DataRequired("Enter your personal code"), Length(max=20)],
    )
