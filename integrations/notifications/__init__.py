"""Notices sent over e-mail (SMTP), SMS (a gateway adapter) and webhooks signed with HMAC-SHA256."""
