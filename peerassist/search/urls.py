from django.urls import path

from peerassist.search import recommend_views, views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    # Visiting-peer suggestions (the recommender's own views).
    path("recommendations/<int:assist_id>/", recommend_views.fragment, name="recommendations"),
]
