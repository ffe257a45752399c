from django.urls import path

from . import card, debit, dispute, method, plan, timeline

urlpatterns = [
    path("", timeline.payments, name="payments"),
    path("mode/", method.payment_method, name="payment_method"),
    path("mode/<str:account>/prelevement/", debit.debit_setup, name="debit_setup"),
    path("mode/<str:account>/prelevement/<int:challenge>/", debit.debit_confirm, name="debit_confirm"),
    path("mode/<str:account>/carte/", method.card_setup, name="card_setup"),
    path("mandat/<str:reference>.pdf", method.mandate_pdf, name="mandate_pdf"),
    path("carte/<str:account>/", card.pay_by_card, name="pay_by_card"),
    path("echeancier/<str:account>/", plan.payment_plan, name="payment_plan"),
    path("contester/<str:number>/", dispute.dispute_invoice, name="dispute_invoice"),
]
