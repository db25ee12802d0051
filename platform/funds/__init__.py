"""The funds ledger of each agreement: commitments, disbursements confirmed or disputed by the
recipient, expenditures, refunds and reversals, append-only and chained by hash."""
