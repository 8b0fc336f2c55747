"""Care models: one strategy per way of organising care, and the router that chooses between
them (the hybrid)."""

from relsim.care_models.assess_do_refer import AssessDoRefer
from relsim.care_models.liberated import Liberated
from relsim.care_models.router import Router, build_router

__all__ = ["AssessDoRefer", "Liberated", "Router", "build_router"]
