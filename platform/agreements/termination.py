"""An agreement terminated: announced for the packages above that keep figures of counted
agreements (``funds.rollup``), which agreements must not import."""

from __future__ import annotations

from dataclasses import dataclass

from agreements.models import Agreement
from core.hooks import Hook


@dataclass(frozen=True, slots=True)
class AgreementTerminated:
    agreement: Agreement


AGREEMENT_TERMINATED: Hook[AgreementTerminated] = Hook("agreement_terminated")
