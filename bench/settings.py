"""Settings for the benchmark's processes (`make bench`): the project's, plus a bare view
to measure the framework's floor against (bench/urls.py). Never used to serve the site."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
