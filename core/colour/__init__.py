"""Text over a colour: parsing colours, WCAG contrast, the palette, labels, preview and plots.

Modules, each importing only those above it (and ``core.mlp`` for the decision threshold):

- ``data``: reading colours as people type them;
- ``contrast``: WCAG relative luminance, contrast ratio and levels;
- ``palette``: the network's choice against WCAG's over many colours;
- ``labels``: labels collected in the classroom, their CSV form;
- ``preview``: the PNG preview of text over a colour;
- ``plots``: what the page draws.
"""
