from django.urls import include, path

from .views import billruns, credit_notes, disputes, documents, home, lines, receivables, refunds, transfers

app_name = "backoffice"
urlpatterns = [
    path("", home.index, name="index"),
    path("billruns/", billruns.billrun_list, name="billrun_list"),
    path("billruns/start/", billruns.billrun_start, name="billrun_start"),
    path("billruns/<str:cycle>/", billruns.billrun_detail, name="billrun_detail"),
    path("billruns/<str:cycle>/hold/", billruns.billrun_hold, name="billrun_hold"),
    path("billruns/<str:cycle>/release/", billruns.billrun_release, name="billrun_release"),
    path("billruns/<str:cycle>/approve/", billruns.billrun_approve, name="billrun_approve"),
    path("documents/<str:number>/pdf/", documents.document_pdf, name="document_pdf"),
    path("documents/<str:number>/xml/", documents.document_xml, name="document_xml"),
    path("documents/<str:number>/ubl/", documents.document_ubl, name="document_ubl"),
    path("ereporting/<int:pk>/file/", documents.ereport_file, name="ereport_file"),
    path("print/<str:cycle>/<str:what>/", documents.print_batch_file, name="print_batch_file"),
    path("invoices/<str:number>/credit-note/", credit_notes.credit_note, name="credit_note"),
    path("lines/suspend/", lines.suspend_lines, name="line_suspend"),
    path("lines/terminate/", lines.terminate_lines, name="line_terminate"),
    path("transfers/<int:pk>/assign/", transfers.assign, name="transfer_assign"),
    path("disputes/<int:pk>/close/", disputes.close, name="dispute_close"),
    path("accounts/<str:number>/refund/", refunds.refund_account, name="account_refund"),
    path("receivables/", receivables.receivables, name="receivables"),
    path("support/", include("telcobill.backoffice.support.urls")),
]
