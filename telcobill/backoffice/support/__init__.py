"""The support inbox's conversation page: the thread, the customer, assignment, status, canned
answers and the reply. The list of conversations is the admin's (support/admin.py)."""
