"""WSGI entry point for production servers: `gunicorn wsgi:app`."""
from eduflow import create_app

app = create_app()
