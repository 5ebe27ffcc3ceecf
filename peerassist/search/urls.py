from django.urls import path

from peerassist.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    # Visiting-peer suggestions (the recommender's own views).
    path("recommendations/<int:assist_id>/", views.fragment, name="recommendations"),
]
