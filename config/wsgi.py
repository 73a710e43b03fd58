import os

from django.core.wsgi import get_wsgi_application

from config.warm import load_and_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
load_and_freeze()
