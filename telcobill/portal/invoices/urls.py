from django.urls import path

from . import views

urlpatterns = [
    path("", views.invoice_list, name="invoices"),
    path("annee/<int:year>.zip", views.year_zip, name="invoices_year_zip"),
    path("<str:number>/", views.invoice_detail, name="invoice"),
    path("<str:number>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("<str:number>/xml/", views.invoice_xml, name="invoice_xml"),
    path("<str:number>/ubl/", views.invoice_ubl, name="invoice_ubl"),
]
