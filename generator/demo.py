"""``credreg demo``: a realistic synthetic registry of any size, signed for real, on all cores.

What it writes into ``--out`` is a registry like a real one, and ``credreg check`` passes on it:

* ``registry/governance.yaml``, ``schemas/``, ``.github/CODEOWNERS`` and a ``.gitignore``;
* issuers of every kind (universities, industry bodies, training providers, employers, …) in several
  countries, each with a profile, a logo and maintainers;
* credential definitions built from domain templates (data, software, cloud, security, project management,
  health care, marketing, energy, finance, manufacturing): varied names, skills aligned to frameworks,
  occupations, levels, effort, ECTS credits, prices in the issuer's currency, assessment methods and weights,
  stackable pathways, prerequisites, quality assurance, validity periods and versions that supersede older
  ones;
* an Ed25519 key per issuer registered in ``keys/`` (one issuer rotates its key half-way), whose private
  halves go *outside* the registry (``--keys``, default ``<out>-keys/``);
* awards signed with both proofs (``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``) through the same code as
  ``credreg award``: cohorts as JSON Lines batches and individual awards as single files, spread over three
  years, some of them expired;
* revocations: signed entries in each issuer's ``revocations.jsonl`` and signed Bitstring Status Lists with
  exactly the revoked bits set.

Everything but the keys and the recipients' addresses follows from ``--seed`` (which is public: the addresses
would then be too). Signing runs in one process per core; a progress bar is shown on a terminal only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import math
import random
import secrets
import shutil
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import layout
from generator._internal.durations import add_duration
from generator._internal.files import Claimed, claim_folder, clear_abandoned, resolved, sync_file_system, write_staged
from generator._internal.jobs import default_jobs, fork_context
from generator._internal.progress import progress
from generator._internal.signals import held_off
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import revocation_entry
from generator.awarding.signing import sign_document
from generator.awarding.status import signed_status_list
from generator.awards import award_filename, award_hash, batch_filename, render_award
from generator.errors import ProblemsFound, UsageError
from generator.load import load_registry
from generator.models import LifecycleStatus
from generator.openbadges import new_recipient_key, timestamp, unsigned_award
from generator.registry import Registry
from generator.schema import write_schemas
from generator.statuslist import MIN_BITS, new_bitstring, set_bit

__all__ = ["DemoResult", "default_key_dir", "write_demo"]

SITE_URL = "https://demo-credentials.example.org/"
#: Awards are issued between START and the moment the demo is made.
START = dt.datetime(2023, 1, 9, 9, 0, tzinfo=dt.UTC)
#: Share of awards made in cohorts (JSON Lines batches); the rest are single files.
BATCH_SHARE = 0.75
#: Share of awards revoked.
REVOKED_SHARE = 0.02
#: The most awards one worker task signs (a cohort larger than this is split over several batch files).
TASK_AWARDS = 400


@dataclass(frozen=True, slots=True)
class DemoResult:
    root: Path
    key_dir: Path
    issuers: int
    credentials: int
    awards: int
    batches: int
    single_files: int
    revoked: int
    status_lists: int
    seconds: float


def default_key_dir(out: Path) -> Path:
    """Private keys go next to the registry, never inside it: ``<out>-keys``."""
    return out.parent / f"{out.name}-keys"


# ---------------------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Domain:
    field: str
    slug: str
    topics: tuple[str, ...]
    skills: tuple[tuple[str, str], ...]
    """(our name, the framework's label)."""
    occupations: tuple[tuple[str, str, str], ...]
    """(name, framework, code)."""
    industries: tuple[str, ...]
    pathway: str
    audience: str


_DOMAINS: tuple[_Domain, ...] = (
    _Domain(
        "data analytics",
        "data",
        (
            "SQL for Data Analysis",
            "Python for Data Analysis",
            "Data Visualisation and Storytelling",
            "Statistics for Business Decisions",
            "Spreadsheet Modelling",
            "Dashboard Design with BI Tools",
            "Data Quality and Governance",
            "Machine Learning for Analysts",
            "Forecasting with Time Series",
            "Experiment Design and A/B Testing",
        ),
        (
            ("Writing analytical SQL queries", "SQL"),
            ("Programming in Python for analysis", "Python (computer programming)"),
            ("Statistical analysis", "apply statistical analysis techniques"),
            ("Data visualisation", "deliver visual presentation of data"),
            ("Checking data quality", "implement data quality processes"),
            ("Reporting analysis results to non-specialists", "report analysis results"),
            ("Building predictive models", "build predictive models"),
            ("Cleaning and transforming data", "perform data cleansing"),
            ("Designing dashboards", "create data models"),
            ("Interpreting experiments", "interpret statistical data"),
        ),
        (
            ("Data analyst", "O*NET", "15-2051.01"),
            ("Business intelligence analyst", "O*NET", "15-2051.01"),
            ("Market research analyst", "O*NET", "13-1161.00"),
            ("Data scientist (entry level)", "ISCO", "2511"),
        ),
        ("Financial services", "Retail and e-commerce", "Public administration", "Health and social care"),
        "Data Analyst Professional Certificate",
        "analysts, managers and researchers who work with data every day",
    ),
    _Domain(
        "software development",
        "software",
        (
            "Web Development Fundamentals",
            "Front-end Application Development",
            "Back-end Development with Python",
            "Git and Collaborative Development",
            "Software Testing and Quality",
            "API Design and Integration",
            "Accessible Web Interfaces",
            "Secure Coding Practices",
            "Mobile App Development",
            "DevOps Pipelines",
        ),
        (
            ("Building web pages with HTML and CSS", "use markup languages"),
            ("Programming in JavaScript", "JavaScript"),
            ("Developing server applications", "develop software prototype"),
            ("Using version control", "use software version control tools"),
            ("Writing automated tests", "execute software tests"),
            ("Designing application interfaces", "design application interfaces"),
            ("Applying accessibility standards", "apply ICT accessibility standards"),
            ("Debugging software", "debug software"),
            ("Automating build and deployment", "use continuous integration tools"),
        ),
        (
            ("Web developer", "O*NET", "15-1254.00"),
            ("Software developer", "O*NET", "15-1252.00"),
            ("Software quality assurance analyst", "O*NET", "15-1253.00"),
        ),
        ("Information and communication", "Retail and e-commerce", "Professional services"),
        "Full-stack Web Developer",
        "career changers and junior developers",
    ),
    _Domain(
        "cloud computing",
        "cloud",
        (
            "Cloud Fundamentals",
            "Cloud Infrastructure Operations",
            "Cloud Security Essentials",
            "Cloud Cost Optimisation",
            "Containers and Orchestration",
            "Infrastructure as Code",
            "Virtualisation Administration",
            "Cloud Networking",
            "Site Reliability Engineering",
        ),
        (
            ("Operating cloud infrastructure", "manage cloud data and storage"),
            ("Securing cloud workloads", "implement cloud security and compliance"),
            ("Automating infrastructure", "automate cloud tasks"),
            ("Running containers", "use containerisation"),
            ("Monitoring services", "monitor system performance"),
            ("Planning cloud costs", "plan migration to cloud"),
            ("Designing cloud networks", "design cloud networks"),
            ("Administering virtual machines", "administer ICT system"),
        ),
        (
            ("Cloud engineer", "O*NET", "15-1241.00"),
            ("Systems administrator", "O*NET", "15-1244.00"),
            ("Site reliability engineer", "ISCO", "2523"),
        ),
        ("Information and communication", "Financial services", "Manufacturing"),
        "Cloud Solutions Architect",
        "system administrators and developers moving to cloud platforms",
    ),
    _Domain(
        "cybersecurity",
        "security",
        (
            "Cybersecurity Foundations",
            "Security Operations Centre Analyst",
            "Incident Response",
            "Network Defence",
            "Identity and Access Management",
            "Threat Intelligence",
            "Penetration Testing Basics",
            "Security Awareness for Managers",
        ),
        (
            ("Analysing security events", "analyse ICT system"),
            ("Responding to incidents", "manage ICT security incidents"),
            ("Hardening networks", "implement firewalls"),
            ("Managing identities and access", "manage identity and access"),
            ("Assessing vulnerabilities", "perform ICT security testing"),
            ("Applying security policies", "apply information security policies"),
            ("Recognising social engineering", "educate on data confidentiality"),
        ),
        (
            ("Information security analyst", "O*NET", "15-1212.00"),
            ("Security operations analyst", "NICE", "PR-CDA-001"),
            ("Penetration tester", "NICE", "PR-VAM-001"),
        ),
        ("Financial services", "Public administration", "Energy", "Health and social care"),
        "Cyber Defence Practitioner",
        "IT staff taking on security responsibilities",
    ),
    _Domain(
        "project management",
        "projects",
        (
            "Project Management Fundamentals",
            "Agile Delivery Practitioner",
            "Project Planning and Control",
            "Project Risk Management",
            "Stakeholder Engagement",
            "Programme Governance",
            "Benefits Realisation",
            "Scrum Team Facilitation",
        ),
        (
            ("Planning projects", "plan project activities"),
            ("Managing project risk", "perform risk analysis"),
            ("Leading agile teams", "use agile project management"),
            ("Controlling budgets", "manage budgets"),
            ("Engaging stakeholders", "manage stakeholder relationships"),
            ("Reporting project status", "report project status"),
            ("Facilitating team ceremonies", "facilitate team work"),
        ),
        (
            ("Project manager", "O*NET", "11-9199.02"),
            ("Scrum master", "ISCO", "2421"),
            ("Programme coordinator", "O*NET", "13-1082.00"),
        ),
        ("Construction", "Public administration", "Professional services", "Information and communication"),
        "Senior Project Professional",
        "people who run projects alongside another role",
    ),
    _Domain(
        "health care",
        "health",
        (
            "Infection Prevention and Control",
            "Safe Medicines Administration",
            "Deteriorating Patient Response",
            "Electronic Clinical Documentation",
            "Preceptorship and Clinical Supervision",
            "Dementia Care Practice",
            "Wound Care Essentials",
            "Palliative Care Communication",
        ),
        (
            ("Preventing infection", "apply infection control"),
            ("Administering medicines safely", "administer medication"),
            ("Recognising deterioration", "monitor patient's health"),
            ("Documenting care", "keep records of patients"),
            ("Supervising students in practice", "mentor individuals"),
            ("Communicating with families", "communicate with healthcare users"),
            ("Caring for wounds", "treat wounds"),
        ),
        (
            ("Registered nurse", "O*NET", "29-1141.00"),
            ("Healthcare assistant", "ISCO", "5321"),
            ("Clinical educator", "ISCO", "2221"),
        ),
        ("Health and social care",),
        "Clinical Practice Champion",
        "registered nurses, midwives and allied health professionals",
    ),
    _Domain(
        "digital marketing",
        "marketing",
        (
            "Search Engine Optimisation",
            "Social Media Marketing",
            "Paid Search and Social Advertising",
            "Marketing Analytics",
            "Content Strategy",
            "Email Marketing Automation",
            "Brand Management Online",
        ),
        (
            ("Optimising for search engines", "perform search engine optimisation"),
            ("Running social media campaigns", "use social media marketing techniques"),
            ("Managing paid advertising", "plan digital marketing"),
            ("Measuring marketing performance", "use analytics for commercial purposes"),
            ("Writing web content", "create content"),
            ("Automating campaigns", "use e-mail marketing"),
        ),
        (
            ("Digital marketing specialist", "O*NET", "13-1161.01"),
            ("Social media manager", "ISCO", "2431"),
            ("Content strategist", "ISCO", "2641"),
        ),
        ("Retail and e-commerce", "Hospitality and tourism", "Professional services"),
        "Digital Marketing Professional",
        "marketers and small-business owners",
    ),
    _Domain(
        "renewable energy",
        "energy",
        (
            "Solar PV Installation",
            "Heat Pump Commissioning",
            "Energy Auditing",
            "Battery Storage Safety",
            "Building Retrofit Coordination",
            "Wind Turbine Maintenance",
        ),
        (
            ("Installing photovoltaic systems", "install photovoltaic systems"),
            ("Commissioning heat pumps", "install heat pump"),
            ("Auditing energy use", "perform energy audit"),
            ("Working safely with batteries", "follow safety procedures"),
            ("Planning retrofits", "advise on energy efficiency"),
            ("Maintaining turbines", "maintain wind turbines"),
        ),
        (
            ("Solar photovoltaic installer", "O*NET", "47-2231.00"),
            ("Energy auditor", "O*NET", "13-1199.01"),
            ("Wind turbine technician", "O*NET", "49-9081.00"),
        ),
        ("Energy", "Construction", "Manufacturing"),
        "Low-Carbon Technology Installer",
        "electricians, plumbers and building services engineers",
    ),
    _Domain(
        "finance and accounting",
        "finance",
        (
            "Bookkeeping Essentials",
            "Management Accounting",
            "Financial Modelling",
            "Payroll Administration",
            "Anti-Money Laundering Compliance",
            "Sustainability Reporting",
        ),
        (
            ("Keeping accounts", "maintain financial records"),
            ("Preparing management reports", "prepare financial statements"),
            ("Building financial models", "create a financial plan"),
            ("Running payroll", "manage payroll"),
            ("Detecting money laundering", "apply anti-money laundering rules"),
            ("Reporting on sustainability", "report on sustainability"),
        ),
        (
            ("Bookkeeping clerk", "O*NET", "43-3031.00"),
            ("Management accountant", "ISCO", "2411"),
            ("Compliance officer", "O*NET", "13-1041.00"),
        ),
        ("Financial services", "Professional services", "Public administration"),
        "Finance Business Partner",
        "finance staff and small-business owners",
    ),
    _Domain(
        "advanced manufacturing",
        "manufacturing",
        (
            "Lean Production",
            "Industrial Robotics Operation",
            "Additive Manufacturing",
            "Quality Inspection with Metrology",
            "PLC Programming",
            "Predictive Maintenance",
        ),
        (
            ("Improving production flow", "apply lean manufacturing"),
            ("Operating industrial robots", "operate robotic equipment"),
            ("Printing parts additively", "operate 3D printing machine"),
            ("Measuring parts", "use measurement instruments"),
            ("Programming controllers", "program PLC"),
            ("Planning maintenance from data", "perform predictive maintenance"),
        ),
        (
            ("Manufacturing technician", "O*NET", "17-3029.09"),
            ("Robotics technician", "O*NET", "17-3024.01"),
            ("Quality inspector", "ISCO", "7543"),
        ),
        ("Manufacturing", "Automotive", "Energy"),
        "Industry 4.0 Technician",
        "production operators and maintenance technicians",
    ),
)

_KINDS: tuple[tuple[str, str, float], ...] = (
    # (kind, name pattern, share)
    ("university", "{place} University", 0.2),
    ("college", "{place} College", 0.12),
    ("industry-body", "{field} Skills Council", 0.12),
    ("professional-association", "Institute of {field} Professionals", 0.1),
    ("training-provider", "{brand} Academy", 0.2),
    ("bootcamp", "{brand} Bootcamp", 0.08),
    ("employer", "{brand} Group Academy", 0.1),
    ("government", "{place} Skills Agency", 0.04),
    ("nonprofit", "{place} Learning Trust", 0.04),
)
_PLACES: tuple[tuple[str, str, str, str, str], ...] = (
    # (place, region, country, currency, language)
    ("Northbridge", "West Yorkshire", "GB", "GBP", "en"),
    ("Riverside", "Greater Manchester", "GB", "GBP", "en"),
    ("Kingsford", "Kent", "GB", "GBP", "en"),
    ("Harbourview", "Leinster", "IE", "EUR", "en"),
    ("Lindenau", "Saxony", "DE", "EUR", "de"),
    ("Rheinfeld", "North Rhine-Westphalia", "DE", "EUR", "de"),
    ("Valmont", "Auvergne-Rhône-Alpes", "FR", "EUR", "fr"),
    ("Brugstede", "Utrecht", "NL", "EUR", "nl"),
    ("Solvik", "Vestland", "NO", "NOK", "nb"),
    ("Almira", "Andalusia", "ES", "EUR", "es"),
    ("Torrebianca", "Lombardy", "IT", "EUR", "it"),
    ("Lakehurst", "Ontario", "CA", "CAD", "en"),
    ("Cedar Falls", "Iowa", "US", "USD", "en"),
    ("Bayside", "Victoria", "AU", "AUD", "en"),
)
_BRANDS = (
    "Brightforge", "Skillpath", "Northstar", "Keystone", "Bluepeak", "Greenline", "Meridian", "Ironbridge",
    "Clearwater", "Summit", "Foundry", "Lumen", "Atlas", "Harbor", "Quarry", "Evergreen", "Beacon", "Cobalt",
)  # fmt: skip
_LEVELS = (
    # (prefix, proficiency, eqf range, hours range)
    ("Foundations of", "beginner", (3, 4), (12, 60)),
    ("", "intermediate", (4, 6), (40, 160)),
    ("Applied", "intermediate", (5, 6), (60, 200)),
    ("Advanced", "advanced", (6, 7), (80, 300)),
)
_QA_BODIES = (
    ("recognized", "Northern Universities Credit Consortium"),
    ("accredited", "National Accreditation Service for Training"),
    ("endorsed", "Employers' Skills Forum"),
    ("approved", "Sector Qualifications Authority"),
)
_ASSESSMENTS = {
    "exam": "A proctored exam of {n} questions on the published syllabus, taken online or at a test centre.",
    "practical-assessment": "Timed practical tasks on realistic {field} scenarios, marked against a public rubric.",
    "project": "A work-based project applying {skill} to a real problem, with a short report for a manager.",
    "portfolio": "A portfolio of evidence from the candidate's own work, reviewed by two assessors.",
    "observation": "Direct observation in the workplace by a qualified assessor on at least two occasions.",
}
_AWARD_TYPES_BY_KIND = {
    "industry-body": "Certification",
    "professional-association": "Certification",
    "employer": "Badge",
    "bootcamp": "CertificateOfCompletion",
}


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c.lower() if c.isalnum() else "-" for c in ascii_text)
    return "-".join(part for part in out.split("-") if part)[:60].strip("-")


def _framework_url(framework: str, code: str) -> str | None:
    if framework == "ESCO":
        return f"http://data.europa.eu/esco/skill/{code}"
    if framework == "O*NET":
        return f"https://www.onetonline.org/link/summary/{code}"
    return None


def _esco_code(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"esco-demo:{label}"))


# ---------------------------------------------------------------------------------------------------------
# Planning the registry
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _IssuerPlan:
    id: str
    name: str
    kind: str
    place: tuple[str, str, str, str, str]
    domains: list[_Domain]
    credentials: list[str] = field(default_factory=list)
    """Slugs that can be awarded (not retired)."""


def _plan_issuers(rng: random.Random, count: int) -> list[_IssuerPlan]:
    kinds = [k for k, _, _ in _KINDS]
    weights = [w for _, _, w in _KINDS]
    patterns = {k: p for k, p, _ in _KINDS}
    plans: list[_IssuerPlan] = []
    used: set[str] = set()
    for n in range(count):
        kind = kinds[n] if n < len(kinds) else rng.choices(kinds, weights)[0]
        place = rng.choice(_PLACES)
        domains = rng.sample(_DOMAINS, k=1 if kind in ("industry-body", "professional-association") else 2)
        name = patterns[kind].format(
            place=place[0], field=domains[0].field.title().replace("And", "and"), brand=rng.choice(_BRANDS)
        )
        base, suffix = name, 2
        while _slugify(name) in used:
            name = f"{base} {place[1]}" if suffix == 2 else f"{base} {suffix}"
            suffix += 1
        used.add(_slugify(name))
        plans.append(_IssuerPlan(_slugify(name), name, kind, place, domains))
    return plans


def _issuer_doc(plan: _IssuerPlan, rng: random.Random) -> dict[str, Any]:
    place, region, country, _, _ = plan.place
    host = plan.id.replace("-", "") + ".example"
    fields = " and ".join(d.field for d in plan.domains)
    handle = f"{rng.choice(['a', 'j', 'm', 's', 'k', 'r'])}{rng.choice(['patel', 'smith', 'muller', 'rossi'])}"
    return {
        "id": plan.id,
        "name": plan.name,
        "kind": plan.kind,
        "url": f"https://www.{host}",
        "email": f"credentials@{host}",
        "description": (
            f"{plan.name} is a {plan.kind.replace('-', ' ')} based in {place}, {region}. It offers short, "
            f"assessed credentials in **{fields}** for {plan.domains[0].audience}.\n\n"
            "Every credential states what the holder was assessed on, how, at what level and with what effort, "
            "so that employers can compare it with others in this registry. Awards are signed with the "
            f"issuer's registered key and can be checked by anyone on the verification page.\n"
        ),
        "location": {"country": country, "region": region, "city": place},
        "logo": "logo.svg",
        "maintainers": [f"{handle}-{plan.id[:12].strip('-')}", f"{plan.id[:30].strip('-')}/credentials-team"],
    }


def _definition(
    rng: random.Random,
    issuer: _IssuerPlan,
    domain: _Domain,
    topic: str,
    level: tuple[str, str, tuple[int, int], tuple[int, int]],
    slug: str,
    created: dt.date,
) -> dict[str, Any]:
    prefix, proficiency, eqf, hours_range = level
    name = f"{prefix} {topic}".strip()
    skills = rng.sample(domain.skills, k=min(len(domain.skills), rng.randint(3, 6)))
    hours = rng.randrange(hours_range[0], hours_range[1] + 1, 4)
    weeks = max(1, round(hours / rng.choice((6, 8, 10, 12))))
    methods = rng.sample(list(_ASSESSMENTS), k=rng.randint(1, 3))
    weights: list[int | None] = [None] * len(methods)
    if len(methods) > 1 and rng.random() < 0.7:
        cuts = sorted(rng.sample(range(1, 20), len(methods) - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, 20], strict=True)]
        weights = [p * 5 for p in parts]
    academic = issuer.kind in ("university", "college")
    currency = issuer.place[3]
    doc: dict[str, Any] = {
        "id": slug,
        "name": name,
        "summary": f"Certifies competence in {skills[0][0].lower()} and {skills[1][0].lower()} for "
        f"{domain.field} work, assessed by {methods[0].replace('-', ' ')}.",
        "description": (
            f"{'An' if proficiency[0] in 'aeiou' else 'A'} {proficiency} credential in {domain.field} for "
            f"{domain.audience}.\n\n"
            "**What the holder has shown they can do**\n\n"
            + "".join(f"- {s[0].lower()};\n" for s in skills)
            + f"\nLearning takes about {hours} hours over {weeks} weeks, "
            f"{'with tutor support and ' if rng.random() < 0.6 else ''}"
            "with every outcome assessed against a published rubric.\n"
        ),
        "achievement_type": (
            "MicroCredential" if academic else _AWARD_TYPES_BY_KIND.get(issuer.kind, "MicroCredential")
        ),
        "criteria": {
            "narrative": f"Complete the {min(weeks, 12)} units and pass every assessment component. "
            "Results are moderated by a second assessor.\n",
            "assessment": [
                {
                    "method": m,
                    "description": _ASSESSMENTS[m].format(
                        n=rng.choice((40, 50, 60, 80)), field=domain.field, skill=skills[0][0].lower()
                    ),
                    **({"weight": w} if w is not None else {}),
                }
                for m, w in zip(methods, weights, strict=True)
            ],
            "pass_mark": rng.choice(
                ("70 % overall", "60 % overall and every practical task passed", "Pass in every component")
            ),
        },
        "skills": [
            {
                "name": ours,
                "alignment": {
                    "framework": "ESCO",
                    "code": _esco_code(label),
                    "url": f"http://data.europa.eu/esco/skill/{_esco_code(label)}",
                    "name": label,
                },
            }
            if rng.random() < 0.85
            else {"name": ours}
            for ours, label in skills
        ],
        "occupations": [
            {"name": o[0], "alignment": {"framework": o[1], "code": o[2]}}
            for o in rng.sample(domain.occupations, k=min(2, len(domain.occupations)))
        ],
        "level": {"eqf": rng.randint(*eqf), "proficiency": proficiency},
        "effort": {"hours": hours, "duration": f"P{weeks}W"},
        "cost": "free"
        if rng.random() < 0.12
        else {"amount": rng.randrange(5, 300) * (10 if currency != "NOK" else 100), "currency": currency},
        "delivery": rng.choice(("online", "online", "blended", "in-person")),
        "languages": [issuer.place[4]] if issuer.place[4] == "en" else [issuer.place[4], "en"],
        "industries": rng.sample(domain.industries, k=min(len(domain.industries), rng.randint(1, 3))),
        "tags": sorted({domain.slug, *(_slugify(s[0]).split("-")[0] for s in skills[:2])}),
        "version": "1.0",
        "created": created.isoformat(),
    }
    for occupation in doc["occupations"]:
        url = _framework_url(occupation["alignment"]["framework"], occupation["alignment"]["code"])
        if url:
            occupation["alignment"]["url"] = url
    if academic:
        doc["effort"]["ects"] = max(0.5, round(hours / 25 * 2) / 2)
    if rng.random() < 0.5:
        kind, body = rng.choice(_QA_BODIES)
        doc["quality_assurance"] = [
            {"kind": kind, "by": body, "url": f"https://register.example.org/{slug}", "since": created.isoformat()}
        ]
    if doc["achievement_type"] == "Certification" or rng.random() < 0.15:
        doc["validity"] = {
            "period": rng.choice(("P2Y", "P3Y")),
            "renewal": "Renew with 30 hours of documented professional development in the validity period.\n",
        }
    return doc


def _pathway(
    issuer: _IssuerPlan, domain: _Domain, components: list[str], slug: str, created: dt.date, rng: random.Random
) -> dict[str, Any]:
    rule = rng.choice(("all-of", "all-of", "n-of-m")) if len(components) > 2 else "all-of"
    stacking: dict[str, Any] = {"rule": rule, "components": components}
    how = "all of them"
    if rule == "n-of-m":
        stacking["n"] = len(components) - 1
        how = f"{len(components) - 1} of {len(components)}"
    currency = issuer.place[3]
    doc: dict[str, Any] = {
        "id": slug,
        "name": domain.pathway,
        "summary": f"Awarded for holding {len(components)} {domain.field} credentials of {issuer.name}, "
        "certifying the whole workflow of the role.",
        "description": (
            f"A stackable pathway in {domain.field}. The holder has earned the component credentials ({how}) "
            "and had an integrative portfolio signed off.\n"
        ),
        "achievement_type": "Certificate",
        "criteria": {
            "narrative": "Hold the component credentials and pass the integrative portfolio.\n",
            "assessment": [{"method": "portfolio", "description": "A reflective portfolio linking the components."}],
        },
        "skills": [{"name": s[0]} for s in domain.skills[:4]],
        "level": {"eqf": 6, "proficiency": "intermediate"},
        "effort": {"hours": 60 * len(components), "duration": f"P{3 * len(components)}M"},
        "cost": {"amount": 400 * len(components), "currency": currency},
        "delivery": "blended",
        "languages": ["en"],
        "tags": [domain.slug, "stackable"],
        "stacking": stacking,
        "version": "1.0",
        "created": created.isoformat(),
    }
    return doc


def _names(issuer: _IssuerPlan) -> Iterator[tuple[_Domain, str, int]]:
    """(domain, topic, round) for ever more definitions: each topic plain first, then at other levels."""
    for round_ in range(10_000):
        for domain in issuer.domains:
            for topic in domain.topics:
                yield domain, topic, round_


def _level_name(topic: str, round_: int) -> tuple[tuple[str, str, tuple[int, int], tuple[int, int]], str]:
    if round_ == 0:  # the topic as such, at a level that suits it
        return (_LEVELS[1], _LEVELS[0], _LEVELS[3], _LEVELS[2])[sum(map(ord, topic)) % 4], topic
    if round_ < len(_LEVELS):
        level = (_LEVELS[0], _LEVELS[2], _LEVELS[3])[round_ - 1]
        return level, f"{level[0]} {topic}"
    return _LEVELS[round_ % len(_LEVELS)], f"{topic}: Module {round_ - len(_LEVELS) + 2}"


def _plan_credentials(
    rng: random.Random, issuers: list[_IssuerPlan], count: int
) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Definitions per issuer: (slug, document), ``count`` in all. Every issuer gets at least one."""
    shares = [rng.paretovariate(1.2) for _ in issuers]
    per_issuer = [1] * len(issuers)
    for pick in rng.choices(range(len(issuers)), shares, k=max(0, count - len(issuers))):
        per_issuer[pick] += 1
    return {issuer.id: _issuer_credentials(rng, issuer, n) for issuer, n in zip(issuers, per_issuer, strict=True)}


def _issuer_credentials(rng: random.Random, issuer: _IssuerPlan, n: int) -> list[tuple[str, dict[str, Any]]]:
    span_days = max(1, (dt.date.today() - START.date()).days)
    docs: list[tuple[str, dict[str, Any]]] = []
    by_domain: dict[str, list[str]] = {}
    pathways: dict[str, int] = {}
    names = _names(issuer)

    def add(limit: int, *, with_pathways: bool) -> None:
        while len(docs) < limit:
            domain, topic, round_ = next(names)
            created = START.date() - dt.timedelta(days=rng.randint(30, 400) - rng.randint(0, span_days // 3))
            own = by_domain.setdefault(domain.slug, [])
            if with_pathways and len(own) >= 3 and len(own) % 5 == 3 and len(docs) < limit - 1:
                # A stackable pathway over some of this domain's credentials.
                number = pathways[domain.slug] = pathways.get(domain.slug, 0) + 1
                slug = _slugify(domain.pathway) + (f"-{number}" if number > 1 else "")
                doc = _pathway(issuer, domain, rng.sample(own, k=min(3, len(own))), slug, created, rng)
                if number > 1:
                    doc["name"] = f"{domain.pathway} ({number})"
                docs.append((slug, doc))
            level, name = _level_name(topic, round_)
            slug = _slugify(name)
            doc = _definition(rng, issuer, domain, topic, level, slug, created)
            doc["name"] = name
            foundation = _slugify(f"Foundations of {topic}")
            if round_ == 3 and foundation in own and rng.random() < 0.6:
                doc["prerequisites"] = [foundation]
            docs.append((slug, doc))
            own.append(slug)

    revisions = max(1, n // 12) if n >= 4 else 0
    add(n - revisions, with_pathways=True)
    _add_succession(rng, docs, revisions)
    add(n, with_pathways=False)
    return docs


def _add_succession(rng: random.Random, docs: list[tuple[str, dict[str, Any]]], count: int) -> None:
    """Some definitions were revised: the old version is deprecated and names its successor, and back."""
    referenced = {
        ref for _, d in docs for ref in (*d.get("prerequisites", []), *d.get("stacking", {}).get("components", []))
    }
    candidates = [(slug, doc) for slug, doc in docs if "stacking" not in doc and slug not in referenced]
    for slug, doc in rng.sample(candidates, k=min(count, len(candidates))):
        successor = f"{slug}-v2"
        new = json.loads(json.dumps(doc))
        new.update(id=successor, version="2.0", supersedes=slug, name=f"{doc['name']} (2nd edition)")
        doc.update(status="deprecated", superseded_by=successor)
        docs.append((successor, new))


def _svg(text: str, colour: str) -> str:
    initials = "".join(w[0] for w in text.split()[:3] if w[0].isalnum()).upper() or "C"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        f'<circle cx="60" cy="60" r="56" fill="{colour}"/>'
        '<text x="60" y="72" font-family="sans-serif" font-size="34" text-anchor="middle" fill="#fff">'
        f"{initials}</text></svg>\n"
    )


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def _write_yaml(path: Path, schema: str, data: dict[str, Any]) -> None:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    _write(path, f"# yaml-language-server: $schema={schema}\n{body}")


def _write(path: Path, text: str) -> None:
    """Every file of the demo registry: UTF-8 whatever the locale, into the staging folder that is renamed into
    place once complete and synced (:func:`write_staged`, never through a link)."""
    write_staged(path, text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------------------
# Awards
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Task:
    """Awards one worker signs: a cohort (one batch file) or a group of single awards of one credential."""

    issuer: str
    credential: str
    batch: bool
    times: tuple[dt.datetime, ...]
    slots: tuple[tuple[int, int], ...]
    seed: int
    revoke: tuple[int, ...]
    """Positions (in this task) of awards that will be revoked: their hashes are reported back."""


@dataclass(frozen=True, slots=True)
class _Signed:
    issuer: str
    count: int
    batch: bool
    files: int
    revocable: tuple[tuple[str, int, int, dt.datetime], ...]
    """(hash, status list, index, issued) of the awards to revoke."""


class _Slots:
    """Random free status slots per issuer, a new list once the current one is half full (as credreg award)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.free: dict[str, list[tuple[int, int]]] = {}
        self.lists: dict[str, int] = {}

    def take(self, issuer: str) -> tuple[int, int]:
        free = self.free.get(issuer)
        if not free:
            number = self.lists.get(issuer, 0) + 1
            self.lists[issuer] = number
            free = [(number, i) for i in self.rng.sample(range(MIN_BITS), MIN_BITS // 2)]
            self.free[issuer] = free
        return free.pop()


def _plan_awards(
    rng: random.Random,
    registry: Registry,
    credentials: dict[str, list[str]],
    total: int,
    now: dt.datetime,
    key_windows: dict[str, list[tuple[dt.datetime, dt.datetime | None]]],
    revoked_share: float = REVOKED_SHARE,
) -> tuple[list[_Task], _Slots]:
    refs = [(issuer, slug) for issuer, slugs in credentials.items() for slug in slugs]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(refs))]
    rng.shuffle(refs)
    counts = dict.fromkeys(refs, 0)
    for ref in rng.choices(refs, weights, k=total):
        counts[ref] += 1
    slots = _Slots(rng)
    tasks: list[_Task] = []
    for (issuer, slug), n in counts.items():
        if not n:
            continue
        created = registry.issuers[issuer].credentials[slug].model.created
        first = max(START, dt.datetime(created.year, created.month, created.day, 9, tzinfo=dt.UTC))
        first = max(first, key_windows[issuer][0][0] + dt.timedelta(days=1))
        span = max(1.0, (now - first).total_seconds() - 86_400)
        cohorts = round(n * BATCH_SHARE)
        singles = n - cohorts
        remaining = cohorts
        while remaining > 0:
            size = min(remaining, max(2, int(rng.lognormvariate(math.log(60), 0.9))), TASK_AWARDS)
            at = _within_keys(first + dt.timedelta(seconds=rng.random() * span), key_windows[issuer])
            tasks.append(_task(rng, issuer, slug, True, (at,) * size, slots, revoked_share))
            remaining -= size
        while singles > 0:
            size = min(singles, 200)
            times = tuple(
                sorted(_within_keys(first + dt.timedelta(seconds=rng.random() * span), key_windows[issuer])
                       for _ in range(size))
            )  # fmt: skip
            tasks.append(_task(rng, issuer, slug, False, times, slots, revoked_share))
            singles -= size
    rng.shuffle(tasks)
    return tasks, slots


def _within_keys(at: dt.datetime, windows: list[tuple[dt.datetime, dt.datetime | None]]) -> dt.datetime:
    """Move a signing time off a key rotation instant (no key is valid at exactly the switch)."""
    at = at.replace(microsecond=0)
    for start, end in windows:
        if at >= start and (end is None or at <= end):
            return at
    return at + dt.timedelta(seconds=2)


def _task(
    rng: random.Random,
    issuer: str,
    slug: str,
    batch: bool,
    times: tuple[dt.datetime, ...],
    slots: _Slots,
    revoked_share: float = REVOKED_SHARE,
) -> _Task:
    taken = tuple(slots.take(issuer) for _ in times)
    revoke = tuple(i for i in range(len(times)) if rng.random() < revoked_share)
    return _Task(issuer, slug, batch, times, taken, rng.getrandbits(64), revoke)


# Worker state, inherited from the parent when the pool forks (never pickled).
_STATE: dict[str, Any] = {}


def _sign_awards(task: _Task) -> list[dict[str, Any]]:
    """The task's awards, built and signed exactly as ``credreg award`` does."""
    registry: Registry = _STATE["registry"]
    keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]] = _STATE["keys"]
    record = registry.issuers[task.issuer]
    definition = record.credentials[task.credential].model
    did = registry.issuer_did(task.issuer)
    rng = random.Random(task.seed)  # noqa: S311 - synthetic data; keys come from the OS (generate_key)
    signed: list[dict[str, Any]] = []
    for at, (number, index) in zip(task.times, task.slots, strict=True):
        key = _key_at(keys[task.issuer], at)
        until = add_duration(at, definition.validity.period) if definition.validity.period else None
        if until is None and rng.random() < 0.05:  # a short-lived award (a trial or a temporary licence)
            until = at + dt.timedelta(days=rng.choice((180, 365)))
        portfolio = rng.getrandbits(40)
        unsigned = unsigned_award(
            registry,
            record.issuer,
            definition,
            award_id=f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            # The address and its key from the OS, not the seeded rng: the seed (2026 unless --seed) is public,
            # and would tell every award's recipient; nor does the published evidence follow from the address.
            recipient_email=f"learner{secrets.randbits(40)}@example.org",
            recipient_key=new_recipient_key(),
            valid_from=at,
            valid_until=until,
            evidence=[f"https://portfolio.example.org/{portfolio:x}"] if rng.random() < 0.25 else [],
            status_list=number,
            status_index=index,
        )
        signed.append(sign_document(unsigned, key, f"{did}#{key.key_id}", at))
    return signed


def _sign_task(task: _Task) -> _Signed:
    """Sign a task's awards and write them: one batch file, or one file per award."""
    signed = _sign_awards(task)
    root = _STATE["registry"].root
    revocable = []
    if task.batch:
        date = task.times[0].date().isoformat()
        path = batch_filename(root, task.issuer, task.credential, date, f"{task.seed & 0xFFFFFFFF:08x}")
        _write(path, "".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) + "\n" for a in signed))
        digests = [award_hash(signed[i]) for i in task.revoke]
    else:
        digests = []
        for award in signed:
            digest = award_hash(award)
            path = award_filename(root, task.issuer, award, digest)
            _write(path, render_award(award))
            digests.append(digest)
        digests = [digests[i] for i in task.revoke]
    for i, digest in zip(task.revoke, digests, strict=True):
        number, index = task.slots[i]
        revocable.append((digest, number, index, task.times[i]))
    files = 1 if task.batch else len(signed)
    return _Signed(task.issuer, len(signed), task.batch, files, tuple(revocable))


def _key_at(keys: list[tuple[SigningKey, dt.datetime, dt.datetime | None]], at: dt.datetime) -> SigningKey:
    for key, since, until in keys:
        if at >= since and (until is None or at <= until):
            return key
    raise AssertionError(f"no key valid at {at}")


# ---------------------------------------------------------------------------------------------------------
# The whole registry
# ---------------------------------------------------------------------------------------------------------

_REASONS = (
    "Awarded in error: the candidate had not completed the practical assessment",
    "Assessment misconduct confirmed by the academic integrity panel",
    "Duplicate award; replaced by a corrected award",
    "Awarded to the wrong candidate after a records mix-up",
    "Withdrawn at the holder's request",
)


def _holds_something(path: Path) -> bool:
    """Whether ``path`` exists as anything but an empty folder (a file there is not one to write into)."""
    return path.exists() and (not path.is_dir() or any(path.iterdir()))


def write_demo(
    out: Path,
    *,
    issuers: int,
    credentials: int,
    awards: int,
    key_dir: Path | None = None,
    seed: int = 2026,
    jobs: int | None = None,
    show_progress: bool | None = None,
    now: dt.datetime | None = None,
    revoked_share: float = REVOKED_SHARE,
) -> DemoResult:
    """Write a synthetic registry into ``out`` (which must not exist or be empty); see the module docstring."""
    started = dt.datetime.now(dt.UTC)
    now = (now or started).replace(microsecond=0)
    if issuers < 1 or credentials < issuers or awards < 0:
        raise UsageError("give at least one issuer, at least one credential per issuer, and zero or more awards")
    out = resolved(out)
    key_dir = resolved(key_dir or default_key_dir(out))
    if _holds_something(out):
        raise UsageError(f"{out} is not an empty folder; the demo writes a new registry")
    if key_dir.is_relative_to(out):
        raise UsageError("the private keys must go outside the registry (--keys)")
    if _holds_something(key_dir):
        raise UsageError(f"{key_dir} is not an empty folder; choose another folder for the private keys (--keys)")
    rng = random.Random(seed)  # noqa: S311 - synthetic data; keys come from the OS (generate_key)
    _clear_abandoned(out, key_dir)
    held: list[Claimed] = []
    try:
        # Written aside, each in a folder this process holds, and moved into place whole once complete: a demo
        # killed midway (SIGKILL too) leaves no folder at --out that looks like a registry but is half-written.
        stage = claim_folder(out.parent, _staging_prefix(out), held).path
        key_stage = claim_folder(key_dir.parent, _staging_prefix(key_dir), held, mode=0o700).path
        made = _write_demo(stage, key_stage, rng, issuers, credentials, awards, jobs, show_progress, now, revoked_share)
        for folder in (key_stage, stage):  # on disk before the names say complete: a crash leaves no empty file
            sync_file_system(folder)
        # The keys first: killed between the two renames, the registry is not there, and --out is free again.
        # Ctrl-C and SIGTERM are held off across the two: one raised as a rename returned left the keys in --keys
        # with no registry, or the registry at --out with its keys moved back and deleted below.
        with held_off():
            key_stage.rename(key_dir)  # over a missing or empty folder (refused if anything was put in it since)
            try:
                stage.rename(out)
            except BaseException:
                with contextlib.suppress(OSError):  # back where the clean-up below removes it: all or nothing
                    key_dir.rename(key_stage)
                raise
    finally:
        for claimed in held:
            shutil.rmtree(claimed.path, ignore_errors=True)  # gone if moved into place; else unfinished
            claimed.release()
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return dataclasses.replace(made, root=out, key_dir=key_dir, seconds=seconds)


def _staging_prefix(folder: Path) -> str:
    """The name of a demo's folder being written, beside the one it becomes: hidden, and saying what it is."""
    return f".{folder.name}.incomplete-"


def _clear_abandoned(out: Path, key_dir: Path) -> None:
    """Remove what demos killed midway left beside ``out`` and ``key_dir`` (never a running demo's)."""
    for folder in (out, key_dir):
        if folder.parent.is_dir():
            clear_abandoned(folder.parent, (_staging_prefix(folder),))


def _write_demo(
    out: Path,
    key_dir: Path,
    rng: random.Random,
    issuers: int,
    credentials: int,
    awards: int,
    jobs: int | None,
    show_progress: bool | None,
    now: dt.datetime,
    revoked_share: float,
) -> DemoResult:
    """Write the demo registry into the new folder ``out``, its private keys into ``key_dir``."""
    _write_skeleton(out)
    plans = _plan_issuers(rng, issuers)
    for plan in plans:
        folder = layout.issuer_dir(out, plan.id)
        _write_yaml(folder / "issuer.yaml", "../../../schemas/issuer.schema.json", _issuer_doc(plan, rng))
        _write(folder / "logo.svg", _svg(plan.name, f"#{rng.randrange(0x303030, 0xA0A0A0):06x}"))
    definitions = _plan_credentials(rng, plans, credentials)
    for issuer, docs in definitions.items():
        for slug, doc in docs:
            if rng.random() < 0.4:
                doc["image"] = f"images/{slug}.svg"
                image = layout.issuer_dir(out, issuer) / "images" / f"{slug}.svg"
                _write(image, _svg(doc["name"], f"#{rng.randrange(0x204060, 0x90B0D0):06x}"))
            _write_yaml(layout.credential_path(out, issuer, slug), "../../../../schemas/credential.schema.json", doc)
    registry = _load(out)
    keys, windows = _make_keys(registry, key_dir, rng, now)
    registry = _load(out)
    _write_codeowners(registry)
    awardable = {
        issuer: [s for s, c in sorted(record.credentials.items()) if c.model.status is not LifecycleStatus.RETIRED]
        for issuer, record in registry.issuers.items()
    }
    tasks, slots = _plan_awards(rng, registry, awardable, awards, now, windows, revoked_share)
    signed_count, files, batches = 0, 0, 0
    revocable: list[tuple[str, str, int, int, dt.datetime]] = []
    with progress("Signing awards", awards, enabled=show_progress) as bar:
        for result in _run(tasks, registry, keys, jobs):
            signed_count += result.count
            files += result.files
            batches += result.batch
            revocable.extend((result.issuer, *r) for r in result.revocable)
            bar.advance(result.count)
    revoked = _revoke(registry, keys, revocable, rng, now)
    lists = _write_status_lists(registry, keys, slots, revoked, now)
    singles = files - batches
    return DemoResult(
        out, key_dir, len(plans), sum(len(d) for d in definitions.values()), signed_count, batches, singles,
        sum(len(ix) for lists_ in revoked.values() for ix in lists_.values()), lists, 0.0,
    )  # fmt: skip


def _write_skeleton(out: Path) -> None:
    governance = {
        "name": "Demo Skills Credential Registry",
        "description": (
            "A **synthetic** registry made by `credreg demo`: realistic issuers, credential definitions and "
            "signed awards for trying credreg at scale. None of the organisations or awards is real.\n"
        ),
        "site_url": SITE_URL,
        "repository": "https://github.com/example/demo-credential-registry",
        "maintainers": ["registry-admin", "skills-steward"],
        "review": {
            "required_approvals": 1,
            "new_issuer_requires_registry_maintainer": True,
            "new_key_requires_registry_maintainer": True,
            "award_backdating_days": 30,
        },
    }
    _write_yaml(out / layout.GOVERNANCE_PATH, "../schemas/governance.schema.json", governance)
    write_schemas(out / layout.SCHEMAS_DIR)
    _write(out / ".gitignore", "/.cache/\n/site/\n/.build/\n")


def _load(out: Path) -> Registry:
    loaded = load_registry(out)
    if loaded.registry is None or loaded.problems.errors:
        raise ProblemsFound(loaded.problems.errors, "the demo registry does not load (a bug in the demo templates)")
    return loaded.registry


def _make_keys(
    registry: Registry, key_dir: Path, rng: random.Random, now: dt.datetime
) -> tuple[
    dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]],
    dict[str, list[tuple[dt.datetime, dt.datetime | None]]],
]:
    """A key per issuer; the first issuer rotates its key half-way (both stay registered)."""
    since = START - dt.timedelta(days=30)
    keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]] = {}
    for issuer in sorted(registry.issuers):
        made = generate_key(
            registry, issuer, key_id="key-2023", now=since, private_path=key_dir / issuer / "key-2023.key"
        )
        keys[issuer] = [(load_signing_key(made.private_path, root=registry.root), since, None)]
    rotating = sorted(registry.issuers)[0]
    rotation = (START + (now - START) / 2).replace(microsecond=0)
    made = generate_key(
        registry, rotating, key_id="key-2025", now=rotation, private_path=key_dir / rotating / "key-2025.key"
    )
    old_path = layout.key_path(registry.root, rotating, "key-2023")
    old = json.loads(old_path.read_text(encoding="utf-8"))
    retired = rotation - dt.timedelta(seconds=1)
    old["valid_until"] = timestamp(retired)
    _write(old_path, json.dumps(old, indent=2) + "\n")
    keys[rotating] = [
        (keys[rotating][0][0], since, retired),
        (load_signing_key(made.private_path, root=registry.root), rotation, None),
    ]
    windows = {issuer: [(s, u) for _, s, u in entries] for issuer, entries in keys.items()}
    return keys, windows


def _write_codeowners(registry: Registry) -> None:
    try:
        from generator.governance import write_codeowners
    except ImportError:  # pragma: no cover - the governance package is part of credreg
        return
    write_codeowners(registry)


def _run(
    tasks: Sequence[_Task],
    registry: Registry,
    keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]],
    jobs: int | None,
) -> Iterator[_Signed]:
    """Sign every task, in one worker process per core (forked: the registry and keys are inherited)."""
    _STATE.update(registry=registry, keys=keys)
    jobs = jobs or default_jobs()
    try:
        if jobs <= 1 or len(tasks) <= 1:
            yield from map(_sign_task, tasks)
            return
        # Warm the JSON-LD caches once in the parent, so that every worker starts with them.
        first = tasks[0]
        _sign_awards(_Task(first.issuer, first.credential, True, first.times[:1], first.slots[:1], 0, ()))
        with fork_context().Pool(jobs) as pool:
            yield from pool.imap_unordered(_sign_task, tasks, chunksize=1)
    finally:
        _STATE.clear()


def _revoke(
    registry: Registry,
    keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]],
    revocable: list[tuple[str, str, int, int, dt.datetime]],
    rng: random.Random,
    now: dt.datetime,
) -> dict[str, dict[int, list[int]]]:
    """Signed revocation entries, in date order per issuer; returns the revoked indexes per issuer and list."""
    planned = []
    for issuer, digest, number, index, issued in revocable:
        latest = now - dt.timedelta(days=1)
        if issued >= latest - dt.timedelta(days=2):
            continue
        when = min(issued + dt.timedelta(days=rng.randint(3, 300)), latest).replace(microsecond=0)
        planned.append((issuer, when, digest, number, index))
    revoked: dict[str, dict[int, list[int]]] = {}
    lines: dict[str, list[str]] = {}
    did_of = {issuer: registry.issuer_did(issuer) for issuer in registry.issuers}
    for issuer, when, digest, number, index in sorted(planned, key=lambda p: (p[0], p[1], p[2])):
        key = _key_at(keys[issuer], when)
        entry = revocation_entry(did_of[issuer], digest, number, index, rng.choice(_REASONS), key, when)
        lines.setdefault(issuer, []).append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
        revoked.setdefault(issuer, {}).setdefault(number, []).append(index)
    for issuer, entries in lines.items():
        _write(layout.revocations_path(registry.root, issuer), "\n".join(entries) + "\n")
    return revoked


def _write_status_lists(
    registry: Registry,
    keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]],
    slots: _Slots,
    revoked: dict[str, dict[int, list[int]]],
    now: dt.datetime,
) -> int:
    """Every list an issuer uses, signed once with its current key, with the revoked bits set."""
    written = 0
    for issuer, last in sorted(slots.lists.items()):
        key = _key_at(keys[issuer], now)
        for number in range(1, last + 1):
            bits = new_bitstring()
            for index in revoked.get(issuer, {}).get(number, []):
                set_bit(bits, index)
            credential = signed_status_list(registry, issuer, number, bits, key, now)
            path = layout.status_list_path(registry.root, issuer, number)
            _write(path, json.dumps(credential, indent=2, ensure_ascii=False) + "\n")
            written += 1
    return written


def remove_demo(out: Path, key_dir: Path | None = None) -> None:
    """Delete a demo registry and its private keys (for benchmarks and tests)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(key_dir or default_key_dir(out), ignore_errors=True)
