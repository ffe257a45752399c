"""Use cases of the customers component that the customer space, the API and the back office share:
the billing address, contact details confirmed by a code, invoice preferences, people and roles.

Refusals are typed (telcobill.errors); an `Invalid` about one field carries that field's name as
its `code`, so that a form shows it next to the field."""
