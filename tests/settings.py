"""Test settings: the real settings, with a fixed key and a fast password hasher."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "false")
if "PEERASSIST_VAR_DIR" not in os.environ:
    _var_dir = tempfile.mkdtemp(prefix="peerassist-test-var-")
    atexit.register(shutil.rmtree, _var_dir, ignore_errors=True)
    os.environ["PEERASSIST_VAR_DIR"] = _var_dir

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
# Tasks run at once in tests (Django's own backend); tests of the worker use the database one.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
