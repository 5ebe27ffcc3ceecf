from django.urls import path

app_name = "search"

urlpatterns: list = []

# Visiting-peer suggestions (the recommender's own views).
from peerassist.search import recommend_views  # noqa: E402

urlpatterns += [
    path("recommendations/<int:assist_id>/", recommend_views.fragment, name="recommendations")
]
