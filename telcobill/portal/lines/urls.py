from django.urls import path

from . import advice, changes, detail, export, listing, suspend

urlpatterns = [
    path("", listing.line_list, name="lines"),
    path("couts-par-ligne.csv", export.charges_csv, name="lines_export"),
    path("<int:pk>/", detail.line_detail, name="line"),
    path("<int:pk>/modifier/", detail.edit_line, name="line_edit"),
    path("<int:pk>/forfait/", changes.change_plan_page, name="line_plan"),
    path("<int:pk>/options/", changes.options_page, name="line_options"),
    path("<int:pk>/suspendre/", suspend.suspend_page, name="line_suspend"),
    path("<int:pk>/conseil/", advice.advice_page, name="line_advice"),
]
