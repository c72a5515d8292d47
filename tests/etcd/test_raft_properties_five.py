"""Raft safety and liveness under random faults with 5 members (see test_raft_properties.py
for the properties checked); a separate file so that pytest-xdist runs it beside the
3-member schedules."""

from hypothesis import HealthCheck, given, settings, strategies as st

from test_raft_properties import CONFIGS, SCHEDULE, run_schedule

MEMBERS = 5


@settings(max_examples=1000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 2**32 - 1), config=CONFIGS, schedule=SCHEDULE[MEMBERS])
def test_raft_safety_and_liveness_five_members(seed, config, schedule):
    run_schedule(MEMBERS, seed, schedule, config)
