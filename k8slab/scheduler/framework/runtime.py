"""The framework: one per profile, running the plugins at each extension point.

upstream: pkg/scheduler/framework/runtime/framework.go (``frameworkImpl``; v1.32). Plugins
are enabled in the order of the profile's plugin list (MultiPoint expansion), scores are
normalized per plugin and multiplied by the plugin's weight. Upstream runs Filter and
Score over nodes in parallel goroutines; here they run in order, which gives the same
results (each node is evaluated independently).
"""

from __future__ import annotations

from typing import Any, Optional

from .cycle_state import CycleState
from .interface import (MAX_NODE_SCORE, MIN_NODE_SCORE, ClusterEvent, ClusterEventWithHint, Code, NodeScore,
                        PluginError, PostFilterResult, PreFilterResult, Status)
from .types import NodeInfo, NodeToStatus, PodInfo

EXTENSION_POINTS = ("preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve",
                    "permit", "preBind", "bind", "postBind")

#: extension point -> the method a plugin must define to be enabled there
_METHOD = {"preEnqueue": "pre_enqueue", "queueSort": "less", "preFilter": "pre_filter", "filter": "filter",
           "postFilter": "post_filter", "preScore": "pre_score", "score": "score", "reserve": "reserve",
           "permit": "permit", "preBind": "pre_bind", "bind": "bind", "postBind": "post_bind"}


class NodePluginScores:
    """upstream: framework.NodePluginScores -- a node's weighted score per plugin and their total."""

    __slots__ = ("name", "scores", "total_score")

    def __init__(self, name: str, scores: dict[str, int], total: int):
        self.name = name
        self.scores = scores
        self.total_score = total

    def __repr__(self) -> str:
        return f"NodePluginScores({self.name!r}, total={self.total_score}, {self.scores})"


class ScoreList:
    """The result of RunScorePlugins: per node (in order) its weighted plugin scores and total.

    Behaves as a list of :class:`NodePluginScores` (built on demand); ``totals`` and
    ``names`` give the numbers without building them.
    """

    __slots__ = ("nodes", "plugin_names", "weighted", "totals", "names")

    def __init__(self, nodes, plugin_names, weighted, totals):
        self.nodes = nodes
        self.plugin_names = plugin_names
        self.weighted = weighted
        self.totals = totals
        self.names = [n.name for n in nodes]

    def __len__(self) -> int:
        return len(self.totals)

    def __getitem__(self, i: int) -> "NodePluginScores":
        return NodePluginScores(self.names[i], _LazyScores(self.plugin_names, self.weighted, i), self.totals[i])

    def __iter__(self):
        for i in range(len(self.totals)):
            yield self[i]


class _LazyScores(dict):
    """A node's weighted per-plugin scores, built only when looked at."""

    def __init__(self, names: list[str], weighted: list[list[int]], i: int):
        super().__init__()
        self._src = (names, weighted, i)

    def _fill(self) -> None:
        if self._src is not None:
            names, weighted, i = self._src
            self._src = None
            for n, col in zip(names, weighted):
                dict.__setitem__(self, n, col[i])

    def __getitem__(self, k):
        self._fill()
        return dict.__getitem__(self, k)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._fill()
        return dict.__len__(self)

    def items(self):
        self._fill()
        return dict.items(self)

    def __repr__(self) -> str:
        self._fill()
        return dict.__repr__(self)


class Framework:
    """The plugins of one profile (``scheduler_name``) and how to run them."""

    def __init__(self, profile_name: str, plugins: dict[str, list[Any]], weights: dict[str, int],
                 percentage_of_nodes_to_score: Optional[int] = None):
        self.profile_name = profile_name
        self.plugins = plugins  # extension point -> [plugin]
        self.weights = weights  # score plugin name -> weight
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.pre_enqueue_plugins = plugins.get("preEnqueue", [])
        qs = plugins.get("queueSort", [])
        self.queue_sort_plugin = qs[0] if qs else None
        self.pre_filter_plugins = plugins.get("preFilter", [])
        self.filter_plugins = plugins.get("filter", [])
        self.post_filter_plugins = plugins.get("postFilter", [])
        self.pre_score_plugins = plugins.get("preScore", [])
        self.score_plugins = plugins.get("score", [])
        self.reserve_plugins = plugins.get("reserve", [])
        self.permit_plugins = plugins.get("permit", [])
        self.pre_bind_plugins = plugins.get("preBind", [])
        self.bind_plugins = plugins.get("bind", [])
        self.post_bind_plugins = plugins.get("postBind", [])
        seen: dict[str, Any] = {}
        for lst in plugins.values():
            for p in lst:
                seen.setdefault(p.name, p)
        self.all_plugins = seen

    # ---------------------------------------------------------------- has
    def has_filter_plugins(self) -> bool:
        return bool(self.filter_plugins)

    def has_post_filter_plugins(self) -> bool:
        return bool(self.post_filter_plugins)

    def has_score_plugins(self) -> bool:
        return bool(self.score_plugins)

    def score_plugin_names(self) -> list[str]:
        return [p.name for p in self.score_plugins]

    # ---------------------------------------------------------------- queue
    def run_pre_enqueue_plugins(self, pi: PodInfo) -> Optional[Status]:
        """upstream: RunPreEnqueuePlugins -- the first rejection wins."""
        for pl in self.pre_enqueue_plugins:
            st = pl.pre_enqueue(pi)
            if st is not None and not st.is_success():
                st.plugin = pl.name
                return st
        return None

    def queueing_hints(self) -> list[tuple[ClusterEvent, str, Any]]:
        """(event, plugin, hint fn) for every plugin implementing EnqueueExtensions."""
        out = []
        for name, p in self.all_plugins.items():
            fn = getattr(p, "events_to_register", None)
            if fn is None:
                continue
            for ev in fn():
                if isinstance(ev, ClusterEventWithHint):
                    out.append((ev.event, name, ev.hint))
                else:
                    out.append((ev, name, None))
        return out

    # ---------------------------------------------------------------- filter
    def run_pre_filter_plugins(self, state: CycleState, pi: PodInfo):
        """upstream: RunPreFilterPlugins -> (PreFilterResult, Status, plugins that narrowed the nodes).

        The caller adds the rejecting plugin itself (``Diagnosis.add_plugin_status``), as upstream.
        """
        result: Optional[PreFilterResult] = None
        plugins_with_nodes: set[str] = set()
        return_status: Optional[Status] = None
        for pl in self.pre_filter_plugins:
            r, st = pl.pre_filter(state, pi)
            if st is not None and st.code == Code.Skip:
                state.skip_filter_plugins.add(pl.name)
                continue
            if st is not None and not st.is_success():
                st.plugin = pl.name
                if st.code == Code.UnschedulableAndUnresolvable:
                    return None, st, set()
                if st.code == Code.Unschedulable:
                    # upstream #119770: keep running PreFilter so preemption has every plugin's state
                    if return_status is None:
                        return_status = st
                    continue
                return None, Status(Code.Error, f"running PreFilter plugin {pl.name!r}: {st.message()}",
                                    plugin=pl.name), set()
            if r is not None and not r.all_nodes():
                plugins_with_nodes.add(pl.name)
                result = r if result is None else result.merge(r)
                if not result.node_names:
                    names = sorted(plugins_with_nodes)
                    msg = (f"node(s) didn't satisfy plugin {names[0]}" if len(names) == 1 else
                           f"node(s) didn't satisfy plugin(s) [{' '.join(names)}] simultaneously")
                    return result, Status(Code.UnschedulableAndUnresolvable, msg), plugins_with_nodes
        return result, return_status, plugins_with_nodes

    def active_filters(self, state: CycleState, pi: Optional[PodInfo] = None) -> list[tuple[str, Any]]:
        """The Filter methods to run: not skipped at PreFilter (and, given the pod, not a
        no-op for it by the plugin's own ``skip_filter_for``)."""
        skip = state.skip_filter_plugins
        return [(p.name, p.filter) for p in self.filter_plugins if p.name not in skip
                and not (pi is not None and hasattr(p, "skip_filter_for") and p.skip_filter_for(pi))]

    def run_filter_plugins(self, state: CycleState, pi: PodInfo, ni: NodeInfo,
                           filters: Optional[list] = None) -> Optional[Status]:
        """upstream: RunFilterPlugins -- the first failing plugin's status (with the plugin set)."""
        for name, f in (filters if filters is not None else self.active_filters(state)):
            st = f(state, pi, ni)
            if st is not None and st.code != Code.Success:
                if not st.is_rejected():
                    st = Status(Code.Error, f"running {name!r} filter plugin: {st.message()}")
                st.plugin = name
                return st
        return None

    def run_filter_plugins_with_nominated_pods(self, state: CycleState, pi: PodInfo, ni: NodeInfo,
                                               nominator: Any = None, filters: Optional[list] = None) -> Optional[Status]:
        """upstream: RunFilterPluginsWithNominatedPods -- run once with the nominated pods of
        equal or higher priority added to the node, and, if that passes, once without them."""
        st: Optional[Status] = None
        pods_added = False
        for i in range(2):
            state_to_use, ni_to_use = state, ni
            if i == 0:
                pods_added, state_to_use, ni_to_use = self._add_ge_nominated_pods(state, pi, ni, nominator)
            elif not pods_added or (st is not None and not st.is_success()):
                break
            st = self.run_filter_plugins(state_to_use, pi, ni_to_use,
                                         filters if state_to_use is state else None)
            if st is not None and not st.is_success() and not st.is_rejected():
                return st
        return st

    def _add_ge_nominated_pods(self, state: CycleState, pi: PodInfo, ni: NodeInfo, nominator: Any):
        if nominator is None:
            return False, state, ni
        nominated = nominator.nominated_pods_for_node(ni.name)
        if not nominated:
            return False, state, ni
        ni_out = ni.clone()
        state_out = state.clone()
        added = False
        for npi in nominated:
            if npi.priority >= pi.priority and npi.uid != pi.uid:
                ni_out.add_pod(npi)
                self.run_pre_filter_extension_add_pod(state_out, pi, npi, ni_out)
                added = True
        return added, state_out, ni_out

    def run_pre_filter_extension_add_pod(self, state: CycleState, pi: PodInfo, to_add: PodInfo, ni: NodeInfo) -> None:
        for pl in self.pre_filter_plugins:
            fn = getattr(pl, "add_pod", None)
            if fn is not None and pl.name not in state.skip_filter_plugins:
                fn(state, pi, to_add, ni)

    def run_pre_filter_extension_remove_pod(self, state: CycleState, pi: PodInfo, to_remove: PodInfo,
                                            ni: NodeInfo) -> None:
        for pl in self.pre_filter_plugins:
            fn = getattr(pl, "remove_pod", None)
            if fn is not None and pl.name not in state.skip_filter_plugins:
                fn(state, pi, to_remove, ni)

    def run_post_filter_plugins(self, state: CycleState, pi: PodInfo, node_to_status: NodeToStatus):
        """upstream: RunPostFilterPlugins."""
        result: Optional[PostFilterResult] = None
        reasons: list[str] = []
        rejector = ""
        for pl in self.post_filter_plugins:
            r, st = pl.post_filter(state, pi, node_to_status)
            if st is None or st.is_success():
                return r, st
            if st.code == Code.UnschedulableAndUnresolvable:
                st.plugin = pl.name
                return r, st
            if not st.is_rejected():
                return None, Status(Code.Error, st.message(), plugin=pl.name)
            if r is not None and r.nominating_info is not None and r.nominating_info.mode != "noop":
                result = r
            reasons.extend(st.reasons)
            if not rejector:
                rejector = pl.name
        return result, Status(Code.Unschedulable, *reasons, plugin=rejector)

    # ---------------------------------------------------------------- score
    def run_pre_score_plugins(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo]) -> Optional[Status]:
        """upstream: RunPreScorePlugins -- Skip marks the plugin's Score as skipped."""
        for pl in self.pre_score_plugins:
            st = pl.pre_score(state, pi, nodes)
            if st is not None and st.code == Code.Skip:
                state.skip_score_plugins.add(pl.name)
                continue
            if st is not None and not st.is_success():
                return Status(Code.Error, f"running PreScore plugin {pl.name!r}: {st.message()}", plugin=pl.name)
        return None

    def run_score_plugins(self, state: CycleState, pi: PodInfo, nodes: list[NodeInfo],
                          raw: Optional[dict] = None) -> tuple[list[NodePluginScores], Optional[Status]]:
        """upstream: RunScorePlugins -- score, normalize, weigh. ``raw`` (if given) receives
        each plugin's normalized, unweighted scores (used by ``explain``)."""
        plugins = [p for p in self.score_plugins if p.name not in state.skip_score_plugins]
        per_plugin: list[list[int]] = []
        for pl in plugins:
            try:
                batch = getattr(pl, "score_nodes", None)
                if batch is not None:
                    scores = batch(state, pi, nodes)
                else:
                    sc = pl.score
                    scores = [sc(state, pi, n) for n in nodes]
            except PluginError as e:
                return [], Status(Code.Error, f"plugin {pl.name!r} failed with: {e}", plugin=pl.name)
            fast = getattr(pl, "normalize_scores", None)
            norm = getattr(pl, "normalize_score", None)
            if fast is not None:
                scores = fast(state, pi, nodes, scores)
            elif norm is not None:
                lst = [NodeScore(n.name, s) for n, s in zip(nodes, scores)]
                st = norm(state, pi, lst)
                if st is not None and not st.is_success():
                    return [], Status(Code.Error, f"plugin {pl.name!r} failed with: {st.message()}", plugin=pl.name)
                scores = [x.score for x in lst]
            for s in scores:
                if s > MAX_NODE_SCORE or s < MIN_NODE_SCORE:
                    return [], Status(Code.Error, f"plugin {pl.name!r} returns an invalid score {s}, it should in the "
                                                  f"range of [{MIN_NODE_SCORE}, {MAX_NODE_SCORE}] after normalizing")
            per_plugin.append(scores)
            if raw is not None:
                raw[pl.name] = scores
        weights = [self.weights.get(p.name, 1) for p in plugins]
        names = [p.name for p in plugins]
        weighted = [[x * w for x in scores] for scores, w in zip(per_plugin, weights)]
        totals = [sum(col) for col in zip(*weighted)] if weighted else [0] * len(nodes)
        out = ScoreList(nodes, names, weighted, totals)
        return out, None

    # ---------------------------------------------------------------- reserve .. bind
    def run_reserve_plugins_reserve(self, state: CycleState, pi: PodInfo, node: str) -> Optional[Status]:
        for pl in self.reserve_plugins:
            st = pl.reserve(state, pi, node)
            if st is not None and not st.is_success():
                if st.is_rejected():
                    st.plugin = pl.name
                    return st
                return Status(Code.Error, f"running Reserve plugin {pl.name!r}: {st.message()}", plugin=pl.name)
        return None

    def run_reserve_plugins_unreserve(self, state: CycleState, pi: PodInfo, node: str) -> None:
        for pl in reversed(self.reserve_plugins):
            fn = getattr(pl, "unreserve", None)
            if fn is not None:
                fn(state, pi, node)

    def run_permit_plugins(self, state: CycleState, pi: PodInfo, node: str) -> Optional[Status]:
        """upstream: RunPermitPlugins. k8slab: no in-tree plugin returns Wait; Wait is not modelled."""
        for pl in self.permit_plugins:
            st, _timeout = pl.permit(state, pi, node)
            if st is not None and not st.is_success() and not st.is_wait():
                if st.is_rejected():
                    st.plugin = pl.name
                    return st
                return Status(Code.Error, f"running Permit plugin {pl.name!r}: {st.message()}", plugin=pl.name)
        return None

    def run_pre_bind_plugins(self, state: CycleState, pi: PodInfo, node: str) -> Optional[Status]:
        for pl in self.pre_bind_plugins:
            st = pl.pre_bind(state, pi, node)
            if st is not None and not st.is_success() and st.code != Code.Skip:
                if st.is_rejected():
                    st.plugin = pl.name
                    return st
                return Status(Code.Error, f"running PreBind plugin {pl.name!r}: {st.message()}", plugin=pl.name)
        return None

    def run_bind_plugins(self, state: CycleState, pi: PodInfo, node: str) -> Optional[Status]:
        """upstream: RunBindPlugins -- the first plugin that does not Skip binds."""
        if not self.bind_plugins:
            return Status(Code.Skip)
        st: Optional[Status] = None
        for pl in self.bind_plugins:
            st = pl.bind(state, pi, node)
            if st is not None and st.code == Code.Skip:
                continue
            if st is not None and not st.is_success():
                if st.is_rejected():
                    st.plugin = pl.name
                    return st
                return Status(Code.Error, f"running Bind plugin {pl.name!r}: {st.message()}", plugin=pl.name)
            return st
        return st

    def run_post_bind_plugins(self, state: CycleState, pi: PodInfo, node: str) -> None:
        for pl in self.post_bind_plugins:
            pl.post_bind(state, pi, node)
