from django.urls import path

from peerassist.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("time-zone/", views.time_zone_save, name="time_zone"),
    path("language/", views.language_save, name="language"),
    path("organisation/", views.organisation_settings, name="organisation"),
    path("sso/", views.sso_settings, name="sso"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
