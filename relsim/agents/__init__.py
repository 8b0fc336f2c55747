"""Mesa agents: identity, decisions and relationships. Numeric state lives in arrays."""

from relsim.agents.citizen import Citizen
from relsim.agents.specialist import SpecialistService
from relsim.agents.worker import Worker

__all__ = ["Citizen", "SpecialistService", "Worker"]
