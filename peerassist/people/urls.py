from django.urls import path

from peerassist.people import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("pick/", views.person_pick, name="pick"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("import/", views.import_people, name="import"),
]
