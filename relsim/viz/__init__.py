"""The browser app for teaching: two care models side by side on the same citizens, live.

`observe` is the only module that reads the model; `session` runs the pair of models; `charts`,
`system` and `journey` turn what `observe` reads into chart options and text; `exercises` holds
the guided exercises; `app` is the Solara page and `server` starts it. Only `app` and `server`
import Solara, which comes with the `viz` extra.
"""
