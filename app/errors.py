"""Friendly error pages; never a stack trace."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

# Status -> (title, message) of the page every part of the app shows for it.
PAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("Not allowed", "Your account cannot open this page."),
    404: ("Page not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: ("File too large", "Files up to 10 MB can be uploaded."),
    429: ("Too many attempts", "Please wait a few minutes before trying again."),
    500: ("Something went wrong", "The problem has been logged. Please try again."),
}


def error_page(status: int, title: str | None = None, message: str | None = None):
    """Return the app's page for an error status (a blueprint's own handler may fall back on
    it), with the usual title and message unless others are given."""
    usual_title, usual_message = PAGES.get(status, PAGES[500])
    return render_template(
        "errors/error.html",
        status=status,
        title=title or usual_title,
        message=message or usual_message,
    ), status


def init_app(app: Flask) -> None:
    for status in PAGES:
        app.register_error_handler(status, lambda error, status=status: error_page(status))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return error_page(
            400, "This form has expired", "Please reload the page and try again. Nothing was saved."
        )
