from django.urls import path

from peerassist.core import views

app_name = "core"

urlpatterns = [
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
]
