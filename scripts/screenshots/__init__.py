"""Screenshots of the app as a lecturer and a student see it, for the README.

One command, one set of pictures per part of the app, each from a freshly started server in
headless Chromium at 1920x1080 (a projector) and 390x844 (a phone), into docs/screenshots/:

    python -m scripts.screenshots                 # every set
    python -m scripts.screenshots overview numbers  # some sets
    python -m scripts.screenshots landscape --out DIR

Sets: overview (every page from a shared link, then reloaded: the README's "at a glance"
table), landscape, numbers, classroom, honesty, renders. Look at every picture before committing it.
"""
