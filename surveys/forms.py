from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional


class OpenSessionForm(FlaskForm):
    instrument = SelectField("Questionnaire", validators=[DataRequired("Choose a questionnaire")])
    group = SelectField("Group", coerce=int, validators=[DataRequired("Choose a group")])
    wave = StringField(
        "Wave (optional)",
        validators=[Optional(), Length(max=60, message="Keep the wave under 60 characters")],
    )


class JoinForm(FlaskForm):
    class_code = StringField(
        "Class code",
        validators=[DataRequired("Enter the class code"), Length(max=20)],
    )
    personal_code = StringField(
        "Personal code",
        validators=[DataRequired("Enter your personal code"), Length(max=20)],
    )
