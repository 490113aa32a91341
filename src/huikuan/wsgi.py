"""WSGI entry point for the production server (`huikuan serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
application = get_wsgi_application()
