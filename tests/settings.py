"""Test settings: the real settings, with a fixed key and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("PEERASSIST_VAR_DIR", tempfile.mkdtemp(prefix="peerassist-test-var-"))

from peerassist.settings import *  # noqa: F403
from peerassist.settings import PASSWORD_HASHERS as REAL_PASSWORD_HASHERS

# Argon2 stays available (tests check it is first in the real settings) but
# MD5 makes the hundreds of test logins fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *REAL_PASSWORD_HASHERS]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
