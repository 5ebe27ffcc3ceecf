from django.urls import path

from peerassist.reports import views as views_reports

app_name = "reports"

urlpatterns = [
    path("", views_reports.report_page, name="report"),
    path("report.<str:fmt>", views_reports.report_download, name="report_download"),
    path("dashboard/", views_reports.dashboard_page, name="dashboard"),
    path(
        "assists/<int:assist_id>/writeup.<str:fmt>",
        views_reports.writeup_download,
        name="writeup_export",
    ),
]
