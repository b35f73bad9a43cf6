"""Benchmark figures: a published figure (a percentage) with its year, geography, population,
definition and source, and the outcome of ours it sits beside (`measure`, a definition id of
tracking.definitions, or none: shown in the benchmarks list only). Seeded by migration
6f7a8b9cadb6 with the figures the programme's published materials state."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import User, utcnow


class Benchmark(db.Model):
    """One benchmark figure. `matches_our_definition` says whether it counts what our figure
    counts; when it does not, `difference` says how it differs (shown as a warning)."""

    __tablename__ = "benchmarks"
    FIELDS = (
        "measure",
        "value",
        "year",
        "geography",
        "population",
        "definition",
        "source",
        "source_url",
        "matches_our_definition",
        "difference",
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str | None] = mapped_column(String(60), index=True)
    # A percentage to one decimal place; read back as a float on both databases.
    value: Mapped[float] = mapped_column(Numeric(4, 1, asdecimal=False))
    year: Mapped[int] = mapped_column(Integer)
    geography: Mapped[str] = mapped_column(String(100))
    population: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(String(500))
    matches_our_definition: Mapped[bool] = mapped_column(Boolean, default=False)
    difference: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    def __repr__(self) -> str:
        return f"<Benchmark {self.measure} {self.value} {self.year} {self.geography!r}>"
