"""The maths-related list (outcome 5): the CAH groups and HECoS codes whose degrees count as
maths-related, each with the reason it is there. Seeded from tracking/data/maths_related.csv
by the migration; admins edit it on the web (audited)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import User, utcnow
from tracking.destinations.hecos import describe


class MathsRelatedSubject(db.Model):
    """One entry of the maths-related list: a CAH code (any level) or a HECoS code."""

    __tablename__ = "maths_related_subjects"
    FIELDS = ("code", "reason")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(11), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    added_by: Mapped[User | None] = relationship()

    @property
    def description(self) -> str:
        """ "CAH07-01 physics and astronomy", as the list shows it."""
        return describe(self.code)
