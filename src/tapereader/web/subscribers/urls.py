from django.urls import path

from . import views

app_name = "subscribers"
urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("thanks/", views.thanks, name="thanks"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("preferences/<str:token>/export.<str:fmt>", views.export_data, name="export"),
]
