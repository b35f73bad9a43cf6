"""The tracker's pages, all on the `tracking` blueprint: a student's timeline with inline add
and edit (`timeline`), interventions and their registers (`interventions`), and the "Needs
attention" list (`needs_attention`). Views are thin: a form validates, a service writes and
audits, the view commits once and redirects (303) or returns a block of the page (htmx)."""

from flask import Blueprint

from tracking import vocabulary

# Named after the area's package, so that its templates/ folder is the blueprint's.
bp = Blueprint("tracking", "tracking", template_folder="templates")


@bp.app_template_filter("tracking_label")
def tracking_label(value: str | None, kind: str) -> str:
    """The name people use for a coded value: `{{ record.status|tracking_label('UcasStatus') }}`."""
    return vocabulary.label(getattr(vocabulary, kind), value)


# The views register themselves on `bp` when imported.
from tracking.routes import interventions, needs_attention, timeline  # noqa: E402, F401
