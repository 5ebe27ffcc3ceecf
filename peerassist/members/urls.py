from django.urls import path

from peerassist.members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("<int:membership_id>/role/", views.role_set, name="role"),
    path("<int:membership_id>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:membership_id>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:membership_id>/resend/", views.resend, name="resend"),
    path("welcome/<uidb64>/<token>/", views.welcome, name="welcome"),
]
