"""What the sales module announces, for modules above it (accounting) to act in the same transaction."""

from django.dispatch import Signal

# sender: the model; kwargs: actor, document (an issued Invoice or CreditNote).
document_issued = Signal()
# sender: Payment; kwargs: actor, payment.
payment_recorded = Signal()
# sender: PaymentAllocation; kwargs: actor, allocation, created (False when it was removed).
allocation_changed = Signal()
