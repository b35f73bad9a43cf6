"""The roster's search and filters, applied on top of the scoped query."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select

from app import academic
from app.models import Student, fold
from app.web import number_arg, text_arg


@dataclass(frozen=True)
class RosterFilters:
    q: str = ""
    year: int | None = None
    target: bool = False
    pupil_premium: bool = False
    include_left: bool = False
    school_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "RosterFilters":
        """Read the filters from query-string `args`, ignoring values that make no sense."""
        year = number_arg(args.get("year"), maximum=13)
        return cls(
            q=text_arg(args.get("q")),
            year=year if year is not None and year >= 7 else None,
            target=args.get("target") == "1",
            pupil_premium=args.get("pp") == "1",
            include_left=args.get("left") == "1",
            school_id=number_arg(args.get("school")),
        )

    def as_args(self) -> dict:
        """Return the filters as query-string arguments (for links that keep them)."""
        args = {"q": self.q or None, "year": self.year, "school": self.school_id}
        args.update(
            target="1" if self.target else None,
            pp="1" if self.pupil_premium else None,
            left="1" if self.include_left else None,
        )
        return {k: v for k, v in args.items() if v is not None}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def apply_filters(stmt: Select, filters: RosterFilters, today: date) -> Select:
    """Narrow a select of students by the roster filters; order by name."""
    for term in fold(filters.q).split():
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Student.search_text.like(f"%{escaped}%", escape="\\"))
    if filters.year is not None:
        stmt = stmt.where(Student.entry_year == academic.entry_year_for(filters.year, today))
    if filters.target:
        stmt = stmt.where(Student.is_target.is_(True))
    if filters.pupil_premium:
        stmt = stmt.where(Student.pupil_premium.is_(True))
    if not filters.include_left:
        stmt = stmt.where(Student.on_roll(today))
    if filters.school_id is not None:
        stmt = stmt.where(Student.school_id == filters.school_id)
    return stmt.order_by(Student.last_name, Student.first_name, Student.id)
