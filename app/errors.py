"""Friendly error pages; never a stack trace."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_error):
        return _page(
            400, "Something in that request was not right", "Please go back and try again."
        )

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _page(
            400,
            "This form has expired",
            "Please reload the page and try again. Nothing was saved.",
        )

    @app.errorhandler(403)
    def forbidden(_error):
        return _page(403, "Not allowed", "Your account cannot open this page.")

    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, "Page not found", "There is nothing here, or it is not yours to see.")

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return _page(405, "Not allowed", "That page cannot be used that way.")

    @app.errorhandler(413)
    def too_large(_error):
        return _page(413, "File too large", "Files up to 10 MB can be uploaded.")

    @app.errorhandler(429)
    def too_many(_error):
        return _page(
            429,
            "Too many attempts",
            "Please wait a few minutes before trying again.",
        )

    @app.errorhandler(500)
    def server_error(_error):
        return _page(500, "Something went wrong", "The problem has been logged. Please try again.")
