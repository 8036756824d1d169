from django.urls import path

from erp.messaging.views import appointment_reply_view

urlpatterns = [
    path("appointments/reply/<str:token>/", appointment_reply_view, name="appointment-reply"),
]
