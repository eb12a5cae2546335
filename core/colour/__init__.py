"""Text over a colour: parsing colours, WCAG contrast, the palette, labels, preview and plots.

Modules, each importing only those above it (and ``core.mlp`` for the decision threshold):

- ``data``: reading colours as people type them, every CSS Color 4 form (ColorAide), with
  CSS's clamping and gamut mapping said, not hidden;
- ``contrast``: WCAG relative luminance (one implementation), contrast ratio and levels;
- ``vision``: how colour-blind eyes see a colour and its text (ColorAide's CVD simulation);
- ``palette``: the network's choice against WCAG's over many colours, by group, as CSV;
- ``labels``: labels collected in the classroom, their CSV form;
- ``retraining``: what retraining on the labels changed;
- ``link``: the page's state as short URL parameters;
- ``preview``: the PNG preview of text over a colour;
- ``plots``: what the page draws.
"""
