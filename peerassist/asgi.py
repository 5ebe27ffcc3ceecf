"""ASGI entry point, served by uvicorn (`peerassist serve`): pages over HTTP, the live room
over WebSockets (session-authenticated; the Origin's scheme, host and port checked, see
live/origin.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.settings")

django_asgi_app = get_asgi_application()

# These need Django set up first.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from peerassist.core.metrics import WebSocketGauge  # noqa: E402
from peerassist.core.startup import settle_in_background  # noqa: E402
from peerassist.live.auth import SessionAuthMiddleware  # noqa: E402
from peerassist.live.frames import DirectFrames  # noqa: E402
from peerassist.live.origin import OriginValidator  # noqa: E402
from peerassist.live.routing import websocket_urlpatterns  # noqa: E402
from peerassist.reports.typeset import typeset_warm_up_in_background  # noqa: E402
from peerassist.writeups.exports import pdf_warm_up_in_background  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # DirectFrames first: it looks at the server's own `send` (live/frames.py).
        "websocket": DirectFrames(
            WebSocketGauge(OriginValidator(SessionAuthMiddleware(URLRouter(websocket_urlpatterns))))
        ),
    }
)

# The first PDF export after start-up would otherwise wait seconds for WeasyPrint and the
# fonts to load: load them now, off the request path (PDF_WARM_UP=false turns it off).
pdf_warm = pdf_warm_up_in_background()
# The same for the quarterly report's engine (typst: its fonts and template, ~0.3–0.5 s).
report_warm = typeset_warm_up_in_background()
# Then freeze what start-up made out of the full garbage collections (core/startup.py).
settle_in_background(pdf_warm, report_warm)
