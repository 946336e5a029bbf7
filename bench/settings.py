"""Settings the benchmark serves with: Hearth's own, plus the bare view for the ceiling."""

from core.settings import *  # noqa: F403
from core.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]
