"""Aide et contact: tutorials (written guides, videos with captions) managed by staff, and the
support conversations between a customer and the operator's agents (statuses, assignment,
canned answers, the e-mail that tells the customer an agent answered).

The customer space (portal/help) and the back office (backoffice/support) call the use cases of
`services`; neither re-implements them.
"""
