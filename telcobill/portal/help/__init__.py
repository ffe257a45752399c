"""Aide et contact: tutorials (guides and videos with captions), the phone numbers, and the
customer's conversations with support (a contact form, chat-style threads, their history)."""
