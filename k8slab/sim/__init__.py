"""The simulation kernel: virtual clock and event queue, seeded RNG streams, trace."""

from .kernel import Kernel, Timer, StepRecord
from .rng import RngTree
from .trace import Trace, TraceRecord

__all__ = ["Kernel", "Timer", "StepRecord", "RngTree", "Trace", "TraceRecord"]
