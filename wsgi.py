"""WSGI entry point for production servers: `gunicorn -c gunicorn.conf.py wsgi:app`."""
import gc

from eduflow import create_app

app = create_app()
# Everything alive now lives as long as the worker: the app, and the large tables its libraries load at import
# (pypinyin's 47,000 phrases, zxcvbn's dictionaries: about 300,000 objects). Left in the collector's view, every
# full collection walks them all, a ~100 ms pause in the middle of some request every few dozen pages; frozen,
# the collector only looks at what requests allocate (https://docs.python.org/3/library/gc.html#gc.freeze).
gc.freeze()
