"""Refusal codes of sales document output (PDF, Factur-X, email); kept apart from error_codes.py."""

NOT_ISSUED = "not_issued"
COMPANY_INCOMPLETE = "company_incomplete"
NO_RECIPIENT = "no_recipient"
INVALID_RECIPIENT = "invalid_recipient"
TOO_MANY_RECIPIENTS = "too_many_recipients"
