import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from peerassist.core.health import static_manifest_problem
from peerassist.core.metrics import mark_process_dead


class Command(BaseCommand):
    help = "Run the web server (uvicorn on the ASGI application)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")

    def handle(self, *args, **options):
        import uvicorn

        if not settings.DEBUG:
            # Without the manifest every page is a 500, and a manifest collected later is
            # only read at start: refuse now, with the fix, instead of serving errors.
            problem = static_manifest_problem()
            if problem:
                raise CommandError(problem)
        self.stdout.write(
            f"peerassist on http://{options['host']}:{options['port']}/ "
            f"(DEBUG={'on' if settings.DEBUG else 'off'}); Ctrl-C stops it."
        )
        try:
            self._run(uvicorn, options)
        finally:
            mark_process_dead()

    def _run(self, uvicorn, options):
        uvicorn.run(
            "peerassist.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            reload=options["reload"],
            # X-Forwarded-Proto/For set the scheme and client address only behind a proxy we
            # were told about, and only when the connection comes from one of its addresses.
            proxy_headers=settings.BEHIND_TLS_PROXY,
            forwarded_allow_ips=",".join(settings.TRUSTED_PROXIES),
            lifespan="off",  # Django does not use ASGI lifespan events
            # Room events are small JSON; compressing each frame for every socket costs
            # more CPU than it saves (bench/live_fanout.py).
            ws_per_message_deflate=False,
            log_level="info",
            server_header=False,  # no "Server: uvicorn": it tells attackers what to try
        )
