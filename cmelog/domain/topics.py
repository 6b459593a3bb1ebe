"""The one topic vocabulary every board's file draws on (spec/cli.md 0.2 "Conventions"). Pure.

A board reuses a slug for the same subject; its file declares the slugs it uses with its own
labels. A topic a board's file does not declare is simply not counted there.
"""

from __future__ import annotations

VOCABULARY: dict[str, str] = {
    # Massachusetts (0.1)
    "risk-management": "Risk management",
    "opioids-pain-management": "Opioid education and pain management",
    "implicit-bias": "Implicit bias in health care",
    "end-of-life": "End-of-life care",
    "board-regulations": "Board regulations",
    "physician-wellness": "Physician wellness, burnout and mindfulness",
    "ehr": "Electronic health records",
    "alzheimers-dementia": "Alzheimer's disease and dementia",
    "child-abuse-reporting": "Child abuse and neglect reporting",
    "domestic-sexual-violence": "Domestic and sexual violence",
    # added in 0.2 for other boards and the DEA MATE ledger
    "mate-substance-use-disorders": "Treating and managing substance use disorders (DEA MATE)",
    "medical-errors": "Prevention of medical errors",
    "hiv-aids": "HIV/AIDS",
    "controlled-substances": "Controlled-substance prescribing",
    "human-trafficking": "Human trafficking",
    "ethics": "Medical ethics or professional responsibility",
    "infection-control": "Infection control",
    "infectious-diseases": "Infectious diseases",
    "cultural-competency": "Cultural competency",
    "behavioral-health": "Behavioral health",
    "geriatric-medicine": "Geriatric medicine",
}

FORMATS: dict[str, str] = {
    "live": "Live activity",
    "online": "Online activity",
    "enduring": "Enduring material",
    "journal": "Journal-based CME",
    "point-of-care": "Point-of-care learning",
    "teaching": "Teaching",
    "self-assessment": "Self-assessment",
    "performance-improvement": "Performance improvement",
    "other": "Other",
}
