from django.urls import path

from peerassist.writeups import views

app_name = "writeups"

A = "assists/<int:assist_id>/"

urlpatterns = [
    path(A + "conclusion/", views.conclusion, name="conclusion"),
    path(A + "conclusion/conclude/", views.conclude, name="conclude"),
    path(A + "conclusion/attendance/", views.attendance, name="attendance"),
    path(A + "conclusion/actions/", views.action_add, name="action_add"),
    path(A + "conclusion/actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path(A + "conclusion/pairs/", views.pair_add, name="pair_add"),
    path(A + "conclusion/pairs/<int:pair_id>/remove/", views.pair_remove, name="pair_remove"),
    path(A + "conclusion/feedback/", views.feedback, name="feedback"),
    path(A + "followup/", views.followup, name="followup"),
    path(A + "writeup/", views.writeup, name="writeup"),
    path(A + "writeup/preview/", views.preview, name="preview"),
    path(A + "writeup/draft/", views.draft, name="draft"),
    path(A + "writeup/merge/", views.merge_conclusion, name="merge_conclusion"),
    path(A + "writeup/versions/", views.versions, name="versions"),
    path(A + "writeup/versions/<int:number>/", views.version, name="version"),
    path(A + "writeup/versions/<int:number>/restore/", views.restore, name="restore"),
    path(A + "writeup/publish/", views.publish, name="publish"),
]
