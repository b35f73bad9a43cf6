"""Gunicorn's settings, read from the project folder (`gunicorn … wsgi:app`).

A worker that answers nothing for `timeout` seconds is killed and replaced. Imports write in
short committed chunks and undo them if one fails; a worker killed part-way could not undo
them, so the timeout allows the longest import (20,000 rows, about 30 seconds on a busy
2-core machine) several times over.
"""

timeout = 120
graceful_timeout = 60
