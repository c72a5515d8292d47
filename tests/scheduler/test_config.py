"""KubeSchedulerConfiguration loading, defaulting, validation and the framework built from it."""

import pytest

from sched_harness import FakeHandle, snapshot

from k8slab.scheduler.config import ConfigError, build_framework, load_config

V1 = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"


def fw(config=None, i=0):
    cfg = load_config(config)
    return build_framework(cfg.profiles[i], FakeHandle(snapshot([])))


def names(plugins):
    return [p.name for p in plugins]


def test_defaults():
    cfg = load_config(None)
    assert (cfg.parallelism, cfg.percentage_of_nodes_to_score, cfg.pod_initial_backoff_seconds,
            cfg.pod_max_backoff_seconds) == (16, 0, 1, 10)
    assert [p.scheduler_name for p in cfg.profiles] == ["default-scheduler"]
    f = fw()
    assert names(f.filter_plugins) == ["NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
                                       "NodePorts", "NodeResourcesFit", "VolumeRestrictions", "NodeVolumeLimits",
                                       "VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity"]
    assert names(f.score_plugins) == ["TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
                                      "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality"]
    assert f.weights == {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "PodTopologySpread": 2,
                         "InterPodAffinity": 2, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}
    assert names(f.post_filter_plugins) == ["DefaultPreemption"]
    assert names(f.pre_enqueue_plugins) == ["SchedulingGates"]
    assert names(f.bind_plugins) == ["DefaultBinder"]
    assert cfg.profiles[0].plugin_config["NodeResourcesFit"] == {
        "scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 1},
                                                                    {"name": "memory", "weight": 1}]}}
    assert cfg.profiles[0].plugin_config["DefaultPreemption"] == {"minCandidateNodesPercentage": 10,
                                                                  "minCandidateNodesAbsolute": 100}


def test_yaml_profiles_weights_and_disabling():
    f = fw(V1 + """
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packing
  plugins:
    multiPoint:
      enabled:
      - name: NodeResourcesFit
        weight: 5
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
      - name: ImageLocality
  pluginConfig:
  - name: NodeResourcesFit
    args:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: NodeResourcesFitArgs
      scoringStrategy:
        type: MostAllocated
        resources:
        - name: cpu
        - name: memory
          weight: 3
""", 1)
    assert names(f.score_plugins) == ["TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
                                      "InterPodAffinity"]
    assert f.weights["NodeResourcesFit"] == 5
    fit = f.all_plugins["NodeResourcesFit"]
    assert fit.strategy == "MostAllocated" and fit.scorer.resources == [("cpu", 1), ("memory", 3)]
    assert "NodeResourcesBalancedAllocation" in names(f.pre_score_plugins)  # only its Score is disabled


def test_specific_extension_point_overrides_multipoint_order():
    f = fw(V1 + """
profiles:
- plugins:
    filter:
      enabled:
      - name: NodeResourcesFit
""")
    assert names(f.filter_plugins)[0] == "NodeResourcesFit"
    assert names(f.filter_plugins).count("NodeResourcesFit") == 1


@pytest.mark.parametrize("config,message", [
    ("apiVersion: v1\nkind: Pod\n", 'no kind "Pod" is registered for version "v1"'),
    (V1 + "percentageOfNodesToScore: 120\n", "percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]"),
    (V1 + "podInitialBackoffSeconds: 0\n", "podInitialBackoffSeconds: Invalid value: 0: must be greater than 0"),
    (V1 + "profiles:\n- schedulerName: a\n- schedulerName: a\n", 'profiles[1].schedulerName: Duplicate value: "a"'),
    (V1 + "profiles:\n- schedulerName: a\n- {}\n", "profiles[1].schedulerName: Required value"),
])
def test_invalid_configurations(config, message):
    with pytest.raises(ConfigError) as e:
        load_config(config)
    assert message in str(e.value)


@pytest.mark.parametrize("config,message", [
    (V1 + "profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: Foo\n",
     'PreFilterPlugin "Foo" does not exist'),
    (V1 + "profiles:\n- plugins:\n    score:\n      enabled:\n      - name: NodePorts\n",
     'plugin "NodePorts" does not extend ScorePlugin plugin'),
    (V1 + "profiles:\n- plugins:\n    bind:\n      disabled:\n      - name: DefaultBinder\n",
     'at least one bind plugin is needed for profile with scheduler name "default-scheduler"'),
    (V1 + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n"
          "        type: Foo\n",
     'scoringStrategy.type: Unsupported value: "Foo": supported values: "LeastAllocated", "MostAllocated", '
     '"RequestedToCapacityRatio"'),
    (V1 + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n"
          "        type: RequestedToCapacityRatio\n        requestedToCapacityRatio:\n          shape:\n"
          "          - {utilization: 50, score: 11}\n",
     "scoringStrategy.shape[0].score: Invalid value: 11: not in valid range [0, 10]"),
])
def test_invalid_frameworks(config, message):
    with pytest.raises(ConfigError) as e:
        fw(config)
    assert message in str(e.value)
