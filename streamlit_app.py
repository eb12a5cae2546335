"""Entry point: page config and navigation, nothing else (the pages are listed in ui/app.py).

Each page's URL is its file name (/text_over_colour, /vgg16_filters): Streamlit resolves the
first request of a fresh server through the pages/ folder, and each page calls
``ensure_app_navigation()`` so that such a request still shows this app's navigation.
"""

from ui.app import (
    configure_malloc,
    configure_page,
    navigation,
    return_freed_memory,
    skip_keras_reset,
    view_ui,
)

configure_malloc()
skip_keras_reset()
configure_page()
view_ui()  # the sidebar's projector switch and the app's CSS, on every page
navigation().run()
return_freed_memory()  # what this run built and dropped goes back to the system
