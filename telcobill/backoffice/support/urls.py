from django.urls import path

from . import conversation

urlpatterns = [
    path("<int:pk>/", conversation.page, name="support_conversation"),
    path("<int:pk>/prendre/", conversation.take_it, name="support_take"),
    path("<int:pk>/attribuer/", conversation.assign_it, name="support_assign"),
    path("<int:pk>/statut/", conversation.change_status, name="support_status"),
]
