from django.urls import path

from mingjing.opinions import views

app_name = "opinions"
urlpatterns = [
    path("meetings/<int:meeting_id>/opinions/", views.campaign_list, name="list"),
    path("meetings/<int:meeting_id>/opinions/new/", views.campaign_new, name="campaign_create"),
    path("meetings/<int:meeting_id>/opinions/feedback/<int:entry_id>/", views.feedback, name="feedback"),
    path("opinions/campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("opinions/campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("opinions/campaigns/<int:campaign_id>/delete/", views.campaign_remove, name="campaign_delete"),
    path("opinions/campaigns/<int:campaign_id>/close/", views.campaign_close_view, name="close"),
    path("opinions/campaigns/<int:campaign_id>/reopen/", views.campaign_reopen_view, name="reopen"),
    path("opinions/campaigns/<int:campaign_id>/units/add/", views.unit_new, name="unit_add"),
    path("opinions/units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("opinions/units/<int:unit_id>/delete/", views.unit_remove, name="unit_delete"),
    path("opinions/campaigns/<int:campaign_id>/opinions/", views.opinion_list, name="opinions"),
    path("opinions/campaigns/<int:campaign_id>/opinions/new/", views.opinion_new, name="opinion_create"),
    path("opinions/<int:opinion_id>/edit/", views.opinion_edit, name="opinion_edit"),
    path("opinions/<int:opinion_id>/delete/", views.opinion_remove, name="opinion_delete"),
    path("opinions/campaigns/<int:campaign_id>/import/", views.import_view, name="import"),
    path("opinions/campaigns/<int:campaign_id>/import/template/", views.import_template, name="import_template"),
    path("opinions/campaigns/<int:campaign_id>/ballots/", views.ballots, name="ballots"),
    path("opinions/campaigns/<int:campaign_id>/form/", views.printable_form, name="printable"),
    path("opinions/campaigns/<int:campaign_id>/items/", views.item_list, name="items"),
    path("opinions/campaigns/<int:campaign_id>/items/new/", views.item_new, name="item_create"),
    path("opinions/items/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("opinions/items/<int:item_id>/delete/", views.item_remove, name="item_delete"),
    path("o/<str:token>/", views.public_form, name="public_form"),
]
