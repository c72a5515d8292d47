"""Figures and tables for the chapters: data functions (pandas/networkx) plus matplotlib drawings.

Every figure has a data function next to it (``cluster_layout`` for ``draw_cluster``,
``architecture_graph`` for ``draw_architecture``, ``sequence_table`` for
``draw_sequence``, ``observe`` for ``draw_timeline``) so tests check the data a picture
is drawn from. The core never imports this package.

The drawing functions take an optional ``ax``; without one they open a pyplot figure, so
a notebook cell ends with ``plt.show()``. Each returns the ``Figure``.
"""

from .architecture import architecture_graph, components_table, draw_architecture, edges_table
from .cluster_view import cluster_layout, draw_cluster, status_colour
from .sequence import (apply_journey, draw_sequence, first_contacts, merge_records, participants, runtime_records,
                       sequence_table)
from .tables import deployment_counts, etcd_keys, events_table, nodes_table, pods_table
from .timeline import draw_timeline, failure_events, failure_marks, observe, ready_by_node, transitions

__all__ = [
    "architecture_graph", "components_table", "draw_architecture", "edges_table",
    "cluster_layout", "draw_cluster", "status_colour",
    "apply_journey", "draw_sequence", "first_contacts", "merge_records", "participants", "runtime_records",
    "sequence_table",
    "deployment_counts", "etcd_keys", "events_table", "nodes_table", "pods_table",
    "draw_timeline", "failure_events", "failure_marks", "observe", "ready_by_node", "transitions",
]
