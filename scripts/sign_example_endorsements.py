"""Sign the example registry's endorsements with throwaway keys (the example awards are left alone).

Run from the repository root on a registry whose endorsers have no keys or endorsements yet, or with
``--fresh`` to delete the example endorsers' keys, endorsements and status lists first:

    .venv/bin/python scripts/sign_example_endorsements.py [--fresh]

Each endorser gets a key whose private half lives in a temporary directory that is deleted at the end, so no
one can sign for the example endorsers afterwards. Endorsements are made exactly as ``credreg endorse`` makes
them, dated from the ``since`` of the claim they back. One is revoked (the accreditation of
cloud-skills-council/cloud-security-essentials: its claim then draws a warning from ``credreg check``), and
one claim stays unconfirmed (brightforge-academy/web-development-fundamentals names the Valencia network,
which has signed nothing for it).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from generator.awarding.keys import generate_key, load_signing_key
from generator.endorsements import endorse, find_endorsement, revoke_endorsement
from generator.load import load_registry
from generator.models.endorsement import EndorsementKind as K

ROOT = Path(__file__).resolve().parent.parent
KEYS_FROM = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
REVOKED_ON = dt.datetime(2026, 10, 5, 10, 0, tzinfo=dt.UTC)

VTEN = "valencia-tech-employers-network"
ABPC = "accreditation-board-for-personnel-certification"
NCNES = "national-council-for-nursing-education-standards"
NUCC = "northern-universities-credit-consortium"
ENDORSERS = (VTEN, ABPC, NCNES, NUCC)

#: (endorser, target, kind, since, until, comment, scope)
ENDORSEMENTS: list[tuple[str, str, K, str, str | None, str, str | None]] = [
    (VTEN, "brightforge-academy/back-end-development-with-python", K.ENDORSES, "2024-09-01", "2028-08-31",
     "Our hiring panel reviewed the syllabus and the capstone brief: we would interview its holders for "
     "junior back-end roles.", "junior back-end developer roles in member companies"),
    (VTEN, "brightforge-academy/front-end-application-development", K.ENDORSES, "2024-09-01", "2028-08-31",
     "Reviewed by our hiring panel: the assessed project matches what members ask of junior front-end "
     "developers.", "junior front-end developer roles in member companies"),
    (VTEN, "brightforge-academy/full-stack-web-developer", K.ENDORSES, "2024-09-01", "2028-08-31",
     "Members recruit from this programme; the panel endorses it as preparation for full-stack roles.",
     None),
    (ABPC, "cloud-skills-council/cloud-infrastructure-operations", K.ACCREDITS, "2024-05-13", "2028-05-12",
     "Certification scheme accredited against ISO/IEC 17024 after an assessment of the examination and "
     "the assessors' competence.", "certification scheme CSC-CIO, accreditation no. D-ZP-24-0117"),
    (ABPC, "cloud-skills-council/cloud-practitioner", K.ACCREDITS, "2024-05-13", "2028-05-12",
     "Certification scheme accredited against ISO/IEC 17024.", "certification scheme CSC-CP, no. D-ZP-24-0118"),
    (ABPC, "cloud-skills-council/cloud-security-essentials", K.ACCREDITS, "2024-05-13", "2028-05-12",
     "Certification scheme accredited against ISO/IEC 17024.", "certification scheme CSC-CSE, no. D-ZP-24-0119"),
    (ABPC, "cloud-skills-council/cloud-solutions-architect", K.ACCREDITS, "2025-02-03", "2029-02-02",
     "Certification scheme accredited against ISO/IEC 17024, including the performance-based lab exam.",
     "certification scheme CSC-CSA, no. D-ZP-25-0031"),
    (ABPC, "project-practice-association/senior-project-professional", K.ACCREDITS, "2024-11-18", "2028-11-17",
     "Certification scheme accredited against ISO/IEC 17024.", "certification scheme PPA-SPP, no. D-ZP-24-0233"),
    (ABPC, "cloud-skills-council", K.ACCREDITS, "2024-05-13", "2028-05-12",
     "The Cloud Skills Council is an accredited body for the certification of persons (ISO/IEC 17024).",
     "the Council's certification body, for the schemes named in its accreditations"),
    (NCNES, "riverside-health-academy/deteriorating-patient-response", K.APPROVES_FOR_REGULATED_ROLE,
     "2024-03-01", "2028-02-29",
     "Approved as continuing-competence education for registered nurses in acute care.",
     "registered nurse (adult), acute and urgent care settings"),
    (NCNES, "riverside-health-academy/safe-medicines-administration", K.APPROVES_FOR_REGULATED_ROLE,
     "2024-03-01", "2028-02-29",
     "Approved as meeting the medicines-management standard for registered nurses.",
     "registered nurse, medicines administration competence"),
    (NCNES, "riverside-health-academy/preceptorship-and-clinical-supervision", K.APPROVES_FOR_REGULATED_ROLE,
     "2025-02-01", "2028-01-31",
     "Approved as preparation for the role of practice supervisor and preceptor.",
     "practice supervisor / preceptor of newly registered nurses"),
    (NUCC, "northbridge-university/data-analysis-foundations", K.COUNTS_TOWARDS_QUALIFICATION, "2023-09-01", None,
     "Counts for 5 ECTS towards the consortium's Postgraduate Certificate in Data Analytics at any member "
     "university.", "PgCert Data Analytics, 5 ECTS"),
    (NUCC, "northbridge-university/sql-for-data-analysis", K.COUNTS_TOWARDS_QUALIFICATION, "2023-09-01", None,
     "Counts for 5 ECTS towards the consortium's Postgraduate Certificate in Data Analytics.",
     "PgCert Data Analytics, 5 ECTS"),
]  # fmt: skip
REVOKE = (ABPC, "cloud-skills-council/cloud-security-essentials")


def _day(text: str, hour: int = 9) -> dt.datetime:
    day = dt.date.fromisoformat(text)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def main(argv: list[str]) -> int:
    if "--fresh" in argv:
        for endorser in ENDORSERS:
            shutil.rmtree(ROOT / "keys" / endorser, ignore_errors=True)
            for sub in ("endorsements", "status"):
                shutil.rmtree(ROOT / "registry" / "endorsers" / endorser / sub, ignore_errors=True)
    registry = load_registry(ROOT).registry
    assert registry is not None
    revoked_hash = None
    with tempfile.TemporaryDirectory(prefix="credreg-endorser-keys-") as tmp:
        keys = {}
        for endorser in ENDORSERS:
            made = generate_key(
                registry, endorser, key_id="key-2023", valid_from=KEYS_FROM, private_path=Path(tmp) / endorser,
                now=KEYS_FROM,
            )  # fmt: skip
            keys[endorser] = made.private_path
        registry = load_registry(ROOT).registry  # with the new public keys
        assert registry is not None
        for endorser, target, kind, since, until, comment, scope in ENDORSEMENTS:
            done = endorse(
                registry, target, endorser, load_signing_key(keys[endorser], root=ROOT), kind=kind,
                comment=comment, scope=scope, valid_from=_day(since),
                valid_until=_day(until, 23) if until else None,
            )  # fmt: skip
            print(f"{endorser:50} {target:60} {done.hash[:12]}")
            if (endorser, target) == REVOKE:
                revoked_hash = done.hash
        assert revoked_hash is not None
        assert find_endorsement(ROOT, revoked_hash) is not None
        revoke_endorsement(registry, revoked_hash, load_signing_key(keys[ABPC], root=ROOT), REVOKED_ON)
        print(f"revoked {revoked_hash[:12]} ({REVOKE[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
