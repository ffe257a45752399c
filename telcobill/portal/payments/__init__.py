"""Paiements in the customer space: the payment timeline (« Mes paiements »), the payment method
(direct debit set up or changed with a confirmation code, a card saved, the mandate as a PDF),
an overdue amount paid by card on the provider's page, and a payment plan asked online.

The pages call the payments use cases (telcobill/payments/services) and say their answers in
the customer's words; they decide nothing themselves."""
