"""The nine MDI culture traits (Amundsen et al.; seed 001 L771-915), the second lens of the report."""

TRAITS: dict[str, dict[str, str]] = {
    "engasjement": {"nb": "Engasjement", "nn": "Engasjement", "en": "Engagement"},
    "samarbeidsorientering": {
        "nb": "Samarbeidsorientering",
        "nn": "Samarbeidsorientering",
        "en": "Collaboration",
    },
    "stolthet": {"nb": "Stolthet", "nn": "Stoltheit", "en": "Pride"},
    "tillit": {"nb": "Tillit", "nn": "Tillit", "en": "Trust"},
    "toleranse": {"nb": "Toleranse", "nn": "Toleranse", "en": "Tolerance"},
    "trygghet": {"nb": "Trygghet", "nn": "Tryggleik", "en": "Safety"},
    "utviklingsorientering": {
        "nb": "Utviklingsorientering",
        "nn": "Utviklingsorientering",
        "en": "Development orientation",
    },
    "apenhet": {"nb": "Åpenhet", "nn": "Openheit", "en": "Openness"},
    "autonomi": {"nb": "Autonomi", "nn": "Autonomi", "en": "Autonomy"},
}

LEADER_GROUPS = ("toppleder", "mellomleder", "forstelinjeleder")
