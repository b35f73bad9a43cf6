from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.models import GroupKind


class GroupForm(FlaskForm):
    name = StringField(
        "Group name", validators=[DataRequired("Enter a name for the group"), Length(max=100)]
    )
    kind = SelectField(
        "Kind of group",
        choices=[SelectChoice(k.value, k.label) for k in GroupKind],
        default="class",
    )
