from django.urls import path

from peerassist.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="report"),
    path("report.<str:fmt>", views.report_download, name="report_download"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path(
        "assists/<int:assist_id>/writeup.<str:fmt>",
        views.writeup_download,
        name="writeup_export",
    ),
]
