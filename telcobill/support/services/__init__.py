"""The use cases of support: the customer's (`conversations`) and the agents' (`inbox`)."""
