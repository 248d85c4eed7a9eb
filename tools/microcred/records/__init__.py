"""Pure data models of the registry's records (no I/O): organisations, credentials, awards."""

from .award import (
    Assessment,
    Award,
    Decision,
    EvidenceItem,
    Provenance,
    Recipient,
    Revocation,
    Signed,
    Submission,
    Visibility,
)
from .common import Record
from .credential import (
    Citation,
    Credential,
    Criterion,
    EvidenceRequirement,
    Level,
    PassingRule,
    Resource,
    Rubric,
)
from .issuer import AssessmentPolicy, Assessor, Organisation, Person, PublicKey, Recognition

__all__ = [
    "Assessment", "AssessmentPolicy", "Assessor", "Award", "Citation", "Credential", "Criterion", "Decision",
    "EvidenceItem", "EvidenceRequirement", "Level", "Organisation", "PassingRule", "Person", "Provenance",
    "PublicKey", "Recipient", "Recognition", "Record", "Resource", "Revocation", "Rubric", "Signed",
    "Submission", "Visibility",
]
