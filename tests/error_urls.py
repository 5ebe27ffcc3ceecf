"""The real URLs plus one view that fails, to see the 500 page (tests only)."""

from django.urls import path

from peerassist.urls import handler400, handler403, handler404, handler500, urlpatterns


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("test-boom/", boom), *urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
