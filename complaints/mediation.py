"""Mediation's precondition: both parties' consent (O121 Arts. 18–19), pure.

A bureau mediates a complaint only with the complainant's and the respondent's consent
(Art. 18), and entrusts the mediation to a consumer association or another lawful mediation
body only when both parties agree to that too (Art. 19). Starting mediation records both
answers; a missing answer, or a refusal, is a 422 naming the field (both, when both are). A
refusal is no mediation: the way on is Art. 23(2) (terminate, reason `refused_or_absent`),
after which the parties keep the Consumer Protection Law Art. 39 routes (negotiation,
consumer association, arbitration, court; Art. 25), or the parties settle themselves
(Art. 18 para. 2, `withdrawn_or_settled`).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import FieldError, ValidationFailed

REFUSED_WAY_ON = (
    "mediation cannot start without it (O121 Art. 18): terminate with reason "
    "'refused_or_absent' (Art. 23(2)) and tell the complainant of the Art. 39 routes "
    "(consumer association, arbitration, court), or record their own settlement"
)


@dataclass(frozen=True)
class Consent:
    """What starting mediation records."""

    complainant: bool
    respondent: bool
    entrusted_to: str  # "" when the bureau mediates itself


def _consent_error(field: str, party: str, answer: bool | None) -> FieldError | None:
    if answer is None:
        return FieldError(
            field,
            f"record whether the {party} consents to mediation (O121 Art. 18)",
            "consent_unrecorded",
        )
    if not answer:
        return FieldError(
            field, f"the {party} refused mediation: {REFUSED_WAY_ON}", "consent_refused"
        )
    return None


def check_consent(
    *,
    complainant: bool | None,
    respondent: bool | None,
    entrusted_to: str = "",
    entrustment_consent: bool | None = None,
) -> Consent:
    """Both parties' consent, or ValidationFailed naming every party's field missing or
    refused, so a form with neither answer marks both at once."""
    errors = [
        error
        for field, party, answer in (
            ("complainant_consent", "complainant", complainant),
            ("respondent_consent", "respondent", respondent),
        )
        if (error := _consent_error(field, party, answer)) is not None
    ]
    if errors:
        raise ValidationFailed.of(errors)
    body = entrusted_to.strip()
    if body and entrustment_consent is not True:
        raise ValidationFailed(
            "entrustment_consent",
            "entrusting mediation to "
            f"{body} needs both parties' consent (O121 Art. 19); without it the bureau "
            "mediates itself (leave entrusted_to empty)",
            type="entrustment_unagreed",
        )
    return Consent(complainant=True, respondent=True, entrusted_to=body)
