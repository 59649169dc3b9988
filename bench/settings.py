"""Production settings plus one extra URL, for the benchmark server only.

Everything (middleware, storages, caches, database options) comes from the real production
settings, so the bare view and the pages pay for exactly the same request pipeline.
"""

from bookday.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
