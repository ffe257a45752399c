from django.urls import path

from . import conversations, index, tutorials

urlpatterns = [
    path("", index.help_index, name="help"),
    path("tutoriels/<slug:slug>/", tutorials.tutorial, name="help_tutorial"),
    path("tutoriels/<slug:slug>/video/", tutorials.video, name="help_tutorial_video"),
    path("tutoriels/<slug:slug>/sous-titres.vtt", tutorials.captions, name="help_tutorial_captions"),
    path("demandes/", conversations.conversation_list, name="help_conversations"),
    path("demandes/nouvelle/", conversations.contact, name="help_contact"),
    path("demandes/<int:pk>/", conversations.conversation, name="help_conversation"),
    path("demandes/<int:pk>/clore/", conversations.close, name="help_conversation_close"),
]
